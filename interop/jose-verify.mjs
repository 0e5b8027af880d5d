// Verifies a Signet/Buildkite detached compact JWS (`header..signature`) with npm `jose`, an
// implementation independent of Signet's.
//
//   node jose-verify.mjs <public-jwks.json> <payload-file> <value>
//
// Exit 0: verified. Exit 1: refused (reason on stderr). Exit 2: usage or I/O error.
// The key is chosen from the JWKS by the header's kid and must carry the header's alg, which is
// how buildkite-agent (jwx WithKeySet) selects keys.
import { readFileSync } from "node:fs";
import { createLocalJWKSet, flattenedVerify, base64url } from "jose";

const ALGORITHMS = ["EdDSA", "ES256", "ES512", "PS512"];

async function main(argv) {
  if (argv.length !== 3) {
    console.error("usage: node jose-verify.mjs <public-jwks.json> <payload-file> <value>");
    return 2;
  }
  const [jwksFile, payloadFile, value] = argv;
  let jwks, payload;
  try {
    jwks = JSON.parse(readFileSync(jwksFile, "utf8"));
    payload = readFileSync(payloadFile);
  } catch (e) {
    console.error(`cannot read input: ${e.message}`);
    return 2;
  }
  const parts = value.split(".");
  if (parts.length !== 3 || parts[1] !== "") {
    console.error("not a detached compact JWS (header..signature)");
    return 1;
  }
  try {
    // A detached JWS is the flattened form with the payload put back, base64url-encoded (no b64).
    await flattenedVerify(
      { protected: parts[0], payload: base64url.encode(payload), signature: parts[2] },
      createLocalJWKSet(jwks),
      { algorithms: ALGORITHMS },
    );
    return 0;
  } catch (e) {
    console.error(`refused: ${e.code ?? e.name}: ${e.message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
