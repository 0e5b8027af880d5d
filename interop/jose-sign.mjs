// Generates a key pair with npm `jose` and signs a payload as a detached compact JWS, the way
// buildkite-agent does: protected header {"alg":...,"kid":...}, value `header..signature`.
//
//   node jose-sign.mjs <EdDSA|ES256|ES512|PS512> <kid> <payload-file>
//
// Prints one JSON object: {"value": "<header>..<signature>", "publicJwks": {"keys": [...]}}.
// Exit 2 on usage or I/O errors.
import { readFileSync } from "node:fs";
import { FlattenedSign, exportJWK, generateKeyPair } from "jose";

const KEYGEN = {
  EdDSA: ["Ed25519", {}],
  ES256: ["ES256", {}],
  ES512: ["ES512", {}],
  PS512: ["PS512", { modulusLength: 2048 }],
};

async function main(argv) {
  if (argv.length !== 3 || !(argv[0] in KEYGEN)) {
    console.error("usage: node jose-sign.mjs <EdDSA|ES256|ES512|PS512> <kid> <payload-file>");
    return 2;
  }
  const [alg, kid, payloadFile] = argv;
  let payload;
  try {
    payload = readFileSync(payloadFile);
  } catch (e) {
    console.error(`cannot read payload: ${e.message}`);
    return 2;
  }
  const [keyAlg, options] = KEYGEN[alg];
  const { publicKey, privateKey } = await generateKeyPair(keyAlg, { ...options, extractable: true });
  const jws = await new FlattenedSign(payload).setProtectedHeader({ alg, kid }).sign(privateKey);
  const jwk = { ...(await exportJWK(publicKey)), alg, kid, use: "sig" };
  process.stdout.write(
    JSON.stringify({ value: `${jws.protected}..${jws.signature}`, publicJwks: { keys: [jwk] } }) + "\n",
  );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
