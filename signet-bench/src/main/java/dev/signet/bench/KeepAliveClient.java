package dev.signet.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * The load phase's HTTP/1.1 client: one TLS 1.3 connection (one {@link SSLSocket}, {@code
 * TCP_NODELAY}) kept alive across requests, as wrk drives a server. The JDK's {@code HttpClient}
 * spent about 0.7 ms of CPU per request on its selector thread, futures and header maps; on a
 * machine whose cores the server shares, that is CPU taken from the server under test. Here a
 * request is written into one reused buffer in one {@code write}, and the answer is read into
 * another and parsed in place: the client costs little more than the TLS records themselves.
 *
 * <p>Answers are parsed strictly, since a lenient client would count a malformed answer as a
 * signature: {@code HTTP/1.1} status line, a {@code Content-Length} (chunked or other transfer
 * codings are refused), the whole body, and nothing after it (no pipelining). A refusal is a {@link
 * ProtocolException} naming what was wrong; the connection is closed after any failure, as its
 * state is then unknown.
 *
 * <p>When the server closes the connection ({@code Connection: close}, or end of stream before an
 * answer on a connection that had served requests: an idle keep-alive connection the server
 * dropped), the client opens a new one and, in the second case, sends the request again once; every
 * connection opened after the first is counted in {@link #reconnects()}, so a run whose numbers
 * include TLS handshakes shows it.
 *
 * <p>Not thread-safe: one client per load thread.
 */
final class KeepAliveClient implements AutoCloseable {
  /** Status line and headers: the server's answers carry a handful of short headers. */
  static final int MAX_HEAD = 16 * 1024;

  /** A body: signatures, session tokens and problem documents are well under this. */
  static final int MAX_BODY = 1024 * 1024;

  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
  private static final byte[] POST = bytes("POST ");
  private static final byte[] VERSION = bytes(" HTTP/1.1\r\n");
  private static final byte[] AUTHORIZATION = bytes("Authorization: Bearer ");
  private static final byte[] JSON_LENGTH =
      bytes("\r\nContent-Type: application/json\r\nContent-Length: ");

  private final SSLContext tls;
  private final InetSocketAddress address;
  private final int timeoutMillis;
  private final byte[] host;

  private @Nullable SSLSocket socket;
  private @Nullable InputStream in;
  private @Nullable OutputStream out;
  private int served;
  private int opened;

  private byte[] request = new byte[2048];
  private byte[] response = new byte[MAX_HEAD + 4096];
  private int bodyStart;
  private int bodyLength;

  /**
   * A client for {@code host:port}; {@code timeout} bounds the connect and every read of an answer
   * (the wait for a signature included).
   */
  KeepAliveClient(SSLContext tls, String host, int port, Duration timeout) {
    this.tls = tls;
    this.address = new InetSocketAddress(host, port);
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
    this.host = ("Host: " + host + ":" + port + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Sends {@code POST path} with a bearer token and a JSON body and reads the answer; returns its
   * status, the body is then {@link #body()}.
   *
   * @throws ProtocolException when the answer is not the HTTP/1.1 this client accepts
   * @throws IOException when the connection failed or a read timed out
   */
  int post(String path, String bearer, byte[] body) throws IOException {
    int n = buildPost(path, bearer, body);
    boolean reused = socket != null && served > 0;
    try {
      return exchange(n);
    } catch (ServerClosed e) {
      // A kept-alive connection the server closed while it was idle: nothing was answered, so the
      // request goes out again once, on a fresh connection.
      if (!reused) {
        throw new EOFException("the server closed a fresh connection without an answer");
      }
      return exchange(n);
    }
  }

  /** The last answer's body as text (UTF-8; for failure messages and the session token). */
  String body() {
    return new String(response, bodyStart, bodyLength, StandardCharsets.UTF_8);
  }

  /** Connections opened after this client's first one. */
  int reconnects() {
    return Math.max(0, opened - 1);
  }

  @Override
  public void close() {
    disconnect();
  }

  // ---- the exchange --------------------------------------------------------------------------

  /** End of stream before the first byte of an answer. */
  private static final class ServerClosed extends IOException {
    private static final long serialVersionUID = 1L;

    ServerClosed() {
      super("the server closed the connection before answering");
    }
  }

  private int exchange(int requestLength) throws IOException {
    boolean ok = false;
    try {
      if (socket == null) {
        connect();
      }
      OutputStream o = out;
      InputStream i = in;
      if (o == null || i == null) {
        throw new IllegalStateException("connected without streams");
      }
      try {
        o.write(request, 0, requestLength);
        o.flush();
      } catch (SocketException e) {
        // The server closed an idle connection and the write hit the reset: treated as the close.
        throw new ServerClosed();
      }
      Head head = read(i);
      served++;
      ok = !head.close();
      return head.status();
    } finally {
      if (!ok) {
        disconnect();
      }
    }
  }

  private void connect() throws IOException {
    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout(timeoutMillis);
      SSLParameters p = s.getSSLParameters();
      p.setProtocols(new String[] {"TLSv1.3"});
      // The certificate must name 127.0.0.1, as HttpClient checks it.
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.connect(address, timeoutMillis);
      s.startHandshake();
      in = s.getInputStream();
      out = s.getOutputStream();
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    socket = s;
    served = 0;
    opened++;
  }

  private void disconnect() {
    SSLSocket s = socket;
    socket = null;
    in = null;
    out = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing a connection already broken: nothing left to release
      }
    }
  }

  /** Reads one answer into {@link #response}: the head, then exactly Content-Length bytes. */
  private Head read(InputStream i) throws IOException {
    int filled = 0;
    int headEnd;
    while ((headEnd = indexOf(response, filled, HEAD_END)) < 0) {
      if (filled >= MAX_HEAD) {
        throw new ProtocolException("response head longer than " + MAX_HEAD + " bytes");
      }
      int r;
      try {
        r = i.read(response, filled, MAX_HEAD - filled);
      } catch (SocketException e) {
        if (filled == 0) {
          // reset instead of a clean close: the same idle connection dropped by the server
          throw new ServerClosed();
        }
        throw e;
      }
      if (r < 0) {
        if (filled == 0) {
          throw new ServerClosed();
        }
        throw new ProtocolException("connection closed inside the response head");
      }
      filled += r;
    }
    Head head = parseHead(response, headEnd + 4);
    bodyStart = headEnd + 4;
    bodyLength = head.contentLength();
    int total = bodyStart + bodyLength;
    if (total > response.length) {
      response = Arrays.copyOf(response, Math.max(total, response.length * 2));
    }
    while (filled < total) {
      int r = i.read(response, filled, total - filled);
      if (r < 0) {
        throw new ProtocolException(
            "connection closed after "
                + (filled - bodyStart)
                + " of "
                + bodyLength
                + " body bytes");
      }
      filled += r;
    }
    if (filled > total) {
      throw new ProtocolException(
          (filled - total) + " bytes after the body (Content-Length " + bodyLength + ")");
    }
    return head;
  }

  /** What the client takes from a response head. */
  record Head(int status, int contentLength, boolean close) {}

  /**
   * Parses a response head, {@code b[0, length)} ending in CRLF CRLF: {@code HTTP/1.1 NNN reason},
   * then header lines; Content-Length is required (but for 204 and 304), Transfer-Encoding is
   * refused, {@code Connection: close} noted.
   */
  static Head parseHead(byte[] b, int length) throws ProtocolException {
    if (length < 16
        || !startsWith(b, 0, "HTTP/1.1 ")
        || !digit(b[9])
        || !digit(b[10])
        || !digit(b[11])
        || (b[12] != ' ' && b[12] != '\r')) {
      throw new ProtocolException("status line is not HTTP/1.1 NNN");
    }
    int status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
    if (status < 200) {
      throw new ProtocolException("status " + status + " refused (no 1xx expected)");
    }
    int line = lineEnd(b, 12, length) + 2;
    long contentLength = -1;
    boolean close = false;
    while (line < length - 2) {
      int end = lineEnd(b, line, length);
      if (b[line] == ' ' || b[line] == '\t') {
        throw new ProtocolException("folded header line refused");
      }
      int colon = indexOf(b, line, end, (byte) ':');
      if (colon <= line) {
        throw new ProtocolException("header line without a name and ':'");
      }
      int v = colon + 1;
      int ve = end;
      while (v < ve && (b[v] == ' ' || b[v] == '\t')) {
        v++;
      }
      while (ve > v && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
        ve--;
      }
      if (nameIs(b, line, colon, "content-length")) {
        if (contentLength >= 0) {
          throw new ProtocolException("more than one Content-Length");
        }
        contentLength = number(b, v, ve);
      } else if (nameIs(b, line, colon, "transfer-encoding")) {
        throw new ProtocolException(
            "Transfer-Encoding "
                + printable(b, v, ve)
                + " refused: this client reads Content-Length bodies");
      } else if (nameIs(b, line, colon, "connection")) {
        close |= containsIgnoreCase(b, v, ve, "close");
      }
      line = end + 2;
    }
    if (contentLength < 0) {
      if (status == 204 || status == 304) {
        contentLength = 0;
      } else {
        throw new ProtocolException("response (HTTP " + status + ") without Content-Length");
      }
    }
    return new Head(status, (int) contentLength, close);
  }

  /** The index of the CR of the CRLF ending the line from {@code from}; bare CR or LF refused. */
  private static int lineEnd(byte[] b, int from, int length) throws ProtocolException {
    for (int i = from; i < length - 1; i++) {
      byte c = b[i];
      if (c == '\r') {
        if (b[i + 1] != '\n') {
          throw new ProtocolException("bare CR in the response head");
        }
        return i;
      }
      if (c == '\n') {
        throw new ProtocolException("bare LF in the response head");
      }
      if (c == 0) {
        throw new ProtocolException("NUL in the response head");
      }
    }
    throw new ProtocolException("response head without a final CRLF");
  }

  private static long number(byte[] b, int from, int to) throws ProtocolException {
    if (from == to || to - from > 9) {
      throw new ProtocolException("Content-Length is not a number up to 9 digits");
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      if (!digit(b[i])) {
        throw new ProtocolException("Content-Length is not a number");
      }
      n = n * 10 + (b[i] - '0');
    }
    if (n > MAX_BODY) {
      throw new ProtocolException("Content-Length " + n + " over the limit of " + MAX_BODY);
    }
    return n;
  }

  // ---- request bytes -------------------------------------------------------------------------

  /** Writes the whole request into {@link #request}; returns its length. */
  private int buildPost(String path, String bearer, byte[] body) {
    int need = 160 + host.length + path.length() + bearer.length() + body.length;
    if (need > request.length) {
      request = Arrays.copyOf(request, Math.max(need, request.length * 2));
    }
    int p = copy(POST, 0);
    p = ascii(path, p);
    p = copy(VERSION, p);
    p = copy(host, p);
    p = copy(AUTHORIZATION, p);
    p = ascii(bearer, p);
    p = copy(JSON_LENGTH, p);
    p = decimal(body.length, p);
    p = copy(HEAD_END, p);
    System.arraycopy(body, 0, request, p, body.length);
    return p + body.length;
  }

  private int copy(byte[] b, int at) {
    System.arraycopy(b, 0, request, at, b.length);
    return at + b.length;
  }

  /** Visible ASCII only: a CR or LF in a path or token would split the request. */
  private int ascii(String s, int at) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            "request path or token holds a space, control or non-ASCII character");
      }
      request[at + i] = (byte) c;
    }
    return at + s.length();
  }

  private int decimal(int n, int at) {
    int digits = 1;
    for (int m = n; m >= 10; m /= 10) {
      digits++;
    }
    for (int i = at + digits - 1; i >= at; i--) {
      request[i] = (byte) ('0' + n % 10);
      n /= 10;
    }
    return at + digits;
  }

  // ---- bytes ---------------------------------------------------------------------------------

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean startsWith(byte[] b, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (b[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean nameIs(byte[] b, int from, int to, String lowerName) {
    if (to - from != lowerName.length()) {
      return false;
    }
    for (int i = 0; i < lowerName.length(); i++) {
      if (lower(b[from + i]) != lowerName.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsIgnoreCase(byte[] b, int from, int to, String lowerWord) {
    outer:
    for (int i = from; i + lowerWord.length() <= to; i++) {
      for (int j = 0; j < lowerWord.length(); j++) {
        if (lower(b[i + j]) != lowerWord.charAt(j)) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static int lower(byte c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }

  private static int indexOf(byte[] b, int to, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= to; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int indexOf(byte[] b, int from, int to, byte c) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** A header value for a message: visible ASCII, at most 40 characters. */
  private static String printable(byte[] b, int from, int to) {
    StringBuilder s = new StringBuilder();
    for (int i = from; i < to && s.length() < 40; i++) {
      s.append(b[i] >= 0x20 && b[i] < 0x7f ? (char) b[i] : '?');
    }
    return s.toString();
  }
}
