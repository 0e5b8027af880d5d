package dev.signet.attest;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.keys.KeyException;
import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Signing and verifying in-toto attestations: a {@link Statement} in a {@link DsseEnvelope}.
 *
 * <h3>Security guarantees</h3>
 *
 * {@link #verify} accepts an attestation only when, in this order: a signature over PAE verifies
 * with the given key; the payload type is in-toto's; the verified payload is an in-toto Statement
 * v1; its predicate type is the one expected (or, when none is named, one Signet knows); and every
 * given subject file's SHA-256 is among the statement's subjects. Everything after the signature is
 * read from the verified bytes only. Each failure is an {@link AttestationException} naming the
 * check.
 */
public final class Attestations {
  private Attestations() {}

  /**
   * What a verifier expects.
   *
   * @param subjects the files the attestation must cover, by name and SHA-256 (lowercase hex)
   * @param predicateType the expected predicate type URI, or null for "a type Signet knows" (SLSA
   *     Provenance v1)
   */
  public record Expectations(List<Statement.Subject> subjects, @Nullable String predicateType) {
    public Expectations {
      subjects = List.copyOf(subjects);
      if (subjects.isEmpty()) {
        // Without a subject to check, any attestation by the key would pass for any artifact.
        throw new IllegalArgumentException("verification needs at least one subject file");
      }
    }
  }

  /** A verified attestation: the statement and the subjects that matched the given files. */
  public record Verified(Statement statement, List<Statement.Subject> matched) {}

  /**
   * Signs a statement as a DSSE envelope with payload type {@code application/vnd.in-toto+json}.
   */
  public static DsseEnvelope sign(SigningKey key, Statement statement) throws KeyException {
    return Dsse.sign(key, Dsse.IN_TOTO_PAYLOAD_TYPE, statement.toJson());
  }

  /** Verifies a plain envelope; {@code source} names it in errors. */
  public static Verified verify(
      DsseEnvelope envelope, VerifyingKey key, Expectations expected, String source)
      throws AttestationException {
    byte[] payload = Dsse.verify(envelope, key, source);
    if (!envelope.payloadType().equals(Dsse.IN_TOTO_PAYLOAD_TYPE)) {
      throw new AttestationException(
          AttestationException.Reason.PAYLOAD_TYPE,
          source
              + ": DSSE payloadType is not "
              + Dsse.IN_TOTO_PAYLOAD_TYPE
              + "; this is not an in-toto attestation");
    }
    Statement st = Statement.parse(payload, source);
    checkPredicateType(st, expected.predicateType(), source);
    return new Verified(st, matchSubjects(st, expected.subjects(), source));
  }

  /** Verifies a bundle: its hint must name {@code key}, then as {@link #verify}. */
  public static Verified verifyBundle(
      DsseBundle.Parsed bundle, VerifyingKey key, Expectations expected, String source)
      throws AttestationException {
    if (bundle.hint() != null && !bundle.hint().equals(PemKeys.sigstoreHint(key.publicKey()))) {
      throw new AttestationException(
          AttestationException.Reason.HINT_MISMATCH,
          source + ": the bundle's public-key hint names a different key than the one given");
    }
    return verify(bundle.envelope(), key, expected, source);
  }

  private static void checkPredicateType(Statement st, @Nullable String expected, String source)
      throws AttestationException {
    String actual = st.predicateType();
    if (expected != null ? !expected.equals(actual) : !PredicateTypes.isKnown(actual)) {
      throw new AttestationException(
          AttestationException.Reason.PREDICATE_TYPE,
          source
              + ": predicate type "
              + actual
              + (expected != null
                  ? " is not the expected " + expected
                  : " is not one Signet knows; name it with --predicate-type to accept it"));
    }
    if (actual.equals(PredicateTypes.SLSA_PROVENANCE_V1)) {
      checkSlsa(st.predicate(), source);
    }
  }

  /** The fields SLSA Provenance v1 requires at Build L1. */
  private static void checkSlsa(@Nullable JsonObject p, String source) throws AttestationException {
    boolean ok =
        p != null
            && p.get("buildDefinition") instanceof JsonObject def
            && def.get("buildType") instanceof JsonString
            && def.get("externalParameters") instanceof JsonObject
            && p.get("runDetails") instanceof JsonObject run
            && run.get("builder") instanceof JsonObject builder
            && builder.get("id") instanceof JsonString;
    if (!ok) {
      throw DsseEnvelope.malformed(
          source,
          "the SLSA provenance predicate lacks buildDefinition.buildType,"
              + " buildDefinition.externalParameters or runDetails.builder.id");
    }
  }

  private static List<Statement.Subject> matchSubjects(
      Statement st, List<Statement.Subject> files, String source) throws AttestationException {
    List<Statement.Subject> matched = new ArrayList<>();
    for (Statement.Subject file : files) {
      String want = file.sha256();
      Statement.Subject hit = null;
      for (Statement.Subject s : st.subjects()) {
        if (want != null && want.equals(s.sha256())) {
          hit = s;
          break;
        }
      }
      if (hit == null) {
        throw new AttestationException(
            AttestationException.Reason.SUBJECT_MISMATCH,
            source
                + ": "
                + file.name()
                + " (sha256:"
                + want
                + ") is not a subject of this attestation");
      }
      matched.add(hit);
    }
    return matched;
  }
}
