// Verifies a Sigstore bundle (messageSignature, public key, no transparency log) fully offline
// with sigstore-js (@sigstore/verify + @sigstore/bundle), an implementation independent of
// Signet's: the recipe of artifact-signing spec Appendix B.
//
//   node sigstore-verify.mjs <bundle.json> <artifact> <public-key.pem>
//
// Exit 0: verified. Exit 1: refused (reason on stderr). Exit 2: usage or I/O error.
// The trusted root is empty (no CA, no log, no TSA) and every threshold is 0, so the only trust is
// the public key, found through the bundle's hint, exactly as `cosign verify-blob --key … 
// --insecure-ignore-tlog` does. sigstore-js checks messageDigest only against log entries, so a
// bundle whose recorded digest alone was changed still verifies here (Signet's verifier refuses
// it); the signature over the artifact is what this checks.
import { readFileSync } from "node:fs";
import { createHash, createPublicKey } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { bundleFromJSON } = require("@sigstore/bundle");
const { Verifier, toSignedEntity, toTrustMaterial } = require("@sigstore/verify");

function main(argv) {
  if (argv.length !== 3) {
    console.error("usage: node sigstore-verify.mjs <bundle.json> <artifact> <public-key.pem>");
    return 2;
  }
  const [bundlePath, artifactPath, keyPath] = argv;
  let json, artifact, key;
  try {
    json = JSON.parse(readFileSync(bundlePath, "utf8"));
    artifact = readFileSync(artifactPath);
    key = createPublicKey(readFileSync(keyPath));
  } catch (e) {
    console.error(`cannot read input: ${e.message}`);
    return 2;
  }
  const hint = createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("base64");
  const root = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
  };
  try {
    const bundle = bundleFromJSON(json);
    const trust = toTrustMaterial(root, (h) => {
      if (h !== hint) throw new Error(`unknown key hint ${h}`);
      return { publicKey: key, validFor: () => true };
    });
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 })
      .verify(toSignedEntity(bundle, artifact));
    console.log("verified");
    return 0;
  } catch (e) {
    console.error(`refused: ${e.code ?? e.name}: ${e.message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
