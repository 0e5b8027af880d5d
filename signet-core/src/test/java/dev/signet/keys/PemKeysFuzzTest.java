package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.testing.FuzzChecks;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Fuzzes PEM key files: {@code cosign.pub} and other {@code PUBLIC KEY} (SPKI) files, and
 * unencrypted private keys ({@code PRIVATE KEY} PKCS#8, {@code EC PRIVATE KEY} SEC1, {@code RSA
 * PRIVATE KEY} PKCS#1).
 *
 * <p>{@link #publicPem} and {@link #privatePem} take the file text; {@link #der} takes a label
 * selector byte and the DER, so that the fuzzer works on the ASN.1 rather than on base64.
 * Properties: every refusal is a {@link KeyException} with a one-line message that contains none of
 * the key's base64; a public key that loads reads back equal from {@link PemKeys#publicKeyPem}; a
 * private key that loads has the same public key after a trip through its PEM public half and its
 * private JWKS ({@link PemKeys#privateJwks}), and its signatures verify with that public key.
 */
class PemKeysFuzzTest {
  private static final List<String> LABELS =
      List.of("PUBLIC KEY", "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY");

  private static final byte[] MESSAGE = {'f', 'u', 'z', 'z'};

  @FuzzTest(maxDuration = "2m")
  void publicPem(@NotNull String pem) throws Exception {
    readPublic(pem, List.of());
  }

  @FuzzTest(maxDuration = "2m")
  void privatePem(@NotNull String pem) throws Exception {
    readPrivate(pem, bodyLines(pem));
  }

  @FuzzTest(maxDuration = "2m")
  void der(byte @NotNull [] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    String label = LABELS.get((input[0] & 0xff) % LABELS.size());
    byte[] der = Arrays.copyOfRange(input, 1, input.length);
    String pem = Pem.encode(label, der);
    if (label.equals("PUBLIC KEY")) {
      readPublic(pem, List.of());
    } else {
      readPrivate(pem, bodyLines(pem));
    }
  }

  private static void readPublic(String pem, List<String> secrets) throws Exception {
    PublicKey key;
    try {
      key = PemKeys.readPublicKey(pem, "fuzz.pub");
    } catch (KeyException e) {
      FuzzChecks.typed(e, secrets);
      return;
    }
    PublicKey again = PemKeys.readPublicKey(PemKeys.publicKeyPem(key), "again.pub");
    assertThat(again.getEncoded()).isEqualTo(key.getEncoded());
    VerifyingKey.of(key, null, "fuzz"); // every key that loads is one Signet verifies with
  }

  private static void readPrivate(String pem, List<String> secrets) throws Exception {
    SigningKey key;
    try {
      key = PemKeys.readPrivateKey(pem, "fuzz.pem", null);
    } catch (KeyException e) {
      FuzzChecks.typed(e, secrets);
      return;
    }
    FuzzChecks.noSecret(key.toString(), secrets, new AssertionError("toString"));
    FuzzChecks.noSecret(key.reference(), secrets, new AssertionError("reference"));
    byte[] spki = key.publicKey().getEncoded();
    PublicKey pub = PemKeys.readPublicKey(PemKeys.publicKeyPem(key.publicKey()), "fuzz.pub");
    assertThat(pub.getEncoded()).as("public half through PEM").isEqualTo(spki);

    SigningKey fromJwks =
        CosignKeyFile.fromJwks(KeySet.parse(PemKeys.privateJwks(key, null), "fuzz.jwks"), null);
    assertThat(fromJwks.publicKey().getEncoded()).as("through the private JWKS").isEqualTo(spki);
    assertThat(fromJwks.algorithm()).isEqualTo(key.algorithm());

    VerifyingKey verifying = VerifyingKey.of(key);
    byte[] sig = key.signMessage(MESSAGE);
    assertThat(verifying.verifyMessage(MESSAGE, sig)).as("signature verifies").isTrue();
  }

  /** The base64 lines of a PEM text: key material, which no message may show. */
  private static List<String> bodyLines(String pem) {
    List<String> lines = new ArrayList<>();
    for (String line : pem.split("\\R")) {
      String t = line.strip();
      if (t.length() >= 16 && !t.startsWith("-----")) {
        lines.add(t);
        try {
          Base64.getMimeDecoder().decode(t); // only base64 is material; prose may be printed
        } catch (IllegalArgumentException e) {
          lines.removeLast();
        }
      }
    }
    return lines;
  }
}
