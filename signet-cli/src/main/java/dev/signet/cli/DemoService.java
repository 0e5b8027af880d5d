package dev.signet.cli;

import dev.signet.client.PolicyDeniedException;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.job.Job;
import dev.signet.job.JobExpander;
import dev.signet.job.JobVerdict;
import dev.signet.job.JobVerifier;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.KeySet;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineParser;
import dev.signet.server.ServerModules;
import dev.signet.server.SignetServer;
import dev.signet.tlog.Receipt;
import java.io.IOException;
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
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The demo's signing-service part (issue 4 §7): a real server in-process (H2, HTTPS with its
 * generated certificate) and a stand-in Buildkite OIDC issuer on 127.0.0.1; the sample pipeline is
 * signed through the service with a token for branch {@code main} by the code of {@code pipeline
 * sign --signing-key signet://…}, its jobs verify with the project's published JWKS, a token for
 * another branch is refused and the refusal is logged, and the receipt is checked offline by the
 * code of {@code signet audit verify}, which then refuses a log with one byte changed.
 */
final class DemoService {
  static final String PROJECT = "widgets";
  static final String KEY = "pipelines";
  static final String RULE = "main-only";
  static final String AUDIENCE = "signet-demo";
  static final String DENIED_BRANCH = "feature/x";

  // The demo talks to its own server, but reads stay bounded all the same.
  private static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;
  private static final int MAX_LOG_PAGES = 64;
  private static final int RECENT_LEAVES = 8;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern ADMIN_TOKEN =
      Pattern.compile("admin token \\(shown once; store it now\\): (\\S+)");

  private final CommandSpec spec;
  private final PrintWriter out;
  private final List<String[]> rows;

  DemoService(CommandSpec spec, PrintWriter out, List<String[]> rows) {
    this.spec = spec;
    this.out = out;
    this.rows = rows;
  }

  /**
   * Runs steps 6 to 10 in {@code demoDir/service}; true when every outcome was the expected one.
   */
  boolean run(Path demoDir, Path pipelineFile) throws Exception {
    // The server and Helidon log every request at INFO on stderr; the demo tells its own story,
    // so only warnings get through while it runs. Held here: JUL keeps loggers weakly.
    Logger helidon = Logger.getLogger("io.helidon");
    Logger signet = Logger.getLogger("dev.signet");
    @Nullable Level helidonLevel = helidon.getLevel();
    @Nullable Level signetLevel = signet.getLevel();
    helidon.setLevel(Level.WARNING);
    signet.setLevel(Level.WARNING);
    try {
      return runQuietly(demoDir, pipelineFile);
    } finally {
      helidon.setLevel(helidonLevel);
      signet.setLevel(signetLevel);
    }
  }

  private boolean runQuietly(Path demoDir, Path pipelineFile) throws Exception {
    Path dir = Files.createDirectories(demoDir.resolve("service"));
    heading(
        "6. Start a signing service: a Signet server and a CI's OIDC issuer, both on 127.0.0.1");
    try (DemoOidcIssuer issuer = DemoOidcIssuer.start()) {
      out.println(
          "   OIDC issuer (Buildkite's stand-in, an ES256 key made just now) at "
              + issuer.issuer());
      Path config = Files.writeString(dir.resolve("signet.yaml"), config(issuer.issuer()));
      out.println("   starting the server (H2 database, HTTPS, a free port): a few seconds…");
      out.flush();
      long started = System.nanoTime();
      StringWriter printed = new StringWriter();
      SignetServer server =
          SignetServer.start(
              new SignetServer.Options(
                  config,
                  dir.resolve("data"),
                  "127.0.0.1:0",
                  null,
                  false,
                  Map.of(),
                  new PrintWriter(printed, true),
                  false,
                  ServerModules.defaults()));
      try {
        out.printf(
            Locale.ROOT,
            "   listening on https://127.0.0.1:%d after %.1f s; clients trust its generated"
                + " certificate service/data/tls.crt (as SIGNET_SERVER_CA)%n",
            server.port(),
            (System.nanoTime() - started) / 1e9);
        return steps(server, issuer, demoDir, printed.toString(), pipelineFile);
      } finally {
        heading("10. Stop the service");
        long stopping = System.nanoTime();
        server.close();
        out.printf(
            Locale.ROOT,
            "   stopped in %.1f s: requests drained, audit log committed, database closed%n",
            (System.nanoTime() - stopping) / 1e9);
        out.flush();
      }
    }
  }

  private boolean steps(
      SignetServer server, DemoOidcIssuer issuer, Path demoDir, String printed, Path pipelineFile)
      throws Exception {
    Path dir = demoDir.resolve("service");
    Path ca = server.dataDir().resolve("tls.crt");
    Https https = new Https("https://127.0.0.1:" + server.port(), ca);
    Matcher m = ADMIN_TOKEN.matcher(printed);
    if (!m.find()) {
      throw unavailable("the server printed no admin token on its first start");
    }
    String adminToken = m.group(1);
    out.println(
        "   policy (service/signet.yaml): project "
            + PROJECT
            + " signs pipelines with key "
            + KEY
            + " only for Buildkite organisation "
            + DemoOidcIssuer.ORGANIZATION_SLUG
            + ", pipeline "
            + DemoOidcIssuer.PIPELINE_SLUG
            + ", branch main");
    Answer created =
        https.send(
            "POST",
            "/v1/admin/projects/" + PROJECT + "/keys",
            "{\"key\":\"" + KEY + "\",\"algorithm\":\"EdDSA\"}",
            adminToken);
    created.expect(201, "creating the project key");
    out.println(
        "   admin API (the admin token of the first start; not shown): key "
            + KEY
            + " created in custody, kid "
            + member(object(created.body(), "the key"), "kid"));
    // The log key is taken now, before anything is signed: a verifier gets it out of band.
    String logKey = https.get("/v1/audit/log-key").strip();

    heading("7. Sign the pipeline through the service with a Buildkite OIDC token for branch main");
    KeyRef.Service ref = new KeyRef.Service("127.0.0.1", server.port(), PROJECT, KEY);
    Map<String, String> env =
        Map.of("SIGNET_SERVER_CA", ca.toString(), "SIGNET_AUDIENCE", AUDIENCE);
    Path signedFile = dir.resolve("pipeline.signed.yml");
    Path mainToken = tokenFile(dir, "token-main.jwt", issuer.mint(AUDIENCE, "main", Instant.now()));
    out.println(
        "   $ signet pipeline sign pipeline.yml --signing-key "
            + ref.display()
            + " --identity-token service/token-main.jwt --repo "
            + DemoCommand.REPO
            + " --output service/pipeline.signed.yml");
    StringWriter status = new StringWriter();
    ServicePipelines.sign(
        ref,
        options(mainToken),
        env,
        pipelineFile.toString(),
        DemoCommand.REPO,
        "yaml",
        signedFile,
        spec,
        new PrintWriter(status, true));
    status.toString().lines().map(l -> "   " + relative(l, demoDir)).forEach(out::println);

    Path receiptFile = dir.resolve("pipeline.signed.yml.receipt.json");
    Path entryFile = ServiceOptions.entryPath(receiptFile);
    Receipt receipt = Receipt.parse(Files.readString(receiptFile), receiptFile.toString());
    JsonObject signedEntry = object(Files.readString(entryFile), entryFile.toString());
    JsonObject policy = object(signedEntry.get("policy"), "the audit entry's policy");
    out.println(
        "   decision: "
            + member(policy, "decision")
            + " by rule \""
            + member(policy, "rule")
            + "\" under policy "
            + abbreviate(member(policy, "versionSha256")));
    String[] note = receipt.checkpoint().split("\n", 4);
    out.println(
        "   receipt: leaf "
            + receipt.leafIndex()
            + " of "
            + receipt.treeSize()
            + ", inclusion proof of "
            + receipt.inclusionProof().size()
            + (receipt.inclusionProof().size() == 1 ? " hash" : " hashes")
            + ", checkpoint \""
            + note[0]
            + " / "
            + note[1]
            + " / "
            + note[2]
            + "\" signed by the log key");

    Path jwks =
        Files.writeString(dir.resolve("jwks.json"), https.get(projectPath("/jwks.json")) + "\n");
    KeySet published = KeySet.parse(Files.readString(jwks), jwks.toString());
    Pipeline signed =
        PipelineParser.parse(
            Files.readString(signedFile), signedFile.toString(), InputLimits.DEFAULT);
    List<Job> jobs = JobExpander.expand(signed, DemoCommand.REPO, Map.of());
    JobVerifier verifier =
        new JobVerifier(published.verificationKeys(), JobVerifier.FailureBehavior.BLOCK);
    int verified = 0;
    for (Job j : jobs) {
      JobVerdict v = verifier.verify(j);
      verified += v instanceof JobVerdict.Verified ? 1 : 0;
    }
    boolean agentsOk = verified == jobs.size() && !jobs.isEmpty();
    out.println(
        "   agents fetch GET /v1/projects/"
            + PROJECT
            + "/jwks.json (kid "
            + published.describe().getFirst().keyId()
            + "): "
            + (agentsOk ? "✅ " : "‼️ ")
            + verified
            + " of "
            + jobs.size()
            + " jobs of the service-signed pipeline verified");
    rows.add(
        row(
            "service: sign from main",
            verified + " of " + jobs.size() + " jobs verified (service key)",
            agentsOk));

    heading("8. Ask again with a token for branch " + DENIED_BRANCH);
    Path deniedFile = dir.resolve("pipeline.feature.yml");
    Path featureToken =
        tokenFile(dir, "token-feature.jwt", issuer.mint(AUDIENCE, DENIED_BRANCH, Instant.now()));
    @Nullable String denial = null;
    try {
      ServicePipelines.sign(
          ref,
          options(featureToken),
          env,
          pipelineFile.toString(),
          DemoCommand.REPO,
          "yaml",
          deniedFile,
          spec,
          new PrintWriter(new StringWriter(), true));
    } catch (KeyException e) {
      if (!(e.getCause() instanceof PolicyDeniedException)) {
        throw e;
      }
      denial = e.getMessage();
    }
    boolean deniedOk =
        denial != null
            && denial.contains("claim build_branch \"" + DENIED_BRANCH + "\"")
            && !Files.exists(deniedFile);
    out.println("   " + (deniedOk ? "⛔ " : "‼️ NOT DENIED ") + "signet: " + denial);
    String checkpoint = https.get("/v1/audit/checkpoint");
    long size = checkpointSize(checkpoint);
    // The refusal is not necessarily the last leaf: the CLI revokes its session after it.
    long from = Math.max(0, size - RECENT_LEAVES);
    List<String> recent =
        https.get("/v1/audit/entries?start=" + from + "&end=" + size).strip().lines().toList();
    @Nullable JsonObject denied = null;
    long deniedIndex = -1;
    for (int i = recent.size() - 1; i >= 0 && denied == null; i--) {
      JsonObject e = object(recent.get(i), "audit entry " + (from + i));
      if ("DENIED".equals(member(e, "type"))) {
        denied = e;
        deniedIndex = from + i;
      }
    }
    boolean loggedOk = denied != null;
    if (denied != null) {
      JsonObject deniedPolicy = object(denied.get("policy"), "the DENIED audit entry's policy");
      out.println(
          "   the refusal is itself leaf "
              + deniedIndex
              + " of the audit log: DENIED, decision "
              + member(deniedPolicy, "decision")
              + ", reason "
              + member(deniedPolicy, "reason"));
    }
    rows.add(
        row("service: sign from " + DENIED_BRANCH, deniedOk ? "denied" : "NOT DENIED", deniedOk));
    rows.add(
        row(
            "service: the denial is logged",
            loggedOk ? "leaf " + deniedIndex + " (DENIED)" : "NOT LOGGED",
            loggedOk));

    heading("9. Verify the receipt offline, as anyone holding it can");
    Path audit = Files.createDirectories(dir.resolve("audit"));
    Path vkey = Files.writeString(audit.resolve("log.vkey"), logKey + "\n");
    Path checkpointFile = Files.writeString(audit.resolve("checkpoint"), checkpoint);
    Path entries = Files.writeString(audit.resolve("log.jsonl"), entries(https, size));
    Path proof =
        Files.writeString(
            audit.resolve("consistency.json"),
            https.get("/v1/audit/proof/consistency?from=" + receipt.treeSize() + "&to=" + size));
    out.println(
        "   fetched into service/audit: the log ("
            + size
            + " entries, JSON Lines), the latest checkpoint, a consistency proof from size "
            + receipt.treeSize()
            + " to "
            + size
            + "; the log key was saved before signing");
    List<String> verify =
        List.of(
            "audit",
            "verify",
            "--log-key",
            vkey.toString(),
            "--checkpoint",
            checkpointFile.toString(),
            "--entries",
            entries.toString(),
            "--receipt",
            receiptFile.toString(),
            "--entry",
            entryFile.toString(),
            "--consistency-proof",
            proof.toString());
    out.println("   $ signet " + relative(String.join(" ", verify), demoDir));
    Run good = audit(verify);
    boolean receiptOk = good.exit() == ExitCode.OK;
    out.println("   " + (receiptOk ? "✅ " : "‼️ ") + relative(good.text(), demoDir));
    rows.add(row("service: receipt offline", receiptOk ? "verified" : "NOT VERIFIED", receiptOk));

    // One byte of the signing leaf changed in the export: the log no longer recomputes.
    Path tamperedLog = audit.resolve("log.tampered.jsonl");
    Files.write(tamperedLog, flipOneByte(Files.readAllBytes(entries), receipt.leafIndex()));
    List<String> tamperedArgs = new ArrayList<>(verify);
    tamperedArgs.set(tamperedArgs.indexOf(entries.toString()), tamperedLog.toString());
    Run tampered = audit(tamperedArgs);
    boolean tamperOk = tampered.exit() == ExitCode.REFUSED;
    out.println(
        "   one byte of leaf "
            + receipt.leafIndex()
            + " changed in the exported log: "
            + (tamperOk ? "⛔ " : "‼️ NOT REFUSED ")
            + relative(tampered.text(), demoDir));
    rows.add(row("service: tampered log export", tamperOk ? "refused" : "NOT REFUSED", tamperOk));

    // The same byte changed in the audit entry kept beside the receipt: the proof no longer binds.
    Path tamperedEntry = audit.resolve("audit-entry.tampered.json");
    Files.write(tamperedEntry, flipOneByte(Files.readAllBytes(entryFile), 0));
    List<String> entryArgs = new ArrayList<>(verify);
    int at = entryArgs.indexOf("--entries");
    entryArgs.subList(at, at + 2).clear();
    entryArgs.set(entryArgs.indexOf(entryFile.toString()), tamperedEntry.toString());
    Run forged = audit(entryArgs);
    boolean entryOk = forged.exit() == ExitCode.REFUSED;
    out.println(
        "   the same byte changed in the kept audit entry: "
            + (entryOk ? "⛔ " : "‼️ NOT REFUSED ")
            + relative(forged.text(), demoDir));
    rows.add(row("service: tampered audit entry", entryOk ? "refused" : "NOT REFUSED", entryOk));

    return agentsOk && deniedOk && loggedOk && receiptOk && tamperOk && entryOk;
  }

  private static String config(String issuerUrl) {
    return String.format(
        Locale.ROOT,
        """
        # The demo's signing service: one issuer (a stand-in for Buildkite's, on plain HTTP on
        # loopback), one project whose only rule admits pipeline signing from branch main.
        issuers:
          buildkite:
            issuer: %s
            audience: %s
            allowInsecureLoopback: true
            pins: { organization_id: "%s" }
        projects:
          %s:
            keys: [%s]
            operations: [pipeline]
            rules:
              - name: %s
                oidc:
                  issuer: buildkite
                  claims:
                    organization_id: "%s"
                    pipeline_slug: %s
                    build_branch: main
        audit:
          origin: signet-demo/audit
        """,
        issuerUrl,
        AUDIENCE,
        DemoOidcIssuer.ORGANIZATION_ID,
        PROJECT,
        KEY,
        RULE,
        DemoOidcIssuer.ORGANIZATION_ID,
        DemoOidcIssuer.PIPELINE_SLUG);
  }

  private static ServiceOptions options(Path identityToken) {
    ServiceOptions o = new ServiceOptions();
    o.identityToken = identityToken;
    return o;
  }

  /** A token file as CI hands one over: owner-only, never printed. */
  private static Path tokenFile(Path dir, String name, String token) throws OutputException {
    Path p = dir.resolve(name);
    AtomicFiles.createNew(p, token + "\n", true);
    return p;
  }

  /** The whole log, page by page ({@code X-Audit-Next}). */
  private static String entries(Https https, long size) throws KeyException {
    StringBuilder all = new StringBuilder();
    long start = 0;
    for (int page = 0; start < size; page++) {
      if (page == MAX_LOG_PAGES) {
        throw unavailable("the audit log has more than " + MAX_LOG_PAGES + " pages");
      }
      Answer a = https.send("GET", "/v1/audit/entries?start=" + start + "&end=" + size, null, null);
      a.expect(200, "GET /v1/audit/entries");
      all.append(a.body());
      String next = a.next();
      if (next == null || !next.matches("\\d{1,19}") || Long.parseLong(next) <= start) {
        break;
      }
      start = Long.parseLong(next);
    }
    return all.toString();
  }

  /** The export with one byte of leaf {@code index} changed (its first digit). */
  private static byte[] flipOneByte(byte[] log, long index) throws KeyException {
    int line = 0;
    for (int i = 0; i < log.length; i++) {
      if (line == index && Character.isDigit(log[i])) {
        log[i] = (byte) (log[i] == '9' ? '8' : log[i] + 1);
        return log;
      }
      if (log[i] == '\n') {
        line++;
      }
    }
    throw unavailable("the exported log has no leaf " + index);
  }

  private record Run(int exit, String text) {}

  /** {@code signet audit verify}, run as the command line runs it. */
  private static Run audit(List<String> args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int exit =
        Main.run(args.toArray(String[]::new), new PrintWriter(o, true), new PrintWriter(e, true));
    String text = (o.toString() + e.toString()).strip();
    return new Run(exit, text.lines().findFirst().orElse("(no output)"));
  }

  private static long checkpointSize(String note) throws KeyException {
    String[] lines = note.split("\n", 3);
    if (lines.length < 3 || !lines[1].matches("\\d{1,19}")) {
      throw unavailable("the server's checkpoint has no size line");
    }
    return Long.parseLong(lines[1]);
  }

  private static JsonObject object(@Nullable JsonValue v, String what) throws InputException {
    if (v instanceof JsonObject o) {
      return o;
    }
    throw new InputException(what, null, "is not a JSON object");
  }

  private static JsonObject object(String json, String what) throws InputException {
    return object(JsonReader.withDefaultLimits().parse(json, what), what);
  }

  private static String member(JsonObject o, String name) throws InputException {
    if (o.get(name) instanceof JsonString s) {
      return s.value();
    }
    throw new InputException("answer", name, "is missing or not a string");
  }

  private static String projectPath(String rest) {
    return "/v1/projects/" + PROJECT + rest;
  }

  private static String abbreviate(String version) {
    return version.length() > 19 ? version.substring(0, 19) + "…" : version;
  }

  /** Messages name files by absolute path; the demo shows them relative to its directory. */
  private static String relative(String line, Path demoDir) {
    return line.replace(demoDir + "/", "");
  }

  /** The demo's own server failed it: one line naming the step, exit 3 like any key service. */
  private static KeyException unavailable(String what) {
    return new KeyException(KeyException.Reason.UNAVAILABLE, "signet demo: service: " + what);
  }

  private static String[] row(String name, String outcome, boolean ok) {
    return new String[] {name, outcome, ok ? "ok" : "FAILED"};
  }

  private void heading(String text) {
    out.println();
    out.println(text);
    out.flush();
  }

  private record Answer(int status, String body, @Nullable String next) {
    void expect(int code, String what) throws KeyException {
      if (status != code) {
        // The server's error JSON names the problem; it never echoes a credential.
        throw unavailable(
            what + ": HTTP " + status + " " + body.replaceAll("\\p{Cntrl}+", " ").strip());
      }
    }
  }

  /** HTTPS to the demo's server, trusting exactly its generated certificate. */
  private static final class Https {
    private final String base;
    private final HttpClient client;

    Https(String base, Path certificate) throws IOException, GeneralSecurityException {
      this.base = base;
      this.client = LocalServerHttps.client(certificate, TIMEOUT);
    }

    String get(String path) throws KeyException {
      Answer a = send("GET", path, null, null);
      a.expect(200, "GET " + path);
      return a.body();
    }

    Answer send(String method, String path, @Nullable String body, @Nullable String bearer)
        throws KeyException {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(TIMEOUT)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      HttpResponse<InputStream> r;
      byte[] bytes;
      try {
        r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
          bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
        }
      } catch (IOException e) {
        throw unavailable(method + " " + path + ": " + e.getClass().getSimpleName());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unavailable(method + " " + path + ": interrupted");
      }
      if (bytes.length > MAX_ANSWER_BYTES) {
        throw unavailable(method + " " + path + ": answer larger than " + MAX_ANSWER_BYTES);
      }
      return new Answer(
          r.statusCode(),
          new String(bytes, StandardCharsets.UTF_8),
          r.headers().firstValue("X-Audit-Next").orElse(null));
    }
  }
}
