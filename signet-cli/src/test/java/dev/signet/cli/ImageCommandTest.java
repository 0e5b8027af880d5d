package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code signet image sign/verify} against a real registry: Debian's {@code docker-registry}
 * (distribution 2.8) started on 127.0.0.1 for this test. The registry checks what we push (blob
 * digests, the manifest's references and media types); the manifest is then read back over plain
 * HTTP and checked field by field against cosign's layout (spec §2.2), and openssl verifies the
 * stored signature over the stored payload.
 */
class ImageCommandTest {
  private static final String DIGEST = "sha256:" + "bdfd08a1".repeat(8);
  private static Process registry;
  private static String url;
  private static Path root;

  @BeforeAll
  static void startRegistry(@TempDir Path dir) throws Exception {
    root = dir;
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path cfg =
        Fixtures.write(
            dir,
            "registry.yml",
            "version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: "
                + dir.resolve("data")
                + "}}\nhttp: {addr: 127.0.0.1:"
                + port
                + "}\n");
    try {
      registry =
          new ProcessBuilder("docker-registry", "serve", cfg.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("registry.log").toFile())
              .start();
    } catch (IOException e) {
      fail("cannot start docker-registry (%s): apt-get install docker-registry", e.getMessage());
    }
    url = "http://127.0.0.1:" + port;
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 100; i++) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create(url + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(100);
    }
    fail("docker-registry did not start: %s", Files.readString(dir.resolve("registry.log")));
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (registry != null) {
      registry.destroy();
      registry.waitFor();
    }
  }

  private static String get(String path, String accept) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + path))
                    .header("Accept", accept)
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  private static Path pem(Path dir, String name) {
    Path k = dir.resolve(name);
    Tools.Result r =
        Tools.openssl(
            dir,
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            k.toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    Tools.Result p = Tools.openssl(dir, "pkey", "-in", k.toString(), "-pubout", "-out", k + ".pub");
    assertThat(p.exit()).isZero();
    return k;
  }

  @Test
  void pushesCosignsSignatureImageAndReadsItBack(@TempDir Path dir) throws Exception {
    Path key = pem(dir, "k.pem");
    String reference = url.substring("http://".length()) + "/demo/app:v1";
    Cli s =
        Cli.run(
            "image",
            "sign",
            "--digest",
            DIGEST,
            "--reference",
            reference,
            "--key",
            key.toString(),
            "--registry",
            url,
            "-a",
            "build=42");
    assertThat(s.exitCode()).as(s.err()).isZero();
    assertThat(s.out())
        .startsWith(
            "Pushed "
                + url
                + "/demo/app:sha256-"
                + DIGEST.substring(7)
                + ".sig (1 signature, manifest sha256:");

    String tag = "sha256-" + DIGEST.substring(7) + ".sig";
    String manifest =
        get("/v2/demo/app/manifests/" + tag, "application/vnd.oci.image.manifest.v1+json");
    JsonObject m = (JsonObject) Fixtures.parse(manifest);
    assertThat(((JsonString) m.get("mediaType")).value())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    JsonObject layer = (JsonObject) ((JsonArray) m.get("layers")).get(0);
    assertThat(((JsonString) layer.get("mediaType")).value())
        .isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
    String sig =
        ((JsonString)
                ((JsonObject) layer.get("annotations")).get("dev.cosignproject.cosign/signature"))
            .value();
    String payload = get("/v2/demo/app/blobs/" + ((JsonString) layer.get("digest")).value(), "*/*");
    assertThat(payload)
        .isEqualTo(
            "{\"critical\":{\"identity\":{\"docker-reference\":\""
                + reference.replace(":v1", "")
                + "\"},"
                + "\"image\":{\"docker-manifest-digest\":\""
                + DIGEST
                + "\"},\"type\":\"cosign container image signature\"},"
                + "\"optional\":{\"build\":\"42\"}}");
    Path payloadFile = Fixtures.write(dir, "payload.json", payload);
    Path sigFile = dir.resolve("sig.der");
    Files.write(sigFile, Base64.getDecoder().decode(sig));
    Tools.Result os =
        Tools.openssl(
            dir,
            "dgst",
            "-sha256",
            "-verify",
            key + ".pub",
            "-signature",
            sigFile.toString(),
            payloadFile.toString());
    assertThat(os.exit()).as(os.stdout() + os.stderr()).isZero();

    Cli v =
        Cli.run(
            "image",
            "verify",
            "--digest",
            DIGEST,
            "--reference",
            reference,
            "--key",
            key + ".pub",
            "--registry",
            url);
    assertThat(v.exitCode()).as(v.err()).isZero();
    assertThat(v.out())
        .contains("Verified OK: " + reference.replace(":v1", "") + "@" + DIGEST)
        .contains("annotations {build=42}");

    // A second signer adds a layer; the first signature stays.
    Path second = pem(dir, "second.pem");
    Cli s2 =
        Cli.run(
            "image",
            "sign",
            "--digest",
            DIGEST,
            "--reference",
            reference,
            "--key",
            second.toString(),
            "--registry",
            url);
    assertThat(s2.out()).contains("(2 signatures,");
    Cli again =
        Cli.run(
            "image",
            "sign",
            "--digest",
            DIGEST,
            "--reference",
            reference,
            "--key",
            second.toString(),
            "--registry",
            url);
    assertThat(again.out())
        .contains("(3 signatures,"); // ECDSA signatures are randomised: a new one
    assertThat(
            Cli.run(
                    "image",
                    "verify",
                    "--digest",
                    DIGEST,
                    "--reference",
                    reference,
                    "--key",
                    key + ".pub",
                    "--registry",
                    url)
                .exitCode())
        .isZero();
    assertThat(
            Cli.run(
                    "image",
                    "verify",
                    "--digest",
                    DIGEST,
                    "--reference",
                    reference,
                    "--key",
                    second + ".pub",
                    "--registry",
                    url)
                .exitCode())
        .isZero();

    // Refusals: another key, another digest, another repository name.
    Path stranger = pem(dir, "stranger.pem");
    Cli r1 =
        Cli.run(
            "image",
            "verify",
            "--digest",
            DIGEST,
            "--reference",
            reference,
            "--key",
            stranger + ".pub",
            "--registry",
            url);
    assertThat(r1.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r1.err()).contains("does not verify with");
    String otherDigest = "sha256:" + "0".repeat(64);
    Cli r2 =
        Cli.run(
            "image",
            "verify",
            "--digest",
            otherDigest,
            "--reference",
            reference,
            "--key",
            key + ".pub",
            "--registry",
            url);
    assertThat(r2.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r2.err()).contains("no cosign signature for " + otherDigest);
  }

  @Test
  void writesAnOciLayoutThatVerifiesOffline(@TempDir Path dir) throws Exception {
    Path key = pem(dir, "k.pem");
    Path out = dir.resolve("sig-layout");
    Cli s =
        Cli.run(
            "image",
            "sign",
            "--digest",
            DIGEST,
            "--reference",
            "ghcr.io/acme/widgets:1.0",
            "--key",
            key.toString(),
            "--output",
            out.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();
    assertThat(Files.readString(out.resolve("oci-layout")))
        .isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
    JsonObject index = (JsonObject) Fixtures.parse(Files.readString(out.resolve("index.json")));
    JsonObject desc = (JsonObject) ((JsonArray) index.get("manifests")).get(0);
    String manifestDigest = ((JsonString) desc.get("digest")).value();
    byte[] manifest =
        Files.readAllBytes(out.resolve("blobs/sha256/" + manifestDigest.substring(7)));
    assertThat(
            "sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifest)))
        .isEqualTo(manifestDigest);
    assertThat(new String(manifest, StandardCharsets.UTF_8))
        .contains("dev.cosignproject.cosign/signature");
    Cli v =
        Cli.run(
            "image",
            "verify",
            "--digest",
            DIGEST,
            "--reference",
            "ghcr.io/acme/widgets",
            "--key",
            key + ".pub",
            "--input",
            out.toString());
    assertThat(v.exitCode()).as(v.err()).isZero();
    Cli wrongName =
        Cli.run(
            "image",
            "verify",
            "--digest",
            DIGEST,
            "--reference",
            "ghcr.io/acme/gadgets",
            "--key",
            key + ".pub",
            "--input",
            out.toString());
    assertThat(wrongName.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(wrongName.err())
        .contains("the signed payload names \"ghcr.io/acme/widgets\", not ghcr.io/acme/gadgets");
    Cli exists =
        Cli.run(
            "image",
            "sign",
            "--digest",
            DIGEST,
            "--reference",
            "ghcr.io/acme/widgets",
            "--key",
            key.toString(),
            "--output",
            out.toString());
    assertThat(exists.exitCode()).isEqualTo(ExitCode.OUTPUT);
    Cli plainHttp =
        Cli.run(
            "image",
            "sign",
            "--digest",
            DIGEST,
            "--reference",
            "ghcr.io/acme/widgets",
            "--key",
            key.toString(),
            "--registry",
            "http://ghcr.io");
    assertThat(plainHttp.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(plainHttp.err()).contains("plain HTTP is allowed only for a loopback registry");
  }
}
