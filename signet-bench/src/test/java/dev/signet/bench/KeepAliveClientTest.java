package dev.signet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The load client's response-head parser: what it accepts is exactly what the client can read to
 * the end of a body without guessing, and every refusal names what was wrong in one line. (The
 * whole client, TLS and keep-alive, runs against the real server in {@link ServerBenchSmokeTest}.)
 */
class KeepAliveClientTest {
  private static KeepAliveClient.Head parse(String head) throws ProtocolException {
    byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
    return KeepAliveClient.parseHead(b, b.length);
  }

  private static void refused(String head, String message) {
    assertThatThrownBy(() -> parse(head))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
  }

  @Test
  void readsStatusContentLengthAndConnectionClose() throws Exception {
    assertThat(
            parse(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length:  42 \r\n\r\n"))
        .isEqualTo(new KeepAliveClient.Head(200, 42, false));
    assertThat(parse("HTTP/1.1 401 Unauthorized\r\nCONNECTION: Close\r\ncontent-length: 0\r\n\r\n"))
        .isEqualTo(new KeepAliveClient.Head(401, 0, true));
    assertThat(parse("HTTP/1.1 204\r\n\r\n")).isEqualTo(new KeepAliveClient.Head(204, 0, false));
  }

  @Test
  void refusesWhatItCouldNotReadToTheEndOfTheBody() {
    refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "Transfer-Encoding chunked");
    refused("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", "without Content-Length");
    refused(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "more than one Content-Length");
    refused("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "not a number");
    refused("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n", "over the limit");
    refused("HTTP/1.1 200 OK\r\nContent-Length: 1234567890\r\n\r\n", "up to 9 digits");
  }

  @Test
  void refusesHeadsThatAreNotStrictHttp11() {
    refused("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "not HTTP/1.1");
    refused("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", "not HTTP/1.1");
    refused("HTTP/1.1 100 Continue\r\n\r\n", "no 1xx");
    refused("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", "bare LF");
    refused("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n", "folded");
    refused("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "without a name");
    refused("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", "without a name");
  }
}
