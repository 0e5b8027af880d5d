package dev.signet.server;

import java.time.Duration;

/** Every bound the server puts on untrusted or operator input, in one place. */
public final class ServerLimits {
  private ServerLimits() {}

  /** The configuration file. */
  public static final int MAX_CONFIG_BYTES = 1 << 20;

  /** YAML aliases in the configuration file (billion-laughs guard). */
  public static final int MAX_CONFIG_ALIASES = 50;

  /** Nesting of mappings and sequences in the configuration file. */
  public static final int MAX_CONFIG_DEPTH = 32;

  /** Nodes of the configuration as expanded through its aliases. */
  public static final int MAX_CONFIG_NODES = 100_000;

  /** A PEM file named in the configuration (certificate, key, client CA bundle). */
  public static final int MAX_PEM_BYTES = 1 << 20;

  /** A request body; signing requests carry digests and pipelines, not artifacts. */
  public static final long MAX_REQUEST_BODY_BYTES = 1 << 20;

  /** An {@code X-Request-Id} sent by a client; longer or odder ones are replaced. */
  public static final int MAX_REQUEST_ID_CHARS = 64;

  /** The database check of {@code /readyz}. */
  public static final Duration READY_CHECK_TIMEOUT = Duration.ofSeconds(2);

  /** The HSM check of {@code /readyz}; a probe still running after it counts as failed. */
  public static final Duration HSM_CHECK_TIMEOUT = Duration.ofSeconds(2);

  /** A PKCS#11 token label (32 bytes in CK_TOKEN_INFO). */
  public static final int MAX_TOKEN_LABEL_CHARS = 32;

  /** Object labels the server gives the master key and key prefix in the token. */
  public static final int MAX_OBJECT_LABEL_CHARS = 64;

  /** How long a stopping server lets requests in flight finish. */
  public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  /** Open connections per process. */
  public static final int MAX_TCP_CONNECTIONS = 10_000;

  /** Lifetime of the generated self-signed TLS certificate. */
  public static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(825);
}
