package dev.signet.cli;

/**
 * Exit codes, one per kind of outcome, so scripts and agent hooks can tell a refused job from a
 * broken setup. Documented in the README's CLI reference.
 */
final class ExitCode {
  /** Success: signed, verified, the job may run. */
  static final int OK = 0;

  /** Refused: no signature, an invalid signature, a job that does not match its signed step. */
  static final int REFUSED = 1;

  /** Usage error or unreadable/invalid input (pipeline, job, YAML, JSON, limits). */
  static final int INPUT = 2;

  /** A key cannot be loaded or is not allowed for the operation. */
  static final int KEY = 3;

  /** Output cannot be written (exists, permissions, disk). Nothing partial is left behind. */
  static final int OUTPUT = 4;

  /** A bug in Signet. */
  static final int INTERNAL = 70;

  private ExitCode() {}
}
