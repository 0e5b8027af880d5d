package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.server.ServerContext;
import dev.signet.server.SignetServer;
import dev.signet.server.origin.testing.TestCa;
import dev.signet.server.origin.testing.TestOidcIssuer;
import dev.signet.server.signing.SigningModule;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code signet://} keys end to end: a real Signet server on 127.0.0.1 (HTTPS with its generated
 * certificate, the signing module, a policy, a custody key made through the admin API with the
 * printed admin token), a real OIDC issuer, and the CLI in-process finding its identity the ways CI
 * hands it over: {@code --identity-token}, GitHub's token endpoint (a real HTTP server answering as
 * GitHub does) and a {@code buildkite-agent} on PATH.
 */
@dev.signet.SuppressForbidden(reason = "com.sun.net.httpserver: a real fake GitHub token endpoint")
class ServiceCliTest {
  static final String PROJECT = "payments";
  static final String REPO = "git@github.com:acme/payments.git";

  @TempDir static Path tmp;
  static TestOidcIssuer issuer;
  static SignetServer server;
  static final AtomicReference<ServerContext> context = new AtomicReference<>();
  static String audience;
  static String ref;
  static String adminToken;
  static TestCa buildCa;

  @BeforeAll
  static void start() throws Exception {
    issuer = TestOidcIssuer.start();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    audience = "https://127.0.0.1:" + port;
    ref = "signet://127.0.0.1:" + port + "/" + PROJECT + "/release";
    buildCa = TestCa.root("CN=Acme Build CA,O=Acme");
    Path caFile =
        Files.writeString(
            tmp.resolve("client-ca.pem"), pem("CERTIFICATE", buildCa.certificate().getEncoded()));
    String caSha256 =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(buildCa.certificate().getEncoded()));
    Path config = tmp.resolve("signet.yaml");
    Files.writeString(
        config,
        """
        server:
          tls:
            clientCa: %s
        issuers:
          ci:
            issuer: %s
            audience: %s
            allowInsecureLoopback: true
        projects:
          payments:
            keys: [release]
            operations: [pipeline, digest, attestation]
            rules:
              - name: github-main
                oidc:
                  issuer: ci
                  claims:
                    repository_id: "456789"
                    ref: refs/heads/main
              - name: hotfix
                operations: [digest]
                oidc:
                  issuer: ci
                  claims:
                    repository_id: "456789"
                    ref: "refs/heads/hotfix/**"
                approval: { role: release-managers, quorum: 1, expires: 1h }
              - name: buildkite-main
                oidc:
                  issuer: ci
                  claims:
                    organization_slug: acme
                    build_branch: main
              - name: nightly
                operations: [digest]
                token: true
              - name: agents
                operations: [digest]
                mtls:
                  caSha256: "%s"
                  subject: { CN: "agent-*" }
        """
            .formatted(caFile, issuer.issuer(), audience, caSha256));
    StringWriter printed = new StringWriter();
    server =
        SignetServer.start(
            new SignetServer.Options(
                config,
                tmp.resolve("data"),
                "127.0.0.1:" + port,
                null,
                false,
                Map.of(),
                new PrintWriter(printed, true),
                false,
                List.of(new SigningModule(), (ctx, routes) -> context.set(ctx))));
    Matcher m =
        Pattern.compile("admin token \\(shown once; store it now\\): (\\S+)")
            .matcher(printed.toString());
    assertThat(m.find()).as("the admin token is printed").isTrue();
    adminToken = m.group(1);
    HttpResponse<String> created =
        http(
            "POST",
            "/v1/admin/projects/" + PROJECT + "/keys",
            "{\"key\":\"release\",\"algorithm\":\"ES256\"}",
            adminToken);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    KeyRefs.env = System::getenv;
    if (server != null) {
      server.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @AfterEach
  void resetEnv() {
    KeyRefs.env = System::getenv;
  }

  // ---- --identity-token ----

  @Test
  void artifactSignedThroughTheServiceVerifiesWithTheProjectKeysAndItsReceipt() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "artifact");
    Path file = Files.writeString(dir.resolve("app.tar"), "release bytes\n");
    String token = githubToken("refs/heads/main");
    Path tokenFile = Files.writeString(dir.resolve("token"), "\n" + token + "\n");
    useEnv(Map.of());
    Path bundle = dir.resolve("app.sigstore.json");

    Cli sign =
        Cli.run(
            "artifact",
            "sign",
            "--key",
            ref,
            "--identity-token",
            tokenFile.toString(),
            "--bundle",
            bundle.toString(),
            file.toString());
    assertThat(sign.exitCode()).as(sign.err()).isZero();
    assertThat(sign.out() + sign.err()).doesNotContain(token);

    // the project's public keys, two ways: `key public signet://…` and the JWKS URL
    Path pub = dir.resolve("pub.json");
    Cli pubKey = Cli.run("key", "public", ref, "--output", pub.toString());
    assertThat(pubKey.exitCode()).as(pubKey.err()).isZero();
    Path jwks =
        Files.writeString(dir.resolve("jwks.json"), get("/v1/projects/" + PROJECT + "/jwks.json"));
    for (Path keys : List.of(pub, jwks)) {
      Cli verify =
          Cli.run(
              "artifact",
              "verify",
              "--key",
              keys.toString(),
              "--bundle",
              bundle.toString(),
              file.toString());
      assertThat(verify.exitCode()).as(verify.err()).isZero();
    }

    // the receipt and audit entry beside the bundle prove the signing was logged
    Path receipt = dir.resolve("app.sigstore.json.receipt.json");
    Path entry = dir.resolve("app.sigstore.json.audit-entry.json");
    assertThat(receipt).exists();
    assertThat(entry).exists();
    assertThat(Files.readString(entry)).contains(PROJECT);
    assertAuditVerifies(receipt, entry, dir);
  }

  @Test
  void receiptOptionNamesTheReceiptFile() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "receipt");
    Path file = Files.writeString(dir.resolve("a.bin"), "a");
    Path tokenFile = Files.writeString(dir.resolve("token"), githubToken("refs/heads/main"));
    useEnv(Map.of());
    Path receipt = dir.resolve("out.receipt.json");
    Cli sign =
        Cli.run(
            "artifact",
            "sign",
            "--key",
            ref,
            "--identity-token",
            tokenFile.toString(),
            "--output-signature",
            dir.resolve("a.sig").toString(),
            "--receipt",
            receipt.toString(),
            file.toString());
    assertThat(sign.exitCode()).as(sign.err()).isZero();
    assertAuditVerifies(receipt, dir.resolve("out.audit-entry.json"), dir);
  }

  @Test
  void imageSignatureThroughTheServiceWritesItsReceiptBesideTheLayout() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "image");
    Path tokenFile = Files.writeString(dir.resolve("token"), githubToken("refs/heads/main"));
    useEnv(Map.of());
    Path layout = dir.resolve("layout");
    Cli sign =
        Cli.run(
            "image",
            "sign",
            "--digest",
            "sha256:" + "ab".repeat(32),
            "--reference",
            "ghcr.io/acme/app",
            "--key",
            ref,
            "--identity-token",
            tokenFile.toString(),
            "--output",
            layout.toString());
    assertThat(sign.exitCode()).as(sign.err()).isZero();
    assertAuditVerifies(
        dir.resolve("layout.receipt.json"), dir.resolve("layout.audit-entry.json"), dir);
  }

  // ---- GitHub Actions ----

  @Test
  void pipelineSignedServerSideWithAGithubTokenHasJobsThatVerify() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "pipeline");
    Path pipeline =
        Files.writeString(
            dir.resolve("pipeline.yml"),
            """
            steps:
              - label: build
                key: build
                command: make build
              - group: tests
                steps:
                  - command: make test
            """);
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<String> seenAudience = new AtomicReference<>();
    HttpServer github = githubEndpoint(calls, seenAudience, "refs/heads/main");
    try {
      useEnv(githubEnv(github));
      Path signed = dir.resolve("signed.yml");
      Cli sign =
          Cli.run(
              "pipeline",
              "sign",
              "--signing-key",
              ref,
              "--repo",
              REPO,
              "--output",
              signed.toString(),
              pipeline.toString());
      assertThat(sign.exitCode()).as(sign.err()).isZero();
      assertThat(calls.get()).isEqualTo(1);
      assertThat(seenAudience.get()).isEqualTo(audience);
      assertThat(sign.err()).doesNotContain("gh-request-secret");

      Path pub = dir.resolve("pub.json");
      assertThat(Cli.run("key", "public", ref, "--output", pub.toString()).exitCode()).isZero();
      Cli verify =
          Cli.run(
              "pipeline",
              "verify",
              "--verification-key",
              pub.toString(),
              "--repo",
              REPO,
              signed.toString());
      assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
      assertThat(verify.out()).contains("2 verified, 0 unsigned, 0 invalid");
      assertAuditVerifies(
          dir.resolve("signed.yml.receipt.json"), dir.resolve("signed.yml.audit-entry.json"), dir);

      // YAML is what a local `pipeline sign` writes, signatures aside
      Path priv = dir.resolve("local.json");
      assertThat(
              Cli.run(
                      "keygen",
                      "--alg",
                      "ES256",
                      "--private-jwks-file",
                      priv.toString(),
                      "--public-jwks-file",
                      dir.resolve("local-public.json").toString())
                  .exitCode())
          .isZero();
      Cli local =
          Cli.run(
              "pipeline",
              "sign",
              "--jwks-file",
              priv.toString(),
              "--repo",
              REPO,
              pipeline.toString());
      assertThat(local.exitCode()).as(local.err()).isZero();
      assertThat(withoutSignatures(Files.readString(signed)))
          .isEqualTo(withoutSignatures(local.out()))
          .contains("signature");

      // JSON output is exactly what the service returned
      Cli json =
          Cli.run(
              "pipeline",
              "sign",
              "--signing-key",
              ref,
              "--repo",
              REPO,
              "--format",
              "json",
              "--receipt",
              dir.resolve("json.receipt.json").toString(),
              pipeline.toString());
      assertThat(json.exitCode()).as(json.err()).isZero();
      assertThat(json.out()).startsWith("{\"steps\":[");
      assertThat(calls.get()).as("a fresh token per request").isEqualTo(2);
    } finally {
      github.stop(0);
    }
  }

  @Test
  void severalFilesEachGetTheirReceiptThroughOneSession() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "several");
    List<String> args = new ArrayList<>(List.of("artifact", "sign", "--key", ref));
    for (int i = 0; i < 3; i++) {
      args.add(Files.writeString(dir.resolve("f" + i), "file " + i).toString());
    }
    AtomicInteger calls = new AtomicInteger();
    HttpServer github = githubEndpoint(calls, new AtomicReference<>(), "refs/heads/main");
    try {
      useEnv(githubEnv(github));
      Cli sign = Cli.run(args.toArray(String[]::new));
      assertThat(sign.exitCode()).as(sign.err()).isZero();
      // One ID token, exchanged once for a session that signs every file.
      assertThat(calls.get()).isEqualTo(1);
      for (int i = 0; i < 3; i++) {
        assertThat(dir.resolve("f" + i + ".sigstore.json")).exists();
        assertAuditVerifies(
            dir.resolve("f" + i + ".receipt.json"),
            dir.resolve("f" + i + ".audit-entry.json"),
            dir);
        assertThat(Files.readString(dir.resolve("f" + i + ".audit-entry.json"))).contains("f" + i);
      }
    } finally {
      github.stop(0);
    }
  }

  // ---- Buildkite ----

  @Test
  void attestationSignedWithATokenFromBuildkiteAgentVerifies() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "buildkite");
    Path subject = Files.writeString(dir.resolve("app.tar"), "app");
    String token = issuer.mintEs256(issuer.buildkiteClaims(audience, "acme", Instant.now()));
    Path tokenFile = Files.writeString(dir.resolve("bk-token"), token + "\n");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path agent = bin.resolve("buildkite-agent");
    // As the agent: `oidc request-token --audience AUD` prints the token; anything else fails.
    Files.writeString(
        agent,
        "#!/bin/sh\n"
            + "[ \"$1 $2 $3 $4\" = \"oidc request-token --audience "
            + audience
            + "\" ] || exit 7\n"
            + "[ -n \"$BUILDKITE_AGENT_ACCESS_TOKEN\" ] || exit 8\n"
            + "cat '"
            + tokenFile
            + "'\n");
    Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
    useEnv(
        Map.of("BUILDKITE_AGENT_ACCESS_TOKEN", "bk-agent-secret", "PATH", bin + ":/usr/bin:/bin"));
    Path envelope = dir.resolve("app.intoto.json");
    Cli attest =
        Cli.run(
            "attest",
            "--subject",
            subject.toString(),
            "--key",
            ref,
            "--output",
            envelope.toString(),
            "--predicate-type",
            "https://example.com/test/v1");
    assertThat(attest.exitCode()).as(attest.err()).isZero();
    assertThat(attest.err()).doesNotContain(token);

    Path pub = dir.resolve("pub.json");
    assertThat(Cli.run("key", "public", ref, "--output", pub.toString()).exitCode()).isZero();
    Cli verify =
        Cli.run(
            "attest",
            "verify",
            envelope.toString(),
            "--key",
            pub.toString(),
            "--subject",
            subject.toString(),
            "--predicate-type",
            "https://example.com/test/v1");
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    assertAuditVerifies(
        dir.resolve("app.intoto.json.receipt.json"),
        dir.resolve("app.intoto.json.audit-entry.json"),
        dir);
  }

  // ---- project tokens and client certificates ----

  @Test
  void aProjectTokenSigns() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "projecttoken");
    Path file = Files.writeString(dir.resolve("n.bin"), "nightly");
    HttpResponse<String> issued =
        http(
            "POST",
            "/v1/admin/projects/" + PROJECT + "/tokens",
            "{\"operations\":[\"digest\"],\"expiresIn\":\"P1D\"}",
            adminToken);
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    String token = member(issued.body(), "token");
    useEnv(Map.of("SIGNET_PROJECT_TOKEN", token));
    Cli sign =
        Cli.run(
            "artifact",
            "sign",
            "--key",
            ref,
            "--bundle",
            dir.resolve("n.sigstore.json").toString(),
            file.toString());
    assertThat(sign.exitCode()).as(sign.err()).isZero();
    assertThat(sign.out() + sign.err()).doesNotContain(token);
    assertAuditVerifies(
        dir.resolve("n.sigstore.json.receipt.json"),
        dir.resolve("n.sigstore.json.audit-entry.json"),
        dir);
  }

  @Test
  void aClientCertificateAloneSigns() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "mtls");
    Path file = Files.writeString(dir.resolve("m.bin"), "agent");
    TestCa.Issued agent = buildCa.client("CN=agent-7,O=Acme").issue();
    StringBuilder chain = new StringBuilder();
    for (X509Certificate c : agent.chain()) {
      chain.append(pem("CERTIFICATE", c.getEncoded()));
    }
    Path cert = Files.writeString(dir.resolve("agent.crt"), chain);
    Path key =
        Files.writeString(dir.resolve("agent.key"), pem("PRIVATE KEY", agent.key().getEncoded()));
    useEnv(Map.of("SIGNET_CLIENT_CERT", cert.toString(), "SIGNET_CLIENT_KEY", key.toString()));
    Cli sign =
        Cli.run(
            "artifact",
            "sign",
            "--key",
            ref,
            "--bundle",
            dir.resolve("m.sigstore.json").toString(),
            file.toString());
    assertThat(sign.exitCode()).as(sign.err()).isZero();

    // a certificate of another CA is refused by the TLS handshake or the policy: never signed
    TestCa.Issued stranger = TestCa.root("CN=Other CA").client("CN=agent-8,O=Acme").issue();
    Files.writeString(cert, pem("CERTIFICATE", stranger.certificate().getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", stranger.key().getEncoded()));
    Cli refused =
        Cli.run(
            "artifact",
            "sign",
            "--key",
            ref,
            "--bundle",
            dir.resolve("s.sigstore.json").toString(),
            file.toString());
    assertThat(refused.exitCode()).as(refused.err()).isNotZero();
    assertThat(refused.errLines()).hasSize(1);
    assertThat(dir.resolve("s.sigstore.json")).doesNotExist();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  // ---- approvals ----

  @Test
  void aPendingRequestIsPolledUntilApprovedAndThenSigned() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "approval");
    Path file = Files.writeString(dir.resolve("hotfix.bin"), "hotfix");
    HttpServer github =
        githubEndpoint(new AtomicInteger(), new AtomicReference<>(), "refs/heads/hotfix/x");
    try {
      useEnv(githubEnv(github));
      StringWriter err = new StringWriter();
      Path sig = dir.resolve("hotfix.sig");
      var done =
          java.util.concurrent.CompletableFuture.supplyAsync(() ->
              Main.run(
                  new String[] {
                    "artifact",
                    "sign",
                    "--key",
                    ref,
                    "--output-signature",
                    sig.toString(),
                    file.toString()
                  },
                  new PrintWriter(new StringWriter(), true),
                  new PrintWriter(err, true)));
      String id = awaitRequestId(err);
      HttpResponse<String> approver =
          http(
              "POST",
              "/v1/admin/principals",
              "{\"name\":\"alice\",\"roles\":[\"release-managers\"]}",
              adminToken);
      assertThat(approver.statusCode()).as(approver.body()).isEqualTo(201);
      String aliceToken = member(approver.body(), "token");
      HttpResponse<String> approved =
          http("POST", "/v1/requests/" + id + "/approve", "{}", aliceToken);
      assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

      assertThat(done.get(60, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isZero();
      assertThat(err.toString().lines().filter(l -> l.contains("waits for approval")).count())
          .isEqualTo(1);
      Path pub = dir.resolve("pub.json");
      assertThat(Cli.run("key", "public", ref, "--output", pub.toString()).exitCode()).isZero();
      Cli verify =
          Cli.run(
              "artifact",
              "verify",
              "--key",
              pub.toString(),
              "--signature",
              sig.toString(),
              file.toString());
      assertThat(verify.exitCode()).as(verify.err()).isZero();
      assertAuditVerifies(
          dir.resolve("hotfix.sig.receipt.json"), dir.resolve("hotfix.sig.audit-entry.json"), dir);
    } finally {
      github.stop(0);
    }
  }

  @Test
  void aSingleUseIdentityTokenFileSignsAfterApprovalThroughItsSession() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "single-use");
    Path file = Files.writeString(dir.resolve("fix.bin"), "fix");
    // One token with one jti: the exchange spends it; the sign request and every approval poll
    // go through the session.
    Path tokenFile = Files.writeString(dir.resolve("token"), githubToken("refs/heads/hotfix/z"));
    useEnv(Map.of());
    StringWriter err = new StringWriter();
    Path sig = dir.resolve("fix.sig");
    var done =
        java.util.concurrent.CompletableFuture.supplyAsync(() ->
            Main.run(
                new String[] {
                  "artifact",
                  "sign",
                  "--key",
                  ref,
                  "--identity-token",
                  tokenFile.toString(),
                  "--output-signature",
                  sig.toString(),
                  file.toString()
                },
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true)));
    String id = awaitRequestId(err);
    Thread.sleep(1500); // at least one poll before the approval
    HttpResponse<String> approver =
        http(
            "POST",
            "/v1/admin/principals",
            "{\"name\":\"carol\",\"roles\":[\"release-managers\"]}",
            adminToken);
    assertThat(approver.statusCode()).as(approver.body()).isEqualTo(201);
    HttpResponse<String> approved =
        http("POST", "/v1/requests/" + id + "/approve", "{}", member(approver.body(), "token"));
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    assertThat(done.get(60, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isZero();
    assertThat(sig).exists();
    assertThat(err.toString()).doesNotContain("sgs_");

    // The audit log: the session was issued, asked for approval, and revoked by the CLI at its end.
    String session = null;
    boolean revoked = false;
    var log = context.get().auditLog();
    long size = Long.parseLong(log.checkpoint().split("\n")[1]);
    for (byte[] leaf : log.entries(Math.max(0, size - 50), size)) {
      String e = new String(leaf, java.nio.charset.StandardCharsets.UTF_8);
      if (e.contains("\"APPROVAL_REQUESTED\"") && e.contains(id)) {
        Matcher m = Pattern.compile("\"session\":\"([0-9a-f]{16})\"").matcher(e);
        assertThat(m.find()).as(e).isTrue();
        session = m.group(1);
      }
      if (session != null && e.contains("\"SESSION_REVOKED\"") && e.contains(session)) {
        revoked = true;
      }
    }
    assertThat(session).as("the pending request names its session").isNotNull();
    assertThat(revoked).as("the CLI revoked its session").isTrue();
  }

  /**
   * A session that runs out while the CLI waits for an approval is replaced: the CLI fetches a new
   * GitHub identity, opens another session and keeps polling. A second server whose operator caps
   * sessions at 2 s (sessions.maxTtl).
   */
  @Test
  void aSessionThatExpiresWhileWaitingForApprovalIsRenewedWithAFreshIdentity() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "renewal");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String base = "https://127.0.0.1:" + port;
    Path ca = dir.resolve("data").resolve("tls.crt");
    Path config =
        Files.writeString(
            dir.resolve("signet.yaml"),
            """
            issuers:
              ci:
                issuer: %s
                audience: %s
                allowInsecureLoopback: true
            projects:
              payments:
                keys: [release]
                operations: [digest]
                rules:
                  - name: hotfix
                    oidc:
                      issuer: ci
                      claims: { repository_id: "456789", ref: "refs/heads/hotfix/**" }
                    approval: { role: release-managers, quorum: 1, expires: 1h }
            sessions:
              maxTtl: 2s
            """
                .formatted(issuer.issuer(), base));
    StringWriter printed = new StringWriter();
    AtomicReference<ServerContext> ctx = new AtomicReference<>();
    try (SignetServer second =
        SignetServer.start(
            new SignetServer.Options(
                config,
                dir.resolve("data"),
                "127.0.0.1:" + port,
                null,
                false,
                Map.of(),
                new PrintWriter(printed, true),
                false,
                List.of(new SigningModule(), (c, routes) -> ctx.set(c))))) {
      Matcher m =
          Pattern.compile("admin token \\(shown once; store it now\\): (\\S+)")
              .matcher(printed.toString());
      assertThat(m.find()).isTrue();
      String admin = m.group(1);
      HttpResponse<String> key =
          http(
              base,
              ca,
              "POST",
              "/v1/admin/projects/payments/keys",
              "{\"key\":\"release\",\"algorithm\":\"ES256\"}",
              admin);
      assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
      HttpResponse<String> approver =
          http(
              base,
              ca,
              "POST",
              "/v1/admin/principals",
              "{\"name\":\"erin\",\"roles\":[\"release-managers\"]}",
              admin);
      assertThat(approver.statusCode()).as(approver.body()).isEqualTo(201);
      // The server's first fetch of the issuer's documents times out when it happens while a
      // test GitHub endpoint serves in this JVM (a test-harness problem not understood yet; the
      // isolated aPendingRequestIsPolled… test shows it too): one exchange first fetches them.
      Map<String, Object> warmClaims = new HashMap<>(issuer.githubClaims(base, Instant.now()));
      warmClaims.put("ref", "refs/heads/hotfix/warm");
      HttpResponse<String> warm =
          http(
              base,
              ca,
              "POST",
              "/v1/projects/payments/sessions",
              "{}",
              issuer.mintEs256(warmClaims));
      assertThat(warm.statusCode()).as(warm.body()).isEqualTo(201);

      AtomicInteger identities = new AtomicInteger();
      HttpServer github =
          githubEndpoint(identities, new AtomicReference<>(), "refs/heads/hotfix/y");
      try {
        Map<String, String> env = new HashMap<>(githubEnv(github));
        env.put("SIGNET_SERVER_CA", ca.toString());
        Map<String, String> fixed = Map.copyOf(env);
        KeyRefs.env = () -> fixed;
        Path file = Files.writeString(dir.resolve("fix.bin"), "fix");
        Path sig = dir.resolve("fix.sig");
        StringWriter err = new StringWriter();
        var done =
            java.util.concurrent.CompletableFuture.supplyAsync(() ->
                Main.run(
                    new String[] {
                      "artifact",
                      "sign",
                      "--key",
                      "signet://127.0.0.1:" + port + "/payments/release",
                      "--output-signature",
                      sig.toString(),
                      file.toString()
                    },
                    new PrintWriter(new StringWriter(), true),
                    new PrintWriter(err, true)));
        String id = awaitRequestId(err);
        Thread.sleep(3500); // the 2 s session runs out; the CLI's polls at 1 s and 2 s see it
        HttpResponse<String> approved =
            http(
                base,
                ca,
                "POST",
                "/v1/requests/" + id + "/approve",
                "{}",
                member(approver.body(), "token"));
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(done.get(60, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(sig).exists();
        assertThat(identities.get()).as("a second identity was fetched").isGreaterThanOrEqualTo(2);
        var log = ctx.get().auditLog();
        long size = Long.parseLong(log.checkpoint().split("\n")[1]);
        long issued = 0;
        for (byte[] leaf : log.entries(0, size)) {
          if (new String(leaf, StandardCharsets.UTF_8).contains("\"SESSION_ISSUED\"")) {
            issued++;
          }
        }
        assertThat(issued)
            .as("the warm-up's, the CLI's first and its renewal")
            .isGreaterThanOrEqualTo(3);
      } finally {
        github.stop(0);
      }
    }
  }

  @Test
  void anUnapprovedRequestTimesOutAndADeniedOneIsRefused() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "timeout");
    Path file = Files.writeString(dir.resolve("x.bin"), "x");
    HttpServer github =
        githubEndpoint(new AtomicInteger(), new AtomicReference<>(), "refs/heads/hotfix/y");
    try {
      useEnv(githubEnv(github));
      Cli timeout =
          Cli.run(
              "artifact",
              "sign",
              "--key",
              ref,
              "--approval-timeout",
              "2s",
              "--output-signature",
              dir.resolve("x.sig").toString(),
              file.toString());
      assertThat(timeout.exitCode()).as(timeout.err()).isEqualTo(ExitCode.KEY);
      assertThat(timeout.err()).contains("was not approved within 2 s");
      assertThat(dir.resolve("x.sig")).doesNotExist();

      StringWriter err = new StringWriter();
      var done =
          java.util.concurrent.CompletableFuture.supplyAsync(() ->
              Main.run(
                  new String[] {
                    "artifact",
                    "sign",
                    "--key",
                    ref,
                    "--output-signature",
                    dir.resolve("y.sig").toString(),
                    file.toString()
                  },
                  new PrintWriter(new StringWriter(), true),
                  new PrintWriter(err, true)));
      String id = awaitRequestId(err);
      HttpResponse<String> approver =
          http(
              "POST",
              "/v1/admin/principals",
              "{\"name\":\"bob\",\"roles\":[\"release-managers\"]}",
              adminToken);
      HttpResponse<String> denied =
          http("POST", "/v1/requests/" + id + "/deny", "{}", member(approver.body(), "token"));
      assertThat(denied.statusCode()).as(denied.body()).isEqualTo(200);
      assertThat(done.get(60, java.util.concurrent.TimeUnit.SECONDS))
          .as(err.toString())
          .isEqualTo(ExitCode.REFUSED);
      assertThat(err.toString()).contains("request " + id + " was denied");
    } finally {
      github.stop(0);
    }
  }

  private static String awaitRequestId(StringWriter err) throws InterruptedException {
    Pattern p = Pattern.compile("request (\\S+) waits for approval");
    for (int i = 0; i < 300; i++) {
      Matcher m = p.matcher(err.toString());
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no pending request: " + err);
  }

  private static String member(String json, String name) throws Exception {
    return ((JsonString)
            ((JsonObject) JsonReader.withDefaultLimits().parse(json, "answer")).get(name))
        .value();
  }

  // ---- refusals ----

  @Test
  void aDeniedRequestExitsOneNamingTheFailingCondition() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "denied");
    Path file = Files.writeString(dir.resolve("x"), "x");
    String token = githubToken("refs/heads/feature");
    Path tokenFile = Files.writeString(dir.resolve("token"), token);
    useEnv(Map.of());
    Cli sign =
        Cli.run(
            "artifact",
            "sign",
            "--key",
            ref,
            "--identity-token",
            tokenFile.toString(),
            "--output-signature",
            dir.resolve("x.sig").toString(),
            file.toString());
    assertThat(sign.exitCode()).as(sign.err()).isEqualTo(ExitCode.REFUSED);
    assertThat(sign.errLines()).hasSize(1);
    assertThat(sign.err())
        .contains(ref)
        .contains("HTTP 403 denied")
        .contains("claim ref \"refs/heads/feature\" does not match");
    assertThat(sign.err()).doesNotContain(token);
    assertThat(dir.resolve("x.sig")).doesNotExist();
  }

  @Test
  void aBadTokenExitsThreeWithoutEchoingIt() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "badtoken");
    Path file = Files.writeString(dir.resolve("x"), "x");
    // a token of another issuer's key: well-formed, signed, not trusted
    Map<String, Object> claims = issuer.githubClaims(audience, Instant.now());
    var other =
        new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
            .keyID(issuer.ecKey().getKeyID())
            .generate();
    String forged =
        TestOidcIssuer.sign(
            claims,
            com.nimbusds.jose.JWSAlgorithm.ES256,
            issuer.ecKey().getKeyID(),
            TestOidcIssuer.signer(other));
    Path tokenFile = Files.writeString(dir.resolve("token"), forged);
    useEnv(Map.of());
    Cli sign =
        Cli.run(
            "artifact",
            "sign",
            "--key",
            ref,
            "--identity-token",
            tokenFile.toString(),
            "--output-signature",
            dir.resolve("x.sig").toString(),
            file.toString());
    assertThat(sign.exitCode()).as(sign.err()).isEqualTo(ExitCode.KEY);
    assertThat(sign.errLines()).hasSize(1);
    assertThat(sign.err()).contains(ref).contains("HTTP 401");
    assertThat(sign.err()).doesNotContain(forged).doesNotContain(forged.substring(0, 40));
  }

  @Test
  void noIdentityAtAllIsAKeyError() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "noid");
    Path file = Files.writeString(dir.resolve("x"), "x");
    useEnv(Map.of());
    Cli sign = Cli.run("artifact", "sign", "--key", ref, file.toString());
    assertThat(sign.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(sign.err()).contains("no identity").contains("--identity-token");
  }

  @Test
  void anUntrustedServerCertificateIsRefused() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "tls");
    KeyRefs.env = Map::of; // no SIGNET_SERVER_CA: the self-signed certificate is not trusted
    Cli pub = Cli.run("key", "public", ref, "--output", dir.resolve("p.json").toString());
    assertThat(pub.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(pub.err()).contains("TLS");
  }

  // ---- helpers ----

  private static void assertAuditVerifies(Path receipt, Path entry, Path dir) throws Exception {
    String receiptJson = Files.readString(receipt);
    JsonObject r = (JsonObject) JsonReader.withDefaultLimits().parse(receiptJson, "receipt");
    Path checkpoint =
        Files.writeString(
            Files.createTempFile(dir, "checkpoint", ".txt"),
            ((JsonString) r.get("checkpoint")).value());
    String vkey = context.get().auditLog().logKey().format();
    Cli audit =
        Cli.run(
            "audit",
            "verify",
            "--log-key",
            vkey,
            "--checkpoint",
            checkpoint.toString(),
            "--receipt",
            receipt.toString(),
            "--entry",
            entry.toString());
    assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
  }

  private static String withoutSignatures(String yaml) {
    return yaml.replaceAll("(value:\\s*)\\S+", "$1SIG");
  }

  private static String githubToken(String gitRef) {
    Map<String, Object> claims = new HashMap<>(issuer.githubClaims(audience, Instant.now()));
    claims.put("ref", gitRef);
    return issuer.mintEs256(claims);
  }

  private static void useEnv(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("SIGNET_SERVER_CA", tmp.resolve("data").resolve("tls.crt").toString());
    Map<String, String> copy = Map.copyOf(env);
    KeyRefs.env = () -> copy;
  }

  private static Map<String, String> githubEnv(HttpServer github) {
    return Map.of(
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "http://127.0.0.1:" + github.getAddress().getPort() + "/token?api-version=2.0",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "gh-request-secret");
  }

  /** Answers as GitHub's ACTIONS_ID_TOKEN_REQUEST_URL does: a fresh ID token per request. */
  private static HttpServer githubEndpoint(
      AtomicInteger calls, AtomicReference<String> seenAudience, String gitRef) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext(
        "/token",
        ex -> {
          String query = ex.getRequestURI().getRawQuery();
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          int status = 200;
          String body;
          if (!"bearer gh-request-secret".equals(auth)
              || query == null
              || !query.startsWith("api-version=2.0&audience=")) {
            status = 401;
            body = "{\"message\":\"bad request token\"}";
          } else {
            String aud =
                java.net.URLDecoder.decode(
                    query.substring("api-version=2.0&audience=".length()), StandardCharsets.UTF_8);
            seenAudience.set(aud);
            calls.incrementAndGet();
            Map<String, Object> claims = new HashMap<>(issuer.githubClaims(aud, Instant.now()));
            claims.put("ref", gitRef);
            body = "{\"count\":1,\"value\":\"" + issuer.mintEs256(claims) + "\"}";
          }
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, b.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
          }
        });
    s.start();
    return s;
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> r = http("GET", path, null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private static HttpResponse<String> http(String method, String path, String body, String bearer)
      throws Exception {
    return http(audience, tmp.resolve("data").resolve("tls.crt"), method, path, body, bearer);
  }

  /** A request to the server at {@code base} whose certificate is the PEM file {@code ca}. */
  private static HttpResponse<String> http(
      String base, Path ca, String method, String path, String body, String bearer)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try (HttpClient c = HttpClient.newBuilder().sslContext(trusting(ca)).build()) {
      return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private static SSLContext trusting(Path ca) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(ca)) {
      ks.setCertificateEntry(
          "server",
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
