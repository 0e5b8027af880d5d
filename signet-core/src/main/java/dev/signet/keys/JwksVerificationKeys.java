package dev.signet.keys;

import dev.signet.json.JsonWriter;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Verification keys from a JWKS: select by kid, then insist the algorithms agree. */
final class JwksVerificationKeys implements VerificationKeys {
  private final String source;
  private final List<Verifier> verifiers;

  JwksVerificationKeys(String source, List<Verifier> verifiers) {
    this.source = source;
    this.verifiers = List.copyOf(verifiers);
  }

  @Override
  public Verifier select(Algorithm alg, @Nullable String kid) throws KeyException {
    if (kid == null) {
      throw new KeyException(
          KeyException.Reason.NOT_FOUND,
          "the signature header has no key ID (\"kid\"), which verification with a JWKS requires");
    }
    for (Verifier v : verifiers) {
      if (kid.equals(v.keyId())) {
        if (v.algorithm() != alg) {
          throw new KeyException(
              KeyException.Reason.NOT_ALLOWED,
              KeySet.describeKeyId(kid)
                  + " is a "
                  + v.algorithm()
                  + " key but the signature claims "
                  + alg);
        }
        return v;
      }
    }
    throw new KeyException(
        KeyException.Reason.NOT_FOUND,
        "no key in " + source + " has kid " + JsonWriter.quoteOneLine(kid, KeySet.MAX_KID_SHOWN));
  }

  @Override
  public String source() {
    return source;
  }
}
