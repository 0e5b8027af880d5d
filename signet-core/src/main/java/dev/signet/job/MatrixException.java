package dev.signet.job;

import dev.signet.SignetException;
import java.util.List;

/**
 * A matrix permutation is not valid for a step's matrix, or a step mentions matrix tokens its
 * permutation cannot fill. Messages start with go-pipeline's error texts so they can be matched
 * with the agent's logs.
 */
public final class MatrixException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** go-pipeline's error values (spec §6 step 2.3), plus unknown interpolation tokens. */
  public enum Reason {
    NIL_MATRIX("non-empty permutation but matrix is nil"),
    PERMUTATION_LENGTH_MISMATCH("permutation has wrong length"),
    PERMUTATION_UNKNOWN_DIMENSION("permutation has unknown dimension"),
    ADJUSTMENT_LENGTH_MISMATCH("adjustment has wrong length"),
    ADJUSTMENT_UNKNOWN_DIMENSION("adjustment has unknown dimension"),
    PERMUTATION_SKIPPED("permutation is skipped by adjustment"),
    PERMUTATION_NO_MATCH("permutation is neither a valid matrix combination nor an adjustment"),
    UNKNOWN_TOKENS("unknown matrix tokens in input"),
    /** Signet's own bound on what a control plane expands, against combinatorial blow-up. */
    TOO_MANY_PERMUTATIONS("matrix has too many combinations");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    /** go-pipeline's text for this error, which every message starts with. */
    public String text() {
      return text;
    }
  }

  private final Reason reason;
  private final List<String> names;

  MatrixException(Reason reason, List<String> names, String message) {
    super(message);
    this.reason = reason;
    this.names = List.copyOf(names);
  }

  public Reason reason() {
    return reason;
  }

  /** Dimensions or tokens involved (e.g. {@code matrix.x}), where there are any. */
  public List<String> names() {
    return names;
  }
}
