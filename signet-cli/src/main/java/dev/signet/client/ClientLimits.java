package dev.signet.client;

import java.time.Duration;

/** Every limit the service client puts on what the service and the CI environment send back. */
final class ClientLimits {
  private ClientLimits() {}

  /** A service response: the largest is a signed pipeline, which the server bounds itself. */
  static final int MAX_RESPONSE_BYTES = 8 << 20;

  /** An error body: only its code and message are shown. */
  static final int MAX_ERROR_BYTES = 64 << 10;

  /** GitHub's token endpoint answer ({@code {"value": JWT}}). */
  static final int MAX_TOKEN_RESPONSE_BYTES = 64 << 10;

  /** The server's message as shown in a one-line error. */
  static final int MAX_MESSAGE_CHARS = 300;

  /** PEM files named by SIGNET_SERVER_CA, SIGNET_CLIENT_CERT and SIGNET_CLIENT_KEY. */
  static final int MAX_PEM_BYTES = 1 << 20;

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /**
   * The session lifetime asked for: the service's longest (it cuts it to the identity's own), as an
   * approval may keep a command waiting; a renewable identity opens another when it runs out.
   */
  static final int SESSION_TTL_SECONDS = 900;

  /** Revoking the session when the command ends: best effort, it must not hold the job up. */
  static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(5);

  /** {@code buildkite-agent oidc request-token} talks to Buildkite's API; it gets this long. */
  static final Duration AGENT_TIMEOUT = Duration.ofSeconds(30);

  /** Polling a pending approval: first wait, growth factor 2, longest wait. */
  static final Duration POLL_FIRST = Duration.ofSeconds(1);

  static final Duration POLL_MAX = Duration.ofSeconds(15);
}
