package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.ServerModule;
import dev.signet.server.ServerModules;
import dev.signet.server.SignetServer;
import dev.signet.server.audit.AuditEvent;
import dev.signet.server.audit.AuditLog;
import dev.signet.tlog.Receipt;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline check end to end: a running server (H2, real HTTPS) records events and hands out
 * receipts as the signing routes do; the log, its checkpoint and its key are fetched over HTTPS and
 * {@code signet audit verify} checks the full log, then every receipt against the latest checkpoint
 * with a consistency proof fetched from the API.
 */
class AuditServerEndToEndTest {
  @TempDir Path tmp;

  /** Stands in for the signing routes: appends an event, answers with leaf and receipt. */
  private static final ServerModule RECORDER =
      (context, routes) ->
          routes.post(
              "/v1/test/record",
              (ctx, req, res) -> {
                AuditLog.Appended a =
                    context
                        .auditLog()
                        .append(
                            new AuditEvent(
                                AuditEvent.Type.SIGNED,
                                Instant.now(),
                                ctx.requestId(),
                                "project-e2e",
                                null,
                                null,
                                "00".repeat(32),
                                null,
                                null,
                                null,
                                null,
                                Map.of()));
                res.send(
                    Base64.getEncoder().encodeToString(a.leaf()) + "\n" + a.receipt().toJson());
              });

  @Test
  void aLogFetchedOverHttpsVerifiesOfflineAndSoDoEveryReceipt() throws Exception {
    Path data = tmp.resolve("data");
    List<ServerModule> modules = new ArrayList<>(ServerModules.defaults());
    modules.add(RECORDER);
    SignetServer server =
        SignetServer.start(
            new SignetServer.Options(
                null,
                data,
                "127.0.0.1:0",
                null,
                false,
                Map.of(),
                new PrintWriter(new StringWriter()),
                false,
                modules));
    try {
      HttpClient client =
          HttpClient.newBuilder().sslContext(trusting(data.resolve("tls.crt"))).build();
      String base = "https://127.0.0.1:" + server.port();
      List<Path[]> receipts = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/test/record"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String leaf = r.body().substring(0, r.body().indexOf('\n'));
        String receipt = r.body().substring(r.body().indexOf('\n') + 1);
        Path e = Files.write(tmp.resolve("entry-" + i + ".json"), Base64.getDecoder().decode(leaf));
        Path rc = Files.writeString(tmp.resolve("receipt-" + i + ".json"), receipt);
        receipts.add(new Path[] {e, rc});
      }

      Path vkey =
          Files.writeString(tmp.resolve("log.vkey"), get(client, base + "/v1/audit/log-key"));
      String note = get(client, base + "/v1/audit/checkpoint");
      Path checkpoint = Files.writeString(tmp.resolve("checkpoint"), note);
      long size = Long.parseLong(note.split("\n")[1]);
      assertThat(size).isEqualTo(8); // SERVER_STARTED + 7
      Path entries =
          Files.writeString(
              tmp.resolve("log.jsonl"),
              get(client, base + "/v1/audit/entries?start=0&end=" + size));

      Cli full =
          Cli.run(
              "audit",
              "verify",
              "--log-key",
              vkey.toString(),
              "--checkpoint",
              checkpoint.toString(),
              "--entries",
              entries.toString());
      assertThat(full.exitCode()).as(full.err()).isZero();
      assertThat(full.out()).contains("Verified checkpoint").contains("8 entries recomputed");

      for (Path[] p : receipts) {
        long receiptSize = Receipt.parse(Files.readString(p[1]), "receipt").treeSize();
        Path proof =
            Files.writeString(
                tmp.resolve("proof-" + receiptSize + ".json"),
                get(
                    client,
                    base + "/v1/audit/proof/consistency?from=" + receiptSize + "&to=" + size));
        Cli r =
            Cli.run(
                "audit",
                "verify",
                "--log-key",
                vkey.toString(),
                "--checkpoint",
                checkpoint.toString(),
                "--receipt",
                p[1].toString(),
                "--entry",
                p[0].toString(),
                "--consistency-proof",
                proof.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
      }

      // A receipt does not vouch for another entry.
      long size3 = Receipt.parse(Files.readString(receipts.get(3)[1]), "receipt").treeSize();
      Cli wrong =
          Cli.run(
              "audit",
              "verify",
              "--log-key",
              vkey.toString(),
              "--checkpoint",
              receipts.get(3)[1].toString().replace("receipt-3.json", "checkpoint"),
              "--receipt",
              receipts.get(3)[1].toString(),
              "--entry",
              receipts.get(2)[0].toString(),
              "--consistency-proof",
              tmp.resolve("proof-" + size3 + ".json").toString());
      assertThat(wrong.exitCode()).isEqualTo(1);
      assertThat(wrong.errLines()).hasSize(1);
      assertThat(wrong.err()).contains("inclusion");
    } finally {
      server.close();
    }
  }

  private static String get(HttpClient client, String url) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  private static SSLContext trusting(Path certFile) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(certFile)) {
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
