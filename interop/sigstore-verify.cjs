// Offline Sigstore bundle verification with @sigstore/verify and a public key (no TUF, no network):
//   node sigstore-verify.cjs BUNDLE.json PUBLIC.pem [ARTIFACT]
// ARTIFACT is required for messageSignature bundles and omitted for DSSE bundles.
// Exit 0 = verified, 1 = refused (the reason on stderr), 2 = usage.
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const [bundlePath, pubPath, artifactPath] = process.argv.slice(2);
if (!bundlePath || !pubPath) {
  console.error('usage: node sigstore-verify.cjs BUNDLE.json PUBLIC.pem [ARTIFACT]');
  process.exit(2);
}
try {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const pub = crypto.createPublicKey(fs.readFileSync(pubPath));
  const hint = crypto.createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('base64');
  const root = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
  };
  const trust = toTrustMaterial(root, (h) => {
    if (h !== hint) throw new Error('unknown key hint ' + h);
    return { publicKey: pub, validFor: () => true };
  });
  const entity = artifactPath ? toSignedEntity(bundle, fs.readFileSync(artifactPath)) : toSignedEntity(bundle);
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
  console.log('verified');
} catch (e) {
  console.error(`${e.name}: ${e.code || ''} ${e.message}`);
  process.exit(1);
}
