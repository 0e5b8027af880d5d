package dev.signet.cli;

import dev.signet.client.ServiceClient;
import dev.signet.client.ServiceKey;
import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.keys.Algorithm;
import dev.signet.keys.CosignKeyFile;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.KeySet;
import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerificationKeys;
import dev.signet.keys.Verifier;
import dev.signet.keys.VerifyingKey;
import dev.signet.keys.kms.AwsKmsKeys;
import dev.signet.keys.kms.GcpKmsKeys;
import dev.signet.keys.kms.VaultKeys;
import dev.signet.keys.pkcs11.Pkcs11Keys;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns a key reference ({@code --signing-key}, {@code --verification-key}, {@code --key}) into a
 * key. Files are recognised by content: JWKS JSON, PEM {@code PUBLIC KEY} (cosign.pub), PEM {@code
 * PRIVATE KEY} (PKCS#8) and cosign.key; the other schemes go to their backend, one method each.
 * Every failure is a {@link KeyException} naming the reference, never its secrets.
 */
final class KeyRefs {

  private KeyRefs() {}

  /**
   * The environment key backends read (PKCS#11 module and PIN, KMS credentials and endpoints, Vault
   * address and token); tests replace it, since an in-process CLI cannot change its own.
   */
  static volatile java.util.function.Supplier<Map<String, String>> env = System::getenv;

  static Map<String, String> env() {
    return env.get();
  }

  static KeyRef parse(String ref, String flag) throws KeyException {
    if (ref == null || ref.isEmpty()) {
      throw new KeyException(KeyException.Reason.UNREADABLE, flag + " is empty");
    }
    return KeyRef.parse(ref);
  }

  // ---- signing ----

  /** The private key {@code ref} names, ready to sign. */
  static SigningKey signingKey(KeyRef ref, Map<String, String> env) throws KeyException {
    return signingKey(ref, env, null);
  }

  /**
   * As {@link #signingKey(KeyRef, Map)}; {@code rsa} (PS256 when null, or PS512) is the algorithm
   * for an RSA key in a PEM or cosign.key file, which, unlike a JWK, does not name one.
   */
  static SigningKey signingKey(KeyRef ref, Map<String, String> env, @Nullable Algorithm rsa)
      throws KeyException {
    return signingKey(ref, env, rsa, ServiceOptions.defaults(env, stderr()));
  }

  /**
   * As {@link #signingKey(KeyRef, Map, Algorithm)}, with the identity and approval settings a
   * {@code signet://} key uses (the command's {@link ServiceOptions}).
   */
  static SigningKey signingKey(
      KeyRef ref,
      Map<String, String> env,
      @Nullable Algorithm rsa,
      ServiceClient.Settings serviceSettings)
      throws KeyException {
    return switch (ref) {
      case KeyRef.File f -> fileSigningKey(f, env, rsa);
      case KeyRef.Pkcs11 p -> pkcs11(p, env);
      case KeyRef.AwsKms a -> awsKms(a, env);
      case KeyRef.GcpKms g -> gcpKms(g, env);
      case KeyRef.Vault v -> vault(v, env);
      case KeyRef.Service s -> service(s, serviceSettings);
    };
  }

  private static SigningKey fileSigningKey(
      KeyRef.File f, Map<String, String> env, @Nullable Algorithm rsa) throws KeyException {
    String path = f.path().toString();
    String text = read(f);
    if (isJson(text)) {
      return KeySet.parse(text, path).signingKey(f.keyId());
    }
    noKid(f, text, path);
    if (CosignKeyFile.isEncrypted(text)) {
      return cosignKey(f, text, env, rsa);
    }
    if (!isPrivatePem(text)) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          path + " is a public key (or not a key); signing needs the private key");
    }
    return PemKeys.readPrivateKey(text, path, rsa);
  }

  // ---- verification ----

  /**
   * The keys a JWS signature (pipeline step, job) is checked against. A JWKS selects by kid as
   * Buildkite does; a single key (PEM, cosign, HSM, KMS) also verifies kid-less headers, which is
   * what KMS-signed pipelines carry.
   */
  static VerificationKeys verificationKeys(KeyRef ref, Map<String, String> env, PrintWriter err)
      throws KeyException {
    if (ref instanceof KeyRef.File f && isJson(read(f))) {
      KeySet set = KeySet.parse(read(f), f.path().toString());
      warnIfPrivate(set, f.path().toString(), err);
      VerificationKeys all = set.verificationKeys();
      return f.keyId() == null ? all : onlyKid(all, f.keyId());
    }
    List<VerifyingKey> keys = publicKeys(ref, env, err);
    return keys.getFirst().asVerificationKeys();
  }

  /**
   * The public keys {@code ref} names, for artifact verification and {@code key public}: every
   * signature key of a JWKS (or the {@code #kid} one), or the public half of any other key.
   */
  static List<VerifyingKey> publicKeys(KeyRef ref, Map<String, String> env, PrintWriter err)
      throws KeyException {
    return publicKeys(ref, env, err, null);
  }

  /** As {@link #publicKeys(KeyRef, Map, PrintWriter)}, with the RSA algorithm of a PEM key. */
  static List<VerifyingKey> publicKeys(
      KeyRef ref, Map<String, String> env, PrintWriter err, @Nullable Algorithm rsa)
      throws KeyException {
    if (!(ref instanceof KeyRef.File f)) {
      SigningKey key = signingKey(ref, env);
      try {
        return List.of(VerifyingKey.of(key));
      } finally {
        release(key);
      }
    }
    String path = f.path().toString();
    String text = read(f);
    if (isJson(text)) {
      KeySet set = KeySet.parse(text, path);
      warnIfPrivate(set, path, err);
      List<VerifyingKey> keys = set.verifyingKeys();
      if (f.keyId() == null) {
        return keys;
      }
      List<VerifyingKey> one = keys.stream().filter(k -> f.keyId().equals(k.keyId())).toList();
      if (one.isEmpty()) {
        throw new KeyException(
            KeyException.Reason.NOT_FOUND, path + ": no key has kid \"" + f.keyId() + "\"");
      }
      return one;
    }
    noKid(f, text, path);
    if (CosignKeyFile.isEncrypted(text) || isPrivatePem(text)) {
      warnPrivate(path, err);
      return List.of(VerifyingKey.of(fileSigningKey(f, env, rsa)));
    }
    VerifyingKey pem = VerifyingKey.fromPem(text, path);
    return List.of(
        rsa == null ? pem : VerifyingKey.of(pem.publicKey(), rsa, pem.keyId(), pem.source()));
  }

  /**
   * The verification keys of a command that takes {@code --jwks-file} (Buildkite's flag) and {@code
   * --verification-key}: exactly one is required. A {@code --jwks-file} that only came from the
   * environment yields to an explicit {@code --verification-key}.
   */
  static VerificationKeys forVerification(
      @Nullable String jwksFile,
      boolean jwksExplicit,
      @Nullable String verificationKey,
      Map<String, String> env,
      PrintWriter err)
      throws KeyException, UsageException {
    jwksFile = orNull(jwksFile);
    verificationKey = orNull(verificationKey);
    if (jwksFile != null && verificationKey != null) {
      if (jwksExplicit) {
        throw new UsageException("give --jwks-file or --verification-key, not both");
      }
      jwksFile = null;
    }
    if (verificationKey != null) {
      return verificationKeys(parse(verificationKey, "--verification-key"), env, err);
    }
    if (jwksFile == null) {
      // Required, unlike on an agent (which runs unsigned jobs unchecked when it has no key): a
      // forgotten flag must not turn a verification command into one that passes everything.
      throw new UsageException(
          "--jwks-file or --verification-key is required: the public keys the agent trusts");
    }
    return KeyFiles.loadForVerification(jwksFile, "--jwks-file", err);
  }

  // ---- backends: one method each, so wiring a module in is a one-line change ----

  /**
   * cosign.key: scrypt + NaCl secretbox over PKCS#8; the password comes from {@code
   * SIGNET_KEY_PASSWORD} or {@code COSIGN_PASSWORD}, else a terminal prompt ({@link KeyPasswords}).
   */
  static SigningKey cosignKey(
      KeyRef.File f, String text, Map<String, String> env, @Nullable Algorithm rsa)
      throws KeyException {
    String path = f.path().toString();
    char[] password = KeyPasswords.forReading(path);
    try {
      return CosignKeyFile.decrypt(text, password, path, rsa);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /**
   * A key on a PKCS#11 token (signet-keys-pkcs11). The key stays open, and the token logged in,
   * until the process ends: every command signs with one key and exits.
   */
  static SigningKey pkcs11(KeyRef.Pkcs11 ref, Map<String, String> env) throws KeyException {
    return Pkcs11Keys.open(ref, env);
  }

  /** An AWS KMS key (signet-keys-kms): credentials and region as the AWS SDK finds them. */
  static SigningKey awsKms(KeyRef.AwsKms ref, Map<String, String> env) throws KeyException {
    return AwsKmsKeys.open(ref, env);
  }

  /** A Google Cloud KMS key version (signet-keys-kms). */
  static SigningKey gcpKms(KeyRef.GcpKms ref, Map<String, String> env) throws KeyException {
    return GcpKmsKeys.open(ref, env);
  }

  /** A Vault or OpenBao transit key (signet-keys-kms): VAULT_ADDR, VAULT_TOKEN and friends. */
  static SigningKey vault(KeyRef.Vault ref, Map<String, String> env) throws KeyException {
    return VaultKeys.open(ref, env);
  }

  /**
   * A key held by the Signet signing service (dev.signet.client): signs through its API with the CI
   * identity found in the environment.
   */
  static SigningKey service(KeyRef.Service ref, ServiceClient.Settings settings)
      throws KeyException {
    return ServiceKey.open(ref, settings);
  }

  private static PrintWriter stderr() {
    return new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Gives back what a key holds open (a PKCS#11 session and login); file keys hold nothing.
   * Commands call it when done, so that in-process use (tests, the demo) does not pile up sessions.
   */
  static void release(SigningKey key) {
    if (key instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // closing is best effort: the signature is made, and process exit ends the session anyway
      }
    }
  }

  // ---- helpers ----

  private static String read(KeyRef.File f) throws KeyException {
    try {
      return InputFiles.readText(f.path().toString(), InputLimits.MAX_KEY_FILE_BYTES);
    } catch (InputException e) {
      throw new KeyException(KeyException.Reason.UNREADABLE, e.getMessage(), e);
    }
  }

  private static boolean isJson(String text) {
    return text.stripLeading().startsWith("{");
  }

  /** A PEM private key of any form PemKeys reads; its own errors name what else it might be. */
  private static boolean isPrivatePem(String text) {
    return text.contains("PRIVATE KEY-----");
  }

  private static void noKid(KeyRef.File f, String text, String path) throws KeyException {
    if (!text.stripLeading().startsWith("-----BEGIN ")) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          path + ": not a key file: expected a JWKS (JSON) or a PEM key (\"-----BEGIN …\")");
    }
    if (f.keyId() != null) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          f.display() + ": a key ID (#" + f.keyId() + ") selects a key in a JWKS, not in a PEM");
    }
  }

  private static VerificationKeys onlyKid(VerificationKeys all, String kid) {
    return new VerificationKeys() {
      @Override
      public Verifier select(Algorithm alg, @Nullable String headerKid) throws KeyException {
        if (!kid.equals(headerKid)) {
          throw new KeyException(
              KeyException.Reason.NOT_FOUND,
              "the signature is not by key \""
                  + kid
                  + "\", the only one trusted in "
                  + all.source());
        }
        return all.select(alg, headerKid);
      }

      @Override
      public String source() {
        return all.source();
      }
    };
  }

  /**
   * Private members are not needed to verify, but a machine that only verifies should not hold them
   * at all — anyone who reads the file there can sign — so their presence earns a warning.
   */
  static void warnIfPrivate(KeySet set, String path, PrintWriter err) {
    if (set.describe().stream().anyMatch(KeySet.KeyInfo::isPrivate)) {
      err.println(
          "signet: warning: "
              + path
              + " holds private key material; verification needs only the public keys"
              + " (the -public.json file), and whoever can read this file can sign");
      err.flush();
    }
  }

  private static void warnPrivate(String path, PrintWriter err) {
    err.println(
        "signet: warning: "
            + path
            + " is a private key; verification needs only the public key (signet key public),"
            + " and whoever can read this file can sign");
    err.flush();
  }

  /** {@code ref} as given, or null. */
  static @Nullable String orNull(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
