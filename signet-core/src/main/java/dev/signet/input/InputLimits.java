package dev.signet.input;

/**
 * The one place that bounds untrusted input. Every parser takes its limits from here, so that a
 * pipeline, a job or a key file cannot exhaust memory or stack, whichever door it comes through.
 *
 * @param maxBytes largest accepted document, in bytes
 * @param maxAliases largest number of YAML aliases to collections (billion-laughs guard)
 * @param maxDepth deepest nesting of mappings and sequences (YAML and JSON)
 * @param maxSteps most steps in one pipeline, counting steps inside groups
 * @param maxDocuments most YAML documents in one stream
 */
public record InputLimits(
    int maxBytes, int maxAliases, int maxDepth, int maxSteps, int maxDocuments) {

  /** 8 MiB, 100 aliases, depth 64, 10,000 steps, 64 documents. */
  public static final InputLimits DEFAULT = new InputLimits(8 << 20, 100, 64, 10_000, 64);

  // Limits on inputs that are not pipeline documents. They live here too, so that
  // docs/security.md can list every bound from one file; each has a test at and just past it.

  /** A key file (JWKS, PEM, cosign.key): a large rotation set is a few KiB. */
  public static final int MAX_KEY_FILE_BYTES = 1 << 20;

  /** A key reference URI ({@code pkcs11:…}, {@code awskms://…}). */
  public static final int MAX_KEY_REF_CHARS = 4096;

  /** The protected header of a JWS, base64url characters. */
  public static final int MAX_JWS_HEADER_CHARS = 4096;

  /** A whole detached JWS ({@code header..signature}); a PS512/RSA-4096 one is under 1 KiB. */
  public static final int MAX_JWS_CHARS = 16384;

  /** The {@code BUILDKITE_PLUGINS} JSON of a job, compared with the signed plugins. */
  public static final int MAX_JOB_PLUGINS_BYTES = 1 << 20;

  /** Jobs one matrix step may expand into (Buildkite allows far fewer). */
  public static final int MAX_MATRIX_PERMUTATIONS = 10_000;

  /** A Sigstore bundle or DSSE envelope read for verification. */
  public static final int MAX_BUNDLE_BYTES = 16 << 20;

  /** An OIDC ID token or other bearer token in compact JWS form. */
  public static final int MAX_TOKEN_CHARS = 16384;

  public InputLimits {
    if (maxBytes <= 0 || maxAliases < 0 || maxDepth <= 0 || maxSteps <= 0 || maxDocuments <= 0) {
      throw new IllegalArgumentException("input limits must be positive");
    }
  }
}
