package dev.signet.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import dev.signet.keys.KeySet;
import dev.signet.keys.VerifyingKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The running server with its master key and custody keys in a real SoftHSM2 token: no {@code
 * master.key} is written, keys created through the admin API are generated in the token and sign
 * digests that verify with the published JWKS, a restart keeps everything working, the audit log
 * key and the personal-data salt live under the token key, a database of another master key is
 * refused, and {@code /readyz} probes the token.
 */
class HsmServerTest {
  static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  static final String PIN = "hsm-user-pin-97531";
  static final String PIN_VAR = "SIGNET_TEST_HSM_PIN";
  static final JsonMapper JSON = JsonMapper.builder().build();

  static Path softhsm;

  @TempDir Path tmp;

  @BeforeAll
  static void softhsm() throws Throwable {
    if (!Files.isRegularFile(MODULE)) {
      fail("SoftHSM2 is needed: run `apt-get install -y softhsm2 opensc` (CI's .ci/run does)");
    }
    softhsm = Files.createTempDirectory("signet-server-hsm");
    Files.createDirectory(softhsm.resolve("tokens"));
    Path conf = softhsm.resolve("softhsm2.conf");
    Files.writeString(
        conf,
        "directories.tokendir = "
            + softhsm.resolve("tokens")
            + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
    setenv("SOFTHSM2_CONF", conf.toString());
    for (String token : List.of("srv", "other", "gone")) {
      initToken(token);
    }
  }

  @AfterAll
  static void cleanUp() throws Exception {
    deleteTree(softhsm);
  }

  // ---- the happy path ----

  @Test
  void hsmMasterKeyAndHsmKeysSignVerifyAndSurviveARestart() throws Exception {
    Path data = tmp.resolve("data");
    Path config = config("srv", "signet-master", "keys: hsm\n");
    String adminToken;
    String projectToken;
    String kid;
    String alice;
    byte[] digest = sha256("release-1.0.tar.gz");
    try (Running s = start(config, data, PIN)) {
      adminToken = s.adminToken();
      // The master key is in the token: nothing secret in the data directory.
      assertThat(data.resolve(DataDir.MASTER_KEY)).doesNotExist();
      HttpResponse<String> created =
          s.post(
              "/v1/admin/projects/payments/keys",
              adminToken,
              Map.of("key", "release", "algorithm", "ES256"));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      // custody.keys: hsm made it a token key without the body naming a backend.
      assertThat(created.body()).contains("\"backend\":\"pkcs11\"");
      HttpResponse<String> soft =
          s.post(
              "/v1/admin/projects/payments/keys",
              adminToken,
              Map.of("key", "soft", "algorithm", "ES256", "backend", "software"));
      assertThat(soft.statusCode()).as(soft.body()).isEqualTo(201);
      assertThat(soft.body()).contains("\"backend\":\"software\"");
      HttpResponse<String> issued =
          s.post(
              "/v1/admin/projects/payments/tokens",
              adminToken,
              Map.of("operations", List.of("digest"), "expiresIn", "P1D"));
      assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
      projectToken = json(issued).get("token").asString();
      kid = signAndVerify(s, projectToken, "release", digest);
      assertThat(kid).isEqualTo("release-v1");
      // The software key is sealed under the token's master key.
      signAndVerify(s, projectToken, "soft", digest);
      HttpResponse<String> ready = s.get("/readyz");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(json(ready).get("checks").get("hsm").asString()).isEqualTo("ok");
      assertThat(s.get("/metrics").body()).contains("signet_hsm_up 1.0");
      // The database holds the deployment secret sealed in the token (kind 2), not a key hash.
      String check =
          new dev.signet.server.store.ServerStore(s.context().database())
              .get(ServerCustody.MASTER_KEY_CHECK)
              .orElseThrow();
      assertThat(check).startsWith("pkcs11:");
      assertThat(Base64.getDecoder().decode(check.substring(7))).hasSize(18 + 32 + 16);
      alice = s.alice();
    }
    try (Running s = start(config, data, PIN)) {
      assertThat(s.stdout()).doesNotContain("admin token"); // the same database
      // The same salt after a restart: old audit entries stay matchable.
      assertThat(s.alice()).isEqualTo(alice);
      assertThat(data.resolve(DataDir.MASTER_KEY)).doesNotExist();
      assertThat(signAndVerify(s, projectToken, "release", digest)).isEqualTo(kid);
      assertThat(signAndVerify(s, projectToken, "soft", digest)).isEqualTo("soft-v1");
      HttpResponse<String> rotated =
          s.post("/v1/admin/projects/payments/keys/release/rotate", adminToken, Map.of());
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
      assertThat(signAndVerify(s, projectToken, "release", digest)).isEqualTo("release-v2");
    }
  }

  // ---- start failures ----

  @Test
  void wrongPinIsAOneLineStartErrorWithoutThePin() throws Exception {
    Path data = tmp.resolve("data");
    String wrong = "not-the-pin-24680";
    assertThatThrownBy(() -> start(config("srv", "signet-master", ""), data, wrong).close())
        .isInstanceOf(ServerException.class)
        .satisfies(e -> oneLineWithout(e, wrong))
        .hasMessageContaining("custody.hsm: master key: pkcs11:token=srv;object=signet-master")
        .hasMessageEndingWith("wrong PIN (CKR_PIN_INCORRECT for the PIN from env:" + PIN_VAR + ")");
    assertThat(data.resolve(DataDir.MASTER_KEY)).doesNotExist();
  }

  @Test
  void missingTokenIsAOneLineStartError() throws Exception {
    assertThatThrownBy(
            () -> start(config("no-such-token", "signet-master", ""), tmp.resolve("d"), PIN))
        .isInstanceOf(ServerException.class)
        .satisfies(e -> oneLineWithout(e, PIN))
        .hasMessageContaining("custody.hsm: master key: pkcs11:token=no-such-token")
        .hasMessageContaining("no token matches token=no-such-token");
  }

  @Test
  void unsetPinVariableIsNamed() throws Exception {
    Path config = config("srv", "signet-master", "");
    assertThatThrownBy(() -> start(config, tmp.resolve("d"), null))
        .isInstanceOf(ServerException.class)
        .hasMessage("custody.hsm.pin: the environment variable " + PIN_VAR + " is not set");
  }

  @Test
  void pinFromAFileWorks() throws Exception {
    Path pinFile = tmp.resolve("pin");
    Files.writeString(pinFile, PIN + "\n");
    Path config = tmp.resolve("file-pin.yaml");
    Files.writeString(
        config,
        """
        custody:
          hsm:
            library: %s
            token: srv
            pin: file:pin
            masterKey: signet-master
        """
            .formatted(MODULE));
    try (Running s = start(config, tmp.resolve("data"), null)) {
      assertThat(json(s.get("/readyz")).get("checks").get("hsm").asString()).isEqualTo("ok");
    }
  }

  @Test
  void aDatabaseOfAnotherMasterKeyIsRefused() throws Exception {
    Path data = tmp.resolve("data");
    try (Running s = start(config("srv", "master-a", ""), data, PIN)) {
      assertThat(s.adminToken()).isNotEmpty();
    }
    // Another AES key in the same token: the sealed deployment secret does not open.
    assertThatThrownBy(() -> start(config("srv", "master-b", ""), data, PIN).close())
        .isInstanceOf(ServerException.class)
        .satisfies(e -> oneLineWithout(e, PIN))
        .hasMessageContaining("does not match the database");
    // The software master key of the data directory: the kinds differ.
    assertThatThrownBy(() -> start(null, data, PIN).close())
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("initialised with an HSM master key");
    // The master.key that start made is gone again: it is no key of this database.
    assertThat(data.resolve(DataDir.MASTER_KEY)).doesNotExist();
    // And the other way round.
    Path soft = tmp.resolve("soft");
    try (Running s = start(null, soft, PIN)) {
      assertThat(soft.resolve(DataDir.MASTER_KEY)).exists();
    }
    assertThatThrownBy(() -> start(config("srv", "master-a", ""), soft, PIN).close())
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("initialised with a software master key");
    // The refused starts changed nothing: the first master key still opens its database.
    try (Running s = start(config("srv", "master-a", ""), data, PIN)) {
      assertThat(s.get("/readyz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void hsmKeysWithASoftwareMasterKey() throws Exception {
    Path data = tmp.resolve("data");
    Path config = tmp.resolve("keys-only.yaml");
    Files.writeString(
        config,
        """
        custody:
          hsm:
            library: %s
            token: srv
            pin: env:%s
            keyLabel: keys-only
        """
                .formatted(MODULE, PIN_VAR)
            + POLICY);
    try (Running s = start(config, data, PIN)) {
      assertThat(data.resolve(DataDir.MASTER_KEY)).exists();
      HttpResponse<String> created =
          s.post(
              "/v1/admin/projects/payments/keys",
              s.adminToken(),
              Map.of("key", "release", "algorithm", "ES256", "backend", "hsm"));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(created.body()).contains("\"backend\":\"pkcs11\"");
      HttpResponse<String> issued =
          s.post(
              "/v1/admin/projects/payments/tokens",
              s.adminToken(),
              Map.of("operations", List.of("digest"), "expiresIn", "P1D"));
      String projectToken = json(issued).get("token").asString();
      assertThat(signAndVerify(s, projectToken, "release", sha256("x"))).isEqualTo("release-v1");
      assertThat(json(s.get("/readyz")).get("checks").get("hsm").asString()).isEqualTo("ok");
    }
  }

  @Test
  void processesOnOnePostgresShareTheTokenMasterKey() throws Exception {
    TestServers.Db pg = TestServers.postgres().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(pg != null, "no test PostgreSQL configured");
    Path config = config("srv", "shared-master", "keys: hsm\n");
    if (pg.user() != null) {
      Files.writeString(
          config,
          "database:\n  user: " + pg.user() + "\n",
          java.nio.file.StandardOpenOption.APPEND);
    }
    try (Running a = start(config, tmp.resolve("a"), PIN, pg);
        Running b = start(config, tmp.resolve("b"), PIN, pg)) {
      assertThat(b.stdout()).doesNotContain("admin token"); // the first process printed it
      // The second process opened the deployment secret the first sealed: one salt.
      assertThat(b.alice()).isEqualTo(a.alice());
      HttpResponse<String> created =
          a.post(
              "/v1/admin/projects/payments/keys",
              a.adminToken(),
              Map.of("key", "release", "algorithm", "ES256"));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      HttpResponse<String> issued =
          a.post(
              "/v1/admin/projects/payments/tokens",
              a.adminToken(),
              Map.of("operations", List.of("digest"), "expiresIn", "P1D"));
      String projectToken = json(issued).get("token").asString();
      // A key generated in the token by one process signs on the other.
      assertThat(signAndVerify(b, projectToken, "release", sha256("pg"))).isEqualTo("release-v1");
    }
    Path other = config("srv", "other-master", "");
    if (pg.user() != null) {
      Files.writeString(
          other, "database:\n  user: " + pg.user() + "\n", java.nio.file.StandardOpenOption.APPEND);
    }
    assertThatThrownBy(() -> start(other, tmp.resolve("c"), PIN, pg).close())
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("does not match the database");
  }

  // ---- readiness ----

  @Test
  void readyzReportsTheHsmDownWhenTheTokenIsRemoved() throws Exception {
    try (Running s = start(config("gone", "signet-master", ""), tmp.resolve("data"), PIN)) {
      assertThat(s.get("/readyz").statusCode()).isEqualTo(200);
      // What an unplugged token or a wiped token store looks like to SoftHSM.
      Path tokenDir = tokenDirectory("gone");
      deleteTree(tokenDir);
      HttpResponse<String> r = s.get("/readyz");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      JsonNode checks = json(r).get("checks");
      assertThat(checks.get("hsm").asString()).isEqualTo("failed");
      assertThat(checks.get("database").asString()).isEqualTo("ok");
      assertThat(r.body()).doesNotContain(PIN);
      assertThat(s.get("/metrics").body()).contains("signet_hsm_up 0.0");
    }
  }

  // ---- helpers ----

  static final String POLICY =
      """
      projects:
        payments:
          keys: [release, soft]
          operations: [digest]
          rules:
            - name: ci
              operations: [digest]
              token: true
      """;

  Path config(String token, String masterKey, String extra) throws Exception {
    Path config = tmp.resolve("signet-" + token + "-" + masterKey + ".yaml");
    Files.writeString(
        config,
        "custody:\n"
            + (extra.isEmpty() ? "" : "  " + extra)
            + """
              hsm:
                library: %s
                token: %s
                pin: env:%s
                masterKey: %s
            """
                .formatted(MODULE, token, PIN_VAR, masterKey)
            + POLICY);
    return config;
  }

  record Running(SignetServer server, String stdout, HttpClient client, ServerContext context)
      implements AutoCloseable {
    /** The audit log's HMAC of a login under this server's personal-data salt. */
    String alice() {
      return context.personalData().protect("login", "alice");
    }

    String adminToken() {
      Matcher m = Pattern.compile("(signet_admin_[A-Za-z0-9_-]+)").matcher(stdout);
      assertThat(m.find()).as("admin token printed").isTrue();
      return m.group(1);
    }

    HttpResponse<String> get(String path) throws Exception {
      return client.send(
          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String bearer, Object body) throws Exception {
      return client.send(
          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + bearer)
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
      server.close();
    }
  }

  static Running start(@Nullable Path config, Path data, @Nullable String pin) throws Exception {
    return start(config, data, pin, null);
  }

  /** Keeps the context, for the personal-data salt and the database the server uses. */
  static final class Capture implements ServerModule {
    volatile @Nullable ServerContext context;

    @Override
    public void install(ServerContext c, dev.signet.server.http.Routes routes) {
      context = c;
    }
  }

  static Running start(
      @Nullable Path config, Path data, @Nullable String pin, TestServers.@Nullable Db db)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    if (pin != null) {
      env.put(PIN_VAR, pin);
    }
    if (db != null && db.password() != null) {
      env.put(ServerConfig.DEFAULT_PASSWORD_ENV, db.password());
    }
    StringWriter out = new StringWriter();
    Capture capture = new Capture();
    List<ServerModule> modules = new java.util.ArrayList<>(ServerModules.defaults());
    modules.add(capture);
    SignetServer s =
        SignetServer.start(
            new SignetServer.Options(
                config,
                data,
                "127.0.0.1:0",
                db == null ? null : db.url(),
                false,
                env,
                new PrintWriter(out, true),
                false,
                modules));
    try {
      return new Running(
          s,
          out.toString(),
          TestServers.client(data),
          java.util.Objects.requireNonNull(capture.context));
    } catch (Exception | Error e) {
      s.close();
      throw e;
    }
  }

  /** Signs {@code digest} with the project's key and verifies it with the published JWKS. */
  static String signAndVerify(Running s, String projectToken, String key, byte[] digest)
      throws Exception {
    HttpResponse<String> r =
        s.post(
            "/v1/projects/payments/sign/digest",
            projectToken,
            Map.of(
                "key",
                key,
                "digest",
                Map.of("algorithm", "sha256", "value", HexFormat.of().formatHex(digest))));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode signed = json(r);
    String kid = signed.get("kid").asString();
    byte[] sig = Base64.getDecoder().decode(signed.get("signature").asString());
    String jwks = s.get("/v1/projects/payments/jwks.json").body();
    for (VerifyingKey k : KeySet.parse(jwks, "jwks").verifyingKeys()) {
      if (kid.equals(k.keyId())) {
        assertThat(k.verifyDigest(digest, sig)).as("signature of " + kid).isTrue();
        assertThat(signed.get("receipt")).isNotNull();
        return kid;
      }
    }
    throw new AssertionError("no " + kid + " in " + jwks);
  }

  static void oneLineWithout(Throwable e, String secret) {
    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(secret);
  }

  static JsonNode json(HttpResponse<String> r) {
    return JSON.readTree(r.body());
  }

  static byte[] sha256(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
  }

  static void initToken(String label) throws Exception {
    Process p =
        new ProcessBuilder(
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                label,
                "--so-pin",
                "so-pin-13579",
                "--pin",
                PIN)
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  /** The SoftHSM directory of the token labelled {@code label}. */
  static Path tokenDirectory(String label) throws Exception {
    String padded = (label + " ".repeat(32)).substring(0, 32);
    try (Stream<Path> files = Files.walk(softhsm.resolve("tokens"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("token.object")).toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        if (text.contains(padded)) {
          return f.getParent();
        }
      }
    }
    throw new AssertionError("no SoftHSM token " + label);
  }

  static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  /** libc setenv: what SoftHSM's getenv sees at its next C_Initialize (Java cannot set env). */
  @SuppressWarnings("restricted")
  static void setenv(String name, String value) throws Throwable {
    Linker linker = Linker.nativeLinker();
    MethodHandle setenv =
        linker.downcallHandle(
            linker.defaultLookup().find("setenv").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    try (Arena a = Arena.ofConfined()) {
      assertThat((int) setenv.invokeExact(a.allocateFrom(name), a.allocateFrom(value), 1)).isZero();
    }
  }
}
