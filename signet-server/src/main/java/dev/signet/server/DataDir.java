package dev.signet.server;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * The data directory ({@code ./signet-data} by default, mode 0700): the master key, the generated
 * TLS certificate and key, and the embedded H2 database. First-start creation happens under a lock
 * file, so processes sharing a directory never see half-made material, and every secret file is
 * created with mode 0600 and linked into place atomically (never overwriting).
 */
final class DataDir {
  static final String MASTER_KEY = "master.key";
  static final String TLS_CERT = "tls.crt";
  static final String TLS_KEY = "tls.key";
  static final String DATABASE = "db";
  static final int MASTER_KEY_BYTES = 32;

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  /** File locks are per process; threads of one process (tests) are ordered by this one. */
  private static final ReentrantLock IN_PROCESS = new ReentrantLock();

  private final Path dir;

  DataDir(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  Path path() {
    return dir;
  }

  Path resolve(String name) {
    return dir.resolve(name);
  }

  /** The JDBC URL of the embedded database. */
  String h2Url() {
    // DB_CLOSE_ON_EXIT=FALSE: the server closes the pool itself after draining requests; H2's own
    // shutdown hook would close the database under requests still in flight.
    return "jdbc:h2:file:"
        + dir.resolve(DATABASE).resolve("signet")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";
  }

  /** Generated or read material of a start. */
  record Material(
      @Nullable SecretKey masterKey, boolean createdMasterKey, boolean createdCertificate) {}

  /**
   * Creates the directory, master key (when {@code masterKeyFile}: not when the master key is in an
   * HSM) and (when {@code selfSigned}) TLS certificate if missing, checks the modes of what exists,
   * and returns the master key.
   */
  Material prepare(boolean selfSigned, boolean masterKeyFile) throws ServerException {
    IN_PROCESS.lock();
    try {
      createDirectory();
      try (FileChannel lockFile =
              FileChannel.open(
                  dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = lockFile.lock()) {
        if (!lock.isValid()) {
          throw new ServerException("cannot lock data directory " + dir);
        }
        boolean createdKey = false;
        SecretKey masterKey = null;
        if (masterKeyFile) {
          Path keyFile = dir.resolve(MASTER_KEY);
          if (!Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
            byte[] key = new byte[MASTER_KEY_BYTES];
            new SecureRandom().nextBytes(key);
            createdKey = writeSecret(keyFile, key);
            java.util.Arrays.fill(key, (byte) 0);
          }
          byte[] raw = readMasterKey(keyFile);
          masterKey = new SecretKeySpec(raw, "AES");
          java.util.Arrays.fill(raw, (byte) 0);
        }
        boolean createdCert = false;
        if (selfSigned && !Files.exists(dir.resolve(TLS_CERT))) {
          createSelfSigned();
          createdCert = true;
        }
        if (selfSigned) {
          checkOwnerOnly(dir.resolve(TLS_KEY), "TLS key");
        }
        return new Material(masterKey, createdKey, createdCert);
      }
    } catch (IOException e) {
      throw new ServerException("cannot prepare data directory " + dir + ": " + e.getMessage(), e);
    } finally {
      IN_PROCESS.unlock();
    }
  }

  private void createDirectory() throws ServerException {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
      if (mode.contains(PosixFilePermission.OTHERS_WRITE)
          || mode.contains(PosixFilePermission.GROUP_WRITE)) {
        throw new ServerException(
            "data directory "
                + dir
                + " has mode "
                + octal(mode)
                + "; it must not be writable by group or others (chmod 700)");
      }
    } catch (IOException e) {
      throw new ServerException("cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private byte[] readMasterKey(Path keyFile) throws ServerException, IOException {
    checkOwnerOnly(keyFile, "master key file");
    if (Files.size(keyFile) != MASTER_KEY_BYTES) {
      throw new ServerException(
          "master key file " + keyFile + " is not " + MASTER_KEY_BYTES + " bytes long");
    }
    return Files.readAllBytes(keyFile);
  }

  /** Refuses a secret file that group or others may read: it has been exposed, or will be. */
  static void checkOwnerOnly(Path file, String what) throws ServerException {
    try {
      if (Files.isSymbolicLink(file) || !Files.isRegularFile(file)) {
        throw new ServerException(what + " " + file + " is not a regular file");
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : mode) {
        if (GROUP_OR_OTHERS.contains(p)) {
          throw new ServerException(
              what
                  + " "
                  + file
                  + " has mode "
                  + octal(mode)
                  + "; it must be readable by its owner only (chmod 600)");
        }
      }
    } catch (IOException e) {
      throw new ServerException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |=
          switch (p) {
            case OWNER_READ -> 0400;
            case OWNER_WRITE -> 0200;
            case OWNER_EXECUTE -> 0100;
            case GROUP_READ -> 040;
            case GROUP_WRITE -> 020;
            case GROUP_EXECUTE -> 010;
            case OTHERS_READ -> 04;
            case OTHERS_WRITE -> 02;
            case OTHERS_EXECUTE -> 01;
          };
    }
    return String.format(java.util.Locale.ROOT, "%04o", bits);
  }

  /**
   * Writes {@code content} to a fresh 0600 temp file, then hard-links it to {@code target}: the
   * file appears whole or not at all, and an existing one is never replaced.
   *
   * @return false if {@code target} already existed
   */
  private boolean writeSecret(Path target, byte[] content) throws IOException {
    Path tmp =
        Files.createTempFile(
            dir, ".tmp-", ".part", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE);
          FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        out.write(content);
        out.flush();
        ch.force(true);
      }
      try {
        Files.createLink(target, tmp);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private void createSelfSigned() throws ServerException, IOException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = g.generateKeyPair();
      X500Name name = new X500Name("CN=localhost,O=Signet server (self-signed)");
      Instant now = Instant.now();
      byte[] serial = new byte[16];
      new SecureRandom().nextBytes(serial);
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(1, serial),
              Date.from(now.minusSeconds(300)),
              Date.from(now.plus(ServerLimits.SELF_SIGNED_VALIDITY)),
              name,
              kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")
              }));
      X509CertificateHolder cert =
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
      // The key goes first: a certificate without its key would make the next start fail.
      writeSecret(dir.resolve(TLS_KEY), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
      Path certTmp = Files.createTempFile(dir, ".tmp-", ".crt");
      try {
        Files.write(certTmp, pem("CERTIFICATE", cert.getEncoded()));
        Files.setPosixFilePermissions(certTmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createLink(dir.resolve(TLS_CERT), certTmp);
      } finally {
        Files.deleteIfExists(certTmp);
      }
    } catch (java.security.GeneralSecurityException | OperatorCreationException e) {
      throw new ServerException("cannot create the TLS certificate: " + e.getMessage(), e);
    }
  }

  static byte[] pem(String type, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
