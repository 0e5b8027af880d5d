package dev.signet.server.http;

import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What the routing layer knows about a request before a handler runs.
 *
 * @param requestId the validated or generated {@code X-Request-Id}, echoed in the response
 * @param routeTemplate the matched template ({@code /v1/projects/{project}}), never the raw path
 * @param peerCertificates the TLS client certificate chain as presented (leaf first), empty when
 *     none; the chain has passed the TLS layer's check against {@code server.tls.clientCa}, but
 *     rules on it (subject, issuer, template) are the origin verifiers' job
 * @param peer the remote address, for logs
 */
public record RequestContext(
    String requestId,
    String method,
    String routeTemplate,
    List<X509Certificate> peerCertificates,
    String peer) {

  public RequestContext {
    peerCertificates = List.copyOf(peerCertificates);
  }

  /**
   * Reads the request body, refusing more than {@code maxBytes} (at most the server-wide limit)
   * with 413 whatever the transfer encoding.
   */
  public static byte[] body(ServerRequest request, long maxBytes) throws ApiException {
    long limit = Math.min(maxBytes, dev.signet.server.ServerLimits.MAX_REQUEST_BODY_BYTES);
    if (!request.content().hasEntity()) {
      return new byte[0];
    }
    // readNBytes allocates its chunks by the length asked for (up to 16 KiB): asking for the
    // declared length, when there is one within the limit, keeps a small body's read small.
    long declared = request.headers().contentLength().orElse(-1L);
    boolean sized = declared >= 0 && declared <= limit;
    try (InputStream in = request.content().inputStream()) {
      byte[] b = in.readNBytes((int) (sized ? declared : limit) + 1);
      if (b.length > limit) {
        throw tooLarge(limit);
      }
      if (sized && b.length > declared) {
        throw new ApiException(
            400, "bad_request", "the request body is longer than its Content-Length");
      }
      return b;
    } catch (IOException | RuntimeException e) {
      if (e instanceof io.helidon.http.RequestException r && r.status().code() == 413) {
        throw tooLarge(limit);
      }
      throw new ApiException(400, "bad_request", "cannot read the request body");
    }
  }

  static ApiException tooLarge(long limit) {
    return new ApiException(
        413, "payload_too_large", "request body is larger than " + limit + " bytes");
  }
}
