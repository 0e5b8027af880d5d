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

  /** A signature in its native encoding inside a bundle; an RSA-4096 one is 512 bytes. */
  public static final int MAX_NATIVE_SIGNATURE_BYTES = 16 << 10;

  /** A bare signature file ({@code artifact verify --signature}): base64 or raw. */
  public static final int MAX_SIGNATURE_FILE_BYTES = 64 << 10;

  /** A cosign simple-signing payload (image signatures): a few hundred bytes plus annotations. */
  public static final int MAX_IMAGE_PAYLOAD_BYTES = 64 << 10;

  /** An OCI manifest, or any other registry response, read for image signatures. */
  public static final int MAX_OCI_MANIFEST_BYTES = 4 << 20;

  /** An artifact signed or verified with Ed25519, which needs the whole file in memory. */
  public static final int MAX_IN_MEMORY_ARTIFACT_BYTES = 256 << 20;

  /** An OIDC ID token or other bearer token in compact JWS form. */
  public static final int MAX_TOKEN_CHARS = 16384;

  /**
   * A signed note (a log checkpoint): 100 signature lines of the largest post-quantum signatures
   * (ML-DSA-44, about 3.3 KiB in base64) still fit.
   */
  public static final int MAX_NOTE_BYTES = 1 << 20;

  /** Signature lines in one signed note (C2SP signed-note asks verifiers to accept at least 16). */
  public static final int MAX_NOTE_SIGNATURES = 100;

  /**
   * Hashes in one Merkle proof: one per level of a tree of 2^64 leaves, plus the starting hash a
   * consistency proof carries when the old size is not a power of two.
   */
  public static final int MAX_PROOF_HASHES = 65;

  /** A transparency-log receipt (JSON with the checkpoint inside, escaped). */
  public static final int MAX_RECEIPT_BYTES = 2 << 20;

  /** A consistency-proof file ({@code {"from","to","hashes"}}): 65 base64 hashes fit in 4 KiB. */
  public static final int MAX_PROOF_FILE_BYTES = 64 << 10;

  /**
   * One audit-log leaf, in a log export or given to {@code audit verify --entry}: tlog-tiles entry
   * bundles length-prefix entries with a uint16.
   */
  public static final int MAX_LOG_LEAF_BYTES = 65535;

  /** A log verifier key ({@code name+keyid+base64}), on the command line or in a file. */
  public static final int MAX_VKEY_CHARS = 4096;

  public InputLimits {
    if (maxBytes <= 0 || maxAliases < 0 || maxDepth <= 0 || maxSteps <= 0 || maxDocuments <= 0) {
      throw new IllegalArgumentException("input limits must be positive");
    }
  }
}
