package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.signet.SuppressForbidden;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote keys through the CLI's key references: a Vault transit key, served by a fake of Vault's
 * HTTP API on 127.0.0.1 (read key, sign a prehashed digest, {@code vault:v1:} signatures), signs a
 * pipeline whose jobs verify and an artifact that verifies; {@code --signing-gcp-kms-key} maps to a
 * {@code gcpkms://} reference, and an unreachable KMS is a one-line key error. Every request goes
 * to this machine: the environment the CLI sees is replaced for the test.
 */
@SuppressForbidden(
    reason =
        "com.sun.net.httpserver is the JDK's exported HTTP server (module jdk.httpserver); the fake"
            + " needs a real server on 127.0.0.1 speaking Vault's wire protocol")
class KmsCliTest {
  private static final String TOKEN = "hvs.test-token-not-a-secret";
  private HttpServer server;
  private KeyPair key;
  private final AtomicInteger signs = new AtomicInteger();

  @BeforeEach
  void fakeVault() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    key = g.generateKeyPair();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(key.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    server.createContext(
        "/v1/transit/",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          String path = ex.getRequestURI().getPath();
          String response;
          int status = 200;
          if (!TOKEN.equals(ex.getRequestHeaders().getFirst("X-Vault-Token"))) {
            status = 403;
            response = "{\"errors\":[\"permission denied\"]}";
          } else if (path.equals("/v1/transit/keys/release")) {
            response =
                "{\"data\":{\"name\":\"release\",\"type\":\"ecdsa-p256\",\"derived\":false,"
                    + "\"supports_signing\":true,\"latest_version\":1,\"keys\":{\"1\":{"
                    + "\"public_key\":"
                    + dev.signet.json.JsonWriter.quote(pem)
                    + ",\"name\":\"P-256\"}}}}";
          } else if (path.startsWith("/v1/transit/sign/release")) {
            JsonObject req = (JsonObject) Fixtures.parse(new String(body, StandardCharsets.UTF_8));
            byte[] digest = Base64.getDecoder().decode(((JsonString) req.get("input")).value());
            try {
              Signature s = Signature.getInstance("NONEwithECDSA");
              s.initSign(key.getPrivate());
              s.update(digest);
              response =
                  "{\"data\":{\"signature\":\"vault:v1:"
                      + Base64.getEncoder().encodeToString(s.sign())
                      + "\",\"key_version\":1}}";
              signs.incrementAndGet();
            } catch (java.security.GeneralSecurityException e) {
              status = 500;
              response = "{\"errors\":[\"fake\"]}";
            }
          } else {
            status = 404;
            response = "{\"errors\":[]}";
          }
          byte[] out = response.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, out.length);
          ex.getResponseBody().write(out);
          ex.close();
        });
    server.start();
    String addr = "http://127.0.0.1:" + server.getAddress().getPort();
    KeyRefs.env =
        () ->
            Map.of(
                "VAULT_ADDR",
                addr,
                "VAULT_TOKEN",
                TOKEN,
                "GOOGLE_OAUTH_ACCESS_TOKEN",
                "ya29.test-not-a-secret",
                "CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS",
                "http://127.0.0.1:1/");
  }

  @AfterEach
  void stop() {
    KeyRefs.env = System::getenv;
    server.stop(0);
  }

  @Test
  void aVaultTransitKeySignsPipelinesAndArtifacts(@TempDir Path dir) throws Exception {
    Path pub = dir.resolve("vault.pub");
    Cli k =
        Cli.run(
            "key", "public", "hashivault://release", "--format", "pem", "--output", pub.toString());
    assertThat(k.exitCode()).as(k.err()).isZero();

    Path in = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
    Path signed = dir.resolve("signed.yml");
    Cli s =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--signing-key",
            "hashivault://release",
            "--repo",
            Fixtures.REPO,
            "--output",
            signed.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();
    for (Path job : Fixtures.jobs(dir, signed)) {
      Cli v =
          Cli.run("job", "verify", job.toString(), "--verification-key", "hashivault://release");
      assertThat(v.exitCode()).as(v.err()).isZero();
      assertThat(
              Cli.run("job", "verify", job.toString(), "--verification-key", pub.toString())
                  .exitCode())
          .isZero();
    }

    Path art = Fixtures.write(dir, "release.tar", "release ".repeat(1000));
    Path bundle = dir.resolve("release.tar.sigstore.json");
    int before = signs.get();
    Cli a =
        Cli.run(
            "artifact",
            "sign",
            art.toString(),
            "--key",
            "hashivault://release",
            "--digest-only",
            "--bundle",
            bundle.toString());
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(signs.get() - before).as("the probe at open, then one digest").isEqualTo(2);
    Cli v =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            pub.toString(),
            "--bundle",
            bundle.toString());
    assertThat(v.exitCode()).as(v.err()).isZero();
  }

  @Test
  void unreachableOrRefusingKmsIsAOneLineKeyError(@TempDir Path dir) {
    Path in = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
    for (List<String> args :
        List.of(
            List.of(
                "--signing-gcp-kms-key",
                "projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1"),
            List.of("--signing-key", "hashivault://other"))) {
      List<String> all =
          new java.util.ArrayList<>(
              List.of("pipeline", "sign", in.toString(), "--repo", Fixtures.REPO));
      all.addAll(args);
      Cli r = Cli.run(all.toArray(String[]::new));
      assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.KEY);
      assertThat(r.errLines()).hasSize(1);
      assertThat(r.err()).doesNotContain(TOKEN).doesNotContain("ya29");
      Fixtures.assertNoStackTrace(r.err());
    }
    KeyRefs.env =
        () ->
            Map.of(
                "VAULT_ADDR",
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "VAULT_TOKEN",
                "wrong");
    Cli denied =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--repo",
            Fixtures.REPO,
            "--signing-key",
            "hashivault://release");
    assertThat(denied.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(denied.err()).doesNotContain("wrong\n");
  }
}
