package dev.signet.pipeline;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * A value that does not fit the field it is in. Inside a step this makes the step an {@link
 * UnknownStep} (spec §2.3: Go only warns); at pipeline level it becomes an {@link
 * dev.signet.input.InputException}. Never leaves the package.
 */
final class StepError extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final transient @Nullable String where;

  StepError(String reason) {
    this(reason, (String) null);
  }

  /** A problem with {@code node}, which {@link #where()} then points at. */
  StepError(String reason, YamlTree node) {
    this(reason, node.where());
  }

  private StepError(String reason, @Nullable String where) {
    super(reason, null, false, false);
    this.where = where;
  }

  @Nullable String where() {
    return where;
  }

  String reason() {
    return java.util.Objects.requireNonNull(getMessage()); // every constructor sets it
  }
}
