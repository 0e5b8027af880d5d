package dev.signet.server.http;

/**
 * One check of {@code /readyz}: the database, a key backend (HSM, KMS). It must return within a
 * couple of seconds; throwing marks the server not ready, naming {@link #name()}.
 */
public interface ReadinessCheck {
  String name();

  void check() throws Exception;
}
