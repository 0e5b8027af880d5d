package dev.signet.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.signet.input.InputException;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyGenerator;
import dev.signet.keys.KeySet;
import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: random files signed with random keys verify from their bundle and from the bare
 * signature, and flipping any one byte — of the file, the signature, the bundle's digest or its key
 * hint — is refused, each with its own reason. The seed is printed so a failure replays.
 */
class ArtifactSignVerifyPropertyTest {
  private static final int ROUNDS = 60;
  private static List<SigningKey> keys;

  @BeforeAll
  static void keys() throws Exception {
    SecureRandom r = new SecureRandom();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    keys =
        List.of(
            jwks(Algorithm.ES256, r),
            jwks(Algorithm.ES512, r),
            jwks(Algorithm.PS512, r),
            PemKeys.readPrivateKey(
                pem("PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded()),
                "p384.pem",
                null),
            PemKeys.readPrivateKey(
                pem("PRIVATE KEY", rsa.generateKeyPair().getPrivate().getEncoded()),
                "rsa.pem",
                null));
  }

  private static SigningKey jwks(Algorithm alg, SecureRandom r) throws Exception {
    return KeySet.parse(KeyGenerator.generate(alg, "k-" + alg, r).privateJwks(), alg + ".json")
        .signingKey(null);
  }

  @Test
  void signedFilesVerifyAndEveryFlippedByteIsRefused(@TempDir Path dir) throws Exception {
    long seed = new SecureRandom().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < ROUNDS; round++) {
      String where = "seed " + seed + ", round " + round;
      SigningKey key = keys.get(random.nextInt(keys.size()));
      VerifyingKey pub = VerifyingKey.of(key);
      byte[] content = new byte[random.nextInt(0, round == 0 ? 3 << 20 : 40_000)];
      random.nextBytes(content);
      Path file = dir.resolve("f" + round);
      Files.write(file, content);

      HashAlgorithm hash = ArtifactSigner.requiredHash(key);
      BlobSignature sig = ArtifactSigner.sign(key, Digest.ofFile(file, hash, n -> {}));
      String bundleJson = sig.toBundle().toJson();
      SigstoreBundle bundle = parse(bundleJson);
      assertThat(ArtifactVerifier.verify(bundle, "b", Artifact.file(file), List.of(pub)).key())
          .as(where)
          .isEqualTo(pub);
      ArtifactVerifier.signature(sig.signature(), "s", Artifact.file(file), List.of(pub));
      // Signing in memory gives an equally valid signature (ECDSA/PSS are randomised).
      ArtifactVerifier.signature(
          ArtifactSigner.signMessage(key, content).signature(),
          "s",
          Artifact.file(file),
          List.of(pub));

      // 1. Any flipped byte of the file.
      if (content.length > 0) {
        byte[] changed = content.clone();
        changed[random.nextInt(changed.length)] ^= (byte) (1 << random.nextInt(8));
        Path other = dir.resolve("g" + round);
        Files.write(other, changed);
        refused(
            () -> ArtifactVerifier.verify(bundle, "b", Artifact.file(other), List.of(pub)),
            ArtifactException.Reason.DIGEST_MISMATCH,
            where);
        refused(
            () ->
                ArtifactVerifier.signature(
                    sig.signature(), "s", Artifact.file(other), List.of(pub)),
            ArtifactException.Reason.BAD_SIGNATURE,
            where);
      }
      // 2. Any flipped byte of the signature, in the bundle and bare.
      byte[] badSig = flip(sig.signature(), random);
      refused(
          () -> ArtifactVerifier.signature(badSig, "s", Artifact.file(file), List.of(pub)),
          ArtifactException.Reason.BAD_SIGNATURE,
          where);
      String tampered = bundleJson.replace(sig.base64(), b64(badSig));
      refusedOrMalformed(tampered, file, pub, ArtifactException.Reason.BAD_SIGNATURE, where);
      // 3. Any flipped byte of the recorded digest.
      String digestB64 = sig.digest().base64();
      tampered = bundleJson.replace(digestB64, b64(flip(sig.digest().value(), random)));
      refusedOrMalformed(tampered, file, pub, ArtifactException.Reason.DIGEST_MISMATCH, where);
      // 4. Any flipped byte of the key hint.
      String hint = pub.sigstoreHint();
      tampered = bundleJson.replace(hint, b64(flip(Base64.getDecoder().decode(hint), random)));
      refusedOrMalformed(tampered, file, pub, ArtifactException.Reason.KEY_MISMATCH, where);
      // 5. A flipped byte anywhere in the bundle text never verifies.
      byte[] raw = bundleJson.getBytes(StandardCharsets.UTF_8);
      int at = random.nextInt(raw.length);
      raw[at] ^= (byte) (1 << random.nextInt(7));
      try {
        SigstoreBundle b = SigstoreBundle.parse(raw, "b");
        ArtifactVerifier.verify(b, "b", Artifact.file(file), List.of(pub));
        // The only flips that may still verify change nothing the verifier reads: none exist in
        // our compact output except inside the (optional, advisory) hint when it is absent.
        fail("a bundle with byte %d flipped verified (%s)", at, where);
      } catch (InputException | ArtifactException expected) {
        // refused or unreadable: both fail closed
      }
    }
  }

  @Test
  void ed25519SignsTheFileItselfAndHasNoBundle(@TempDir Path dir) throws Exception {
    SigningKey key =
        KeySet.parse(
                KeyGenerator.generate(Algorithm.EdDSA, "ed", new SecureRandom()).privateJwks(),
                "ed.json")
            .signingKey(null);
    byte[] content = "release notes".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("notes"), content);
    BlobSignature sig = ArtifactSigner.signMessage(key, content);
    assertThat(sig.signature()).hasSize(64);
    assertThat(sig.digest()).isNull();
    VerifyingKey pub = VerifyingKey.of(key);
    assertThat(
            ArtifactVerifier.signature(sig.signature(), "s", Artifact.file(file), List.of(pub))
                .digest())
        .isNull();
    assertThatThrownBy(sig::toBundle)
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("Ed25519 key makes a detached signature only");
    assertThatThrownBy(
            () -> ArtifactSigner.sign(key, Digest.ofFile(file, HashAlgorithm.SHA2_512, n -> {})))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("cannot sign a digest");
    assertThatThrownBy(() ->
            ArtifactVerifier.signature(
                sig.signature(),
                "s",
                Artifact.digestOnly(Digest.ofFile(file, HashAlgorithm.SHA2_256, n -> {})),
                List.of(pub)))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("cannot be checked against a digest");
  }

  @Test
  void digestOnlySignaturesVerifyAgainstTheFile(@TempDir Path dir) throws Exception {
    SigningKey key = keys.getFirst();
    Path file = Files.writeString(dir.resolve("a.tar"), "tarball");
    Digest d = Digest.ofFile(file, HashAlgorithm.SHA2_256, n -> {});
    Digest parsed = Digest.parse(d.toString(), "--digest");
    BlobSignature sig = ArtifactSigner.sign(key, parsed);
    SigstoreBundle b = parse(sig.toBundle().toJson());
    VerifyingKey pub = VerifyingKey.of(key);
    ArtifactVerifier.verify(b, "b", Artifact.file(file), List.of(pub));
    ArtifactVerifier.verify(b, "b", Artifact.digestOnly(d), List.of(pub));
    assertThatThrownBy(
            () -> ArtifactSigner.sign(key, Digest.parse("sha512:" + "ab".repeat(64), "--digest")))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("signs sha256 digests, not sha512");
  }

  @Test
  void aRotationSetFindsTheSigningKeyByHint(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a"), "x");
    SigningKey signer = keys.get(1);
    List<VerifyingKey> trusted =
        List.of(
            VerifyingKey.of(keys.get(0)), VerifyingKey.of(keys.get(2)), VerifyingKey.of(signer));
    SigstoreBundle b =
        parse(
            ArtifactSigner.signMessage(signer, "x".getBytes(StandardCharsets.UTF_8))
                .toBundle()
                .toJson());
    assertThat(ArtifactVerifier.verify(b, "b", Artifact.file(file), trusted).key())
        .isEqualTo(trusted.get(2));
    refused(
        () -> ArtifactVerifier.verify(b, "b", Artifact.file(file), trusted.subList(0, 2)),
        ArtifactException.Reason.KEY_MISMATCH,
        "rotation");
  }

  private static SigstoreBundle parse(String json) throws InputException {
    return SigstoreBundle.parse(json.getBytes(StandardCharsets.UTF_8), "b");
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static byte[] flip(byte[] in, SplittableRandom random) {
    byte[] out = in.clone();
    out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
    return out;
  }

  interface Check {
    void run() throws Exception;
  }

  private static void refused(Check c, ArtifactException.Reason reason, String where) {
    try {
      c.run();
      fail("not refused (%s, expected %s)", where, reason);
    } catch (ArtifactException e) {
      assertThat(e.reason()).as(where + ": " + e.getMessage()).isEqualTo(reason);
    } catch (Exception e) {
      fail("%s: expected %s, got %s", where, reason, e);
    }
  }

  private static void refusedOrMalformed(
      String bundle, Path file, VerifyingKey pub, ArtifactException.Reason reason, String where) {
    refused(
        () -> ArtifactVerifier.verify(parse(bundle), "b", Artifact.file(file), List.of(pub)),
        reason,
        where);
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }
}
