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

  public InputLimits {
    if (maxBytes <= 0 || maxAliases < 0 || maxDepth <= 0 || maxSteps <= 0 || maxDocuments <= 0) {
      throw new IllegalArgumentException("input limits must be positive");
    }
  }
}
