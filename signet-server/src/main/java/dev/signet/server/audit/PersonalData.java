package dev.signet.server.audit;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Turns personal values (logins, e-mail addresses, approver names) into {@code hmac-sha256:<hex>}
 * under a per-deployment secret salt, as Vault's audit devices do: an operator holding the salt can
 * check "did alice approve this?" by computing the same HMAC, while a reader of the public log
 * learns nothing about who alice is. The salt is a secret of the deployment, kept sealed like a
 * key; losing it makes old entries unmatchable, not invalid.
 */
public final class PersonalData {
  private static final String PREFIX = "hmac-sha256:";
  private final byte[] salt;

  public PersonalData(byte[] salt) {
    if (salt.length < 16) {
      throw new IllegalArgumentException("the audit salt must be at least 16 bytes");
    }
    this.salt = salt.clone();
  }

  /** The HMAC of one value, domain-separated by what kind of value it is. */
  public String protect(String kind, String value) {
    // BouncyCastle's lightweight HMac rather than javax.crypto.Mac: forbidden-apis keeps JCA
    // primitive selection in core Primitives, and this keyed hash is not a signature primitive.
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(salt));
    byte[] input = (kind + "\0" + value).getBytes(StandardCharsets.UTF_8);
    mac.update(input, 0, input.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return PREFIX + HexFormat.of().formatHex(out);
  }
}
