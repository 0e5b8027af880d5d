package dev.signet.attest;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyGenerator;
import dev.signet.keys.KeySet;
import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Keys for the attestation tests: JWKS keys where keygen makes them, PEM keys for the rest. */
final class AttestKeys {
  private AttestKeys() {}

  static SigningKey key(Algorithm a) throws Exception {
    if (a.allowedForFileSigning()) {
      return KeySet.parse(
              KeyGenerator.generate(a, "k-" + a, new SecureRandom()).privateJwks(), "k.json")
          .signingKey(null);
    }
    KeyPairGenerator g;
    if (a == Algorithm.ES384) {
      g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp384r1"));
    } else {
      g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
    }
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    return PemKeys.readPrivateKey(pem, "k.pem", a == Algorithm.PS256 ? a : null);
  }

  static VerifyingKey verifier(SigningKey key) throws Exception {
    return VerifyingKey.of(key);
  }
}
