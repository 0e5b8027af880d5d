package dev.signet.testing;

import dev.signet.keys.KeyException;
import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;

/**
 * Fixed test keys for the fuzz tests, so that the committed seed corpora (signed envelopes,
 * bundles, cosign.key files) verify in every run. Test keys only: never trust them anywhere.
 */
public final class FuzzKeys {
  private FuzzKeys() {}

  /** Ed25519 (EdDSA); its signatures are deterministic. */
  public static final String ED25519_PEM =
      """
      -----BEGIN PRIVATE KEY-----
      MC4CAQAwBQYDK2VwBCIEIG5lj6Ev3aHXMRaHDfRjR16DioNa2PsfD6GHjGE4FnR1
      -----END PRIVATE KEY-----
      """;

  /** P-256 (ES256). */
  public static final String P256_PEM =
      """
      -----BEGIN PRIVATE KEY-----
      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYpSbkgddViFbQ8lB
      Iz5jJ6CF+tuw512zMFzdDsdl5vyhRANCAASdTkxEqNJxsGanYdp5ZgogEmvV16k5
      fNp/Nl4k64vRWH3gu+KxPxfU989eWlaGKeiHCcRk+mU5iw3vNAgmSUBl
      -----END PRIVATE KEY-----
      """;

  public static SigningKey ed25519() throws KeyException {
    return PemKeys.readPrivateKey(ED25519_PEM, "fuzz-ed25519.pem", null);
  }

  public static SigningKey p256() throws KeyException {
    return PemKeys.readPrivateKey(P256_PEM, "fuzz-p256.pem", null);
  }
}
