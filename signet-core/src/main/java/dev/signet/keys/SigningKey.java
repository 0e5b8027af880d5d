package dev.signet.keys;

import java.security.PublicKey;
import org.jspecify.annotations.Nullable;

/**
 * A private key wherever it lives — a key file, a PKCS#11 token, a cloud KMS, Vault transit, the
 * Signet service — seen only through the operations it allows. Callers never touch key material;
 * backends that can export nothing (HSM, KMS) implement exactly this.
 *
 * <p>Signatures come back in each algorithm's <em>native</em> encoding, the one cosign, Sigstore
 * and X.509 use: 64 raw bytes for Ed25519, ASN.1 DER for ECDSA, the RSA-PSS octet string for PS*.
 * JWS wants ECDSA as raw R‖S; {@link Signer#of(SigningKey)} converts.
 *
 * <h3>Security guarantees</h3>
 *
 * A signature returned by {@link #signMessage} or {@link #signDigest} verifies under {@link
 * #publicKey()} with {@link #algorithm()}; backends check this pairing when they open a key, so a
 * token object whose private and public halves disagree is refused then, not at an agent.
 *
 * <p>Thread-safe: one key may sign from many threads.
 */
public interface SigningKey {
  Algorithm algorithm();

  /** The JWKS key ID, or null for keys without one (KMS and HSM keys, cosign keys). */
  @Nullable String keyId();

  /** The public half, for verification, JWKS/PEM export and Sigstore public-key hints. */
  PublicKey publicKey();

  /**
   * Where the key lives, safe to print: a key reference without PINs, tokens or passwords, such as
   * {@code pkcs11:token=ci;object=release} or {@code awskms:///alias/release}.
   */
  String reference();

  /** Signs a message; hashing (if any) is part of the algorithm. */
  byte[] signMessage(byte[] message) throws KeyException;

  /**
   * Signs a digest computed with {@link Algorithm#digest()}, so a gigabyte file is hashed once,
   * locally, and only the digest travels to an HSM or KMS. The result equals {@link #signMessage}
   * of the message itself.
   *
   * @throws KeyException {@link KeyException.Reason#NOT_ALLOWED} for EdDSA, which signs the message
   *     itself (RFC 8032 PureEdDSA has no pre-hashed form that verifiers of Ed25519 accept)
   */
  byte[] signDigest(byte[] digest) throws KeyException;
}
