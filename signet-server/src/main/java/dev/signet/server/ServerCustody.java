package dev.signet.server;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.pkcs11.Pkcs11Keys;
import dev.signet.server.audit.AuditLogs;
import dev.signet.server.audit.PersonalData;
import dev.signet.server.custody.Custody;
import dev.signet.server.custody.CustodyException;
import dev.signet.server.custody.HsmMasterKey;
import dev.signet.server.custody.MasterKey;
import dev.signet.server.custody.SealBinding;
import dev.signet.server.custody.SoftwareMasterKey;
import dev.signet.server.http.ReadinessCheck;
import dev.signet.server.http.SignetMetrics;
import dev.signet.server.store.ServerStore;
import dev.signet.server.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The master key of a start, software ({@code master.key}) or an AES-256 key in a PKCS#11 token
 * ({@code custody.hsm.masterKey}), with what hangs off it: the check that the database was
 * initialised with this master key, the personal-data salt of the audit log, the token for HSM
 * custody keys, and the {@code /readyz} probe of that token.
 *
 * <p>An HSM master key never leaves the token, so nothing can be derived from its bytes. The
 * secrets a software master key yields by HMAC (the personal-data salt) come instead from a random
 * 32-byte deployment secret that the first start seals under the token key and stores as the
 * database's master-key check value: opening it proves the key is the database's, and yields the
 * secret on every process sharing the database.
 */
final class ServerCustody implements AutoCloseable {
  static final String MASTER_KEY_CHECK = "master_key_check";

  /** Prefix of the check value of a database initialised with an HSM master key. */
  static final String HSM_CHECK_PREFIX = "pkcs11:";

  /** The AAD of the sealed deployment secret: opens for this purpose only. */
  private static final SealBinding SECRET_BINDING =
      new SealBinding("_server", "deployment-secret", 1, Algorithm.EdDSA);

  private static final int SECRET_BYTES = 32;

  /** The PIN variable {@code Pkcs11Uri} reads: the configured variable's value is passed as it. */
  private static final String PKCS11_PIN_ENV = "SIGNET_PKCS11_PIN";

  private final MasterKey master;
  private final @Nullable SecretKey softwareKey;
  private final Custody.@Nullable HsmSlot hsm;
  private final String where;
  private final @Nullable Path createdKeyFile;
  private final Object probeLock = new Object();
  private @Nullable CompletableFuture<Void> probe; // guarded by probeLock

  private ServerCustody(
      MasterKey master,
      @Nullable SecretKey softwareKey,
      Custody.@Nullable HsmSlot hsm,
      String where,
      @Nullable Path createdKeyFile) {
    this.master = master;
    this.softwareKey = softwareKey;
    this.hsm = hsm;
    this.where = where;
    this.createdKeyFile = createdKeyFile;
  }

  /**
   * Opens the master key: the token's (generated there on the first start) when {@code
   * custody.hsm.masterKey} is set, else {@code fileKey} from the data directory.
   */
  static ServerCustody open(
      ServerConfig config, Map<String, String> env, DataDir.Material material, DataDir dir)
      throws ServerException {
    SecretKey fileKey = material.masterKey();
    ServerConfig.Hsm h = config.custody().hsm();
    Custody.HsmSlot slot = null;
    if (h != null) {
      Map<String, String> pinEnv = pinEnv(h, env);
      slot = new Custody.HsmSlot(reference(h, h.keyLabel()), pinEnv);
    }
    if (h == null || h.masterKey() == null) {
      if (fileKey == null) {
        throw new IllegalStateException("no master key file was read");
      }
      byte[] raw = fileKey.getEncoded();
      try {
        return new ServerCustody(
            SoftwareMasterKey.of(raw),
            fileKey,
            slot,
            "master key file " + dir.resolve(DataDir.MASTER_KEY),
            material.createdMasterKey() ? dir.resolve(DataDir.MASTER_KEY) : null);
      } catch (CustodyException e) {
        throw new ServerException(e.getMessage(), e);
      } finally {
        Arrays.fill(raw, (byte) 0);
      }
    }
    KeyRef.Pkcs11 ref = reference(h, java.util.Objects.requireNonNull(h.masterKey()));
    try {
      HsmMasterKey key = HsmMasterKey.open(ref, java.util.Objects.requireNonNull(slot).env(), true);
      return new ServerCustody(key, null, slot, "HSM master key " + ref.display(), null);
    } catch (CustodyException e) {
      throw new ServerException(
          config.source() + ": custody.hsm: " + pinSourceAsConfigured(oneLine(e.getMessage()), h),
          e);
    }
  }

  /**
   * The PKCS#11 layer names the variable it read the PIN from, which is ours, not the operator's:
   * say {@code env:VAR} as configured instead.
   */
  private static String pinSourceAsConfigured(String message, ServerConfig.Hsm h) {
    if (h.pin() instanceof ServerConfig.PinSource.Env e) {
      return message.replace("the PIN from " + PKCS11_PIN_ENV, "the PIN from env:" + e.variable());
    }
    return message;
  }

  /**
   * The PIN as the PKCS#11 layer reads it: a variable's value, or nothing (the file is in the URI).
   */
  private static Map<String, String> pinEnv(ServerConfig.Hsm h, Map<String, String> env)
      throws ServerException {
    return switch (h.pin()) {
      case ServerConfig.PinSource.Env e -> {
        String pin = env.get(e.variable());
        if (pin == null || pin.isEmpty()) {
          throw new ServerException(
              "custody.hsm.pin: the environment variable " + e.variable() + " is not set");
        }
        yield Map.of(PKCS11_PIN_ENV, pin);
      }
      case ServerConfig.PinSource.File f -> Map.of();
    };
  }

  /** {@code pkcs11:token=T;object=LABEL?module-path=…[&pin-source=file:…]}. */
  static KeyRef.Pkcs11 reference(ServerConfig.Hsm h, String label) {
    Map<String, String> path = new LinkedHashMap<>();
    if (h.token() != null) {
      path.put("token", h.token());
    } else {
      path.put("slot-id", Long.toString(java.util.Objects.requireNonNull(h.slot())));
    }
    path.put("object", label);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("module-path", h.library().toString());
    if (h.pin() instanceof ServerConfig.PinSource.File f) {
      query.put("pin-source", "file:" + f.path());
    }
    return new KeyRef.Pkcs11(path, query);
  }

  MasterKey masterKey() {
    return master;
  }

  Custody.@Nullable HsmSlot hsmSlot() {
    return hsm;
  }

  /**
   * Refuses a database initialised with another master key (or another kind of master key), and
   * returns the personal-data salt of this deployment. The first process to start on a database
   * records the check value; later ones compare with it.
   */
  PersonalData checkDatabase(ServerStore store) throws ServerException, StoreException {
    if (softwareKey != null) {
      String mine = keyCheck(softwareKey);
      String stored = store.putIfAbsent(MASTER_KEY_CHECK, mine);
      if (stored.startsWith(HSM_CHECK_PREFIX)) {
        forgetCreatedKeyFile();
        throw new ServerException(
            "the database was initialised with an HSM master key (custody.hsm.masterKey), but"
                + " this server uses the "
                + where);
      }
      if (!MessageDigest.isEqual(ascii(stored), ascii(mine))) {
        throw new ServerException(
            where
                + " does not match the database (every process on one database needs the same"
                + " master key)");
      }
      return AuditLogs.personalData(softwareKey);
    }
    byte[] secret = new byte[SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    try {
      String mine;
      try {
        mine =
            HSM_CHECK_PREFIX
                + Base64.getEncoder().encodeToString(master.seal(SECRET_BINDING, secret));
      } catch (CustodyException e) {
        throw new ServerException(where + ": " + oneLine(e.getMessage()), e);
      }
      String stored = store.putIfAbsent(MASTER_KEY_CHECK, mine);
      if (!stored.equals(mine)) {
        Arrays.fill(secret, (byte) 0);
        secret = openStored(stored);
      }
      return AuditLogs.personalData(new SecretKeySpec(secret, "HmacSHA256"));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /**
   * Deletes the {@code master.key} this start created for a database whose master key is in a
   * token: no process can ever use it with this database, and left behind it would look like the
   * key to back up.
   */
  private void forgetCreatedKeyFile() {
    if (createdKeyFile != null) {
      try {
        Files.deleteIfExists(createdKeyFile);
      } catch (IOException e) {
        // The refusal that follows says what is wrong; a stray file is only confusing.
      }
    }
  }

  /** The deployment secret another process (or an earlier start) sealed under the token key. */
  private byte[] openStored(String stored) throws ServerException {
    if (!stored.startsWith(HSM_CHECK_PREFIX)) {
      throw new ServerException(
          "the database was initialised with a software master key (master.key), but this server"
              + " is configured with the "
              + where
              + " (custody.hsm.masterKey); moving keys between master keys is not supported");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(stored.substring(HSM_CHECK_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new ServerException("the database's master key check value is malformed");
    }
    try {
      byte[] secret = master.open(SECRET_BINDING, blob);
      if (secret.length != SECRET_BYTES) {
        Arrays.fill(secret, (byte) 0);
        throw new ServerException("the database's master key check value is malformed");
      }
      return secret;
    } catch (CustodyException e) {
      if (e.reason() == CustodyException.Reason.UNSEAL_FAILED) {
        throw new ServerException(
            where
                + " does not match the database: it was initialised with another master key"
                + " (every process on one database needs the same token key)",
            e);
      }
      throw new ServerException(where + ": " + oneLine(e.getMessage()), e);
    }
  }

  /** A value that identifies a software master key without revealing it. */
  static String keyCheck(SecretKey key) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update("signet master key check v1\n".getBytes(StandardCharsets.US_ASCII));
      byte[] raw = key.getEncoded();
      try {
        return HexFormat.of().formatHex(d.digest(raw));
      } finally {
        Arrays.fill(raw, (byte) 0);
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The {@code hsm} check of {@code /readyz} when a token is configured: the token answers and
   * accepts the PIN ({@link Pkcs11Keys#probe}), and the master key object is still there and
   * confined. Runs on its own thread with a timeout: a hung token must not hang {@code /readyz},
   * and while a probe hangs no second one is started.
   */
  @Nullable ReadinessCheck readinessCheck(SignetMetrics metrics) {
    Custody.HsmSlot slot = hsm;
    if (slot == null) {
      return null;
    }
    return new ReadinessCheck() {
      @Override
      public String name() {
        return "hsm";
      }

      @Override
      public void check() throws ServerException {
        long start = System.nanoTime();
        boolean up = false;
        try {
          probe(slot);
          up = true;
        } finally {
          metrics.hsmProbe(up, System.nanoTime() - start);
        }
      }
    };
  }

  private void probe(Custody.HsmSlot slot) throws ServerException {
    CompletableFuture<Void> running;
    synchronized (probeLock) {
      if (probe != null && !probe.isDone()) {
        throw new ServerException("hsm: the previous probe has not returned yet");
      }
      running = new CompletableFuture<>();
      probe = running;
    }
    CompletableFuture<Void> result = running;
    Thread.ofPlatform()
        .daemon()
        .name("signet-hsm-probe")
        .start(() -> {
          try {
            Pkcs11Keys.probe(slot.token(), slot.env());
            if (master instanceof HsmMasterKey h) {
              h.probe();
            }
            result.complete(null);
          } catch (KeyException | CustodyException | RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    try {
      result.get(ServerLimits.HSM_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ServerException(
          "hsm: no answer from the token within "
              + ServerLimits.HSM_CHECK_TIMEOUT.toMillis()
              + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ServerException("hsm: " + oneLine(String.valueOf(cause.getMessage())), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerException("hsm: interrupted");
    }
  }

  /** Wipes (software) or releases (token) the master key. */
  @Override
  public void close() {
    master.close();
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
