package dev.signet.attest;

import dev.signet.keys.KeyException;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * DSSE signing and verification (secure-systems-lab/dsse {@code protocol.md}).
 *
 * <h3>Security guarantees</h3>
 *
 * The signature covers {@link #pae PAE(payloadType, payload)}, so neither the type nor the body can
 * be changed or confused with the other. {@link #verify} returns the payload bytes exactly as they
 * were verified; callers parse those and never go back to the envelope. {@code keyid} is
 * unauthenticated and plays no part: every signature is tried against the one key given.
 */
public final class Dsse {
  /** The payload type of in-toto statements. */
  public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  private Dsse() {}

  /**
   * {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, lengths as ASCII decimal byte
   * counts.
   */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** Signs {@code payload} with one key; the envelope's {@code keyid} is the key's ID or empty. */
  public static DsseEnvelope sign(SigningKey key, String payloadType, byte[] payload)
      throws KeyException {
    byte[] sig = key.signMessage(pae(payloadType, payload));
    String keyId = key.keyId() == null ? "" : key.keyId();
    return new DsseEnvelope(payloadType, payload, List.of(new DsseEnvelope.Signature(keyId, sig)));
  }

  /**
   * Verifies that at least one signature is valid under {@code key} and returns the payload.
   *
   * @param source names the envelope in the error
   * @throws AttestationException {@link AttestationException.Reason#BAD_SIGNATURE} when none is
   */
  public static byte[] verify(DsseEnvelope envelope, VerifyingKey key, String source)
      throws AttestationException {
    byte[] payload = envelope.payload();
    byte[] pae = pae(envelope.payloadType(), payload);
    for (DsseEnvelope.Signature s : envelope.signatures()) {
      if (key.verifyMessage(pae, s.sig())) {
        return payload;
      }
    }
    throw new AttestationException(
        AttestationException.Reason.BAD_SIGNATURE,
        source
            + ": no DSSE signature verifies with the "
            + key.algorithm()
            + " key given (wrong key, or the envelope was changed)");
  }
}
