package dev.signet.cli;

import dev.signet.SignetException;
import dev.signet.artifact.Digest;
import dev.signet.artifact.HashAlgorithm;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The few calls of the OCI distribution API that storing and reading cosign signatures needs:
 * manifest GET and PUT by tag, blob HEAD, GET and monolithic upload (POST, then PUT with the
 * digest). Anonymous access only. Plain HTTP is allowed for loopback registries (tests, local
 * mirrors); anything else must be HTTPS.
 *
 * <p>Failures name the registry, the repository and what the registry said; a failed push is an
 * {@link OutputException}, a failed read an {@link InputException}.
 */
final class RegistryClient {
  static final String ACCEPT_MANIFESTS =
      "application/vnd.oci.image.manifest.v1+json,"
          + " application/vnd.docker.distribution.manifest.v2+json";
  private static final int MAX_BLOB_BYTES = InputLimits.MAX_OCI_MANIFEST_BYTES;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final HttpClient http;

  private RegistryClient(URI base) {
    this.base = base;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  static RegistryClient of(String url) throws UsageException {
    URI uri;
    try {
      uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (URISyntaxException e) {
      throw new UsageException("--registry: \"" + url + "\" is not a URL");
    }
    if (uri.getHost() == null
        || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
        || (uri.getPath() != null && !uri.getPath().isEmpty())
        || uri.getQuery() != null
        || uri.getUserInfo() != null) {
      throw new UsageException(
          "--registry: expected https://HOST[:PORT] (http:// only for a loopback registry)");
    }
    if (uri.getScheme().equals("http") && !isLoopback(uri.getHost())) {
      throw new UsageException(
          "--registry: plain HTTP is allowed only for a loopback registry; use https://");
    }
    return new RegistryClient(uri);
  }

  private static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equals("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // never resolve names here: DNS must not decide what is "local"
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  String display(String repository) {
    return base + "/" + repository;
  }

  /** The manifest stored under {@code tag}, or empty when there is none. */
  Optional<byte[]> manifest(String repository, String tag) throws SignetException {
    HttpResponse<InputStream> r =
        send(
            HttpRequest.newBuilder(url("/v2/" + repository + "/manifests/" + tag))
                .header("Accept", ACCEPT_MANIFESTS)
                .GET(),
            repository,
            false);
    if (r.statusCode() == 404) {
      drain(r);
      return Optional.empty();
    }
    expect(r, 200, repository, "reading manifest " + tag, false);
    return Optional.of(body(r, repository, false));
  }

  /** A blob, checked against its digest. */
  byte[] blob(String repository, Digest digest) throws SignetException {
    HttpResponse<InputStream> r =
        send(
            HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/" + digest)).GET(),
            repository,
            false);
    expect(r, 200, repository, "reading blob " + digest, false);
    byte[] content = body(r, repository, false);
    Digest actual = Digest.of(digest.algorithm(), content, 0, content.length);
    if (!actual.equals(digest)) {
      throw new InputException(
          display(repository), null, "blob " + digest + " does not match its digest");
    }
    return content;
  }

  /** Uploads a blob unless the registry already has it. */
  void pushBlob(String repository, byte[] content) throws SignetException {
    Digest digest = Digest.of(HashAlgorithm.SHA2_256, content, 0, content.length);
    HttpResponse<InputStream> head =
        send(
            HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()),
            repository,
            true);
    drain(head);
    if (head.statusCode() == 200) {
      return;
    }
    HttpResponse<InputStream> start =
        send(
            HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()),
            repository,
            true);
    expect(start, 202, repository, "starting a blob upload", true);
    drain(start);
    String location =
        start
            .headers()
            .firstValue("Location")
            .orElseThrow(() ->
                new OutputException(
                    display(repository) + ": the registry started an upload without a Location"));
    URI upload;
    try {
      upload = base.resolve(new URI(location));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new OutputException(display(repository) + ": the upload Location is not a URL");
    }
    if (!upload.getScheme().equals(base.getScheme())
        || !java.util.Objects.equals(upload.getAuthority(), base.getAuthority())) {
      // A registry may hand uploads elsewhere, but following it off-host is not needed here.
      throw new OutputException(
          display(repository) + ": the registry sent the upload to another host");
    }
    String sep = upload.getRawQuery() == null ? "?" : "&";
    HttpResponse<InputStream> put =
        send(
            HttpRequest.newBuilder(
                    URI.create(upload + sep + "digest=" + digest.toString().replace(":", "%3A")))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)),
            repository,
            true);
    expect(put, 201, repository, "uploading blob " + digest, true);
    drain(put);
  }

  /** Stores a manifest under {@code tag}. */
  void putManifest(String repository, String tag, byte[] manifest, String mediaType)
      throws SignetException {
    HttpResponse<InputStream> r =
        send(
            HttpRequest.newBuilder(url("/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)),
            repository,
            true);
    expect(r, 201, repository, "storing manifest " + tag, true);
    drain(r);
  }

  private URI url(String path) {
    return URI.create(base + path);
  }

  private HttpResponse<InputStream> send(
      HttpRequest.Builder request, String repository, boolean writing) throws SignetException {
    try {
      return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      String why =
          display(repository)
              + ": cannot reach the registry ("
              + e.getClass().getSimpleName()
              + ")";
      throw writing ? new OutputException(why) : new InputException(display(repository), null, why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutputException(display(repository) + ": interrupted");
    }
  }

  private void expect(
      HttpResponse<InputStream> r, int status, String repository, String what, boolean writing)
      throws SignetException {
    if (r.statusCode() == status) {
      return;
    }
    String said = registryError(r, repository);
    String why =
        r.statusCode() == 401 || r.statusCode() == 403
            ? what
                + ": the registry requires credentials (HTTP "
                + r.statusCode()
                + "), and Signet pushes anonymously only"
            : what + ": HTTP " + r.statusCode() + said;
    if (writing) {
      throw new OutputException(display(repository) + ": " + why);
    }
    throw new InputException(display(repository), null, why);
  }

  /** The registry's own error code and message (distribution spec error JSON), if any. */
  private String registryError(HttpResponse<InputStream> r, String repository) {
    try {
      byte[] b = body(r, repository, false);
      var tree =
          new JsonReader(new InputLimits(64 << 10, 0, 8, 1, 1))
              .parse(new String(b, StandardCharsets.UTF_8), "registry");
      if (tree instanceof JsonObject o
          && o.get("errors") instanceof JsonArray errors
          && !errors.items().isEmpty()
          && errors.items().getFirst() instanceof JsonObject first) {
        String code = first.get("code") instanceof JsonString c ? c.value() : "";
        String message = first.get("message") instanceof JsonString m ? m.value() : "";
        String s = (code + " " + message).strip().replaceAll("\\p{Cntrl}", "?");
        return s.isEmpty() ? "" : " (" + (s.length() > 160 ? s.substring(0, 160) + "…" : s) + ")";
      }
    } catch (SignetException | RuntimeException e) {
      // no readable error body
    }
    return "";
  }

  private byte[] body(HttpResponse<InputStream> r, String repository, boolean writing)
      throws SignetException {
    try (InputStream in = r.body()) {
      byte[] b = in.readNBytes(MAX_BLOB_BYTES + 1);
      if (b.length > MAX_BLOB_BYTES) {
        throw new InputException(
            display(repository), null, "a registry response is larger than 4 MiB");
      }
      return b;
    } catch (IOException e) {
      String why = display(repository) + ": the registry response was cut short";
      throw writing ? new OutputException(why) : new InputException(display(repository), null, why);
    }
  }

  private static void drain(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      // nothing to read
    }
  }
}
