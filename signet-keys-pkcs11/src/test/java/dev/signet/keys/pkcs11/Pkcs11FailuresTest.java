package dev.signet.keys.pkcs11;

import static dev.signet.keys.KeyException.Reason.AMBIGUOUS;
import static dev.signet.keys.KeyException.Reason.DENIED;
import static dev.signet.keys.KeyException.Reason.MALFORMED;
import static dev.signet.keys.KeyException.Reason.NOT_ALLOWED;
import static dev.signet.keys.KeyException.Reason.NOT_FOUND;
import static dev.signet.keys.KeyException.Reason.UNAVAILABLE;
import static dev.signet.keys.KeyException.Reason.UNREADABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The token lifecycle's failure states against a real SoftHSM2, each a typed, one-line refusal that
 * names the reference and never shows a PIN: module missing or not a module, token absent or
 * ambiguous, PIN wrong, missing or locked, key missing, of the wrong type, ambiguous, or not
 * matching its public half.
 */
class Pkcs11FailuresTest {
  static final String TOKEN = "failures";
  static final String PIN = "right-pin-5678";
  static final String WRONG = "wrong-pin-0000";
  static final String LOCKED_TOKEN = "locked";
  static final String TWIN = "twin";
  static final List<String> SECRETS = List.of(PIN, WRONG, SoftHsm.SO_PIN);

  static SoftHsm hsm;

  @BeforeAll
  static void token() throws Throwable {
    hsm = SoftHsm.start();
    hsm.initToken(TOKEN, PIN);
    hsm.initToken(LOCKED_TOKEN, PIN);
    hsm.initToken(TWIN, PIN);
    hsm.initToken(TWIN, PIN);
    tool("--keypairgen", "--key-type", "EC:edwards25519", "--id", "01", "--label", "ed");
    tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "02", "--label", "ec");
    tool("--keypairgen", "--key-type", "rsa:2048", "--id", "03", "--label", "rsa");
    tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "0401", "--label", "dup");
    tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "0402", "--label", "dup");
    tool("--keypairgen", "--key-type", "EC:secp256k1", "--id", "05", "--label", "k1");
    tool("--keypairgen", "--key-type", "rsa:1024", "--id", "06", "--label", "rsa1024");
    // A private key paired (same CKA_ID) with another key's public half: A's public object moves
    // to id 0709, B's public object takes A's id 0701.
    tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "0701", "--label", "mix-a");
    tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "0702", "--label", "mix-b");
    tool("--set-id", "0709", "--id", "0701", "--type", "pubkey");
    tool("--set-id", "0701", "--id", "0702", "--type", "pubkey");
    // Private keys whose public object is gone: fatal for EC, fine for RSA.
    tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "08", "--label", "ec-alone");
    tool("--delete-object", "--type", "pubkey", "--id", "08");
    tool("--keypairgen", "--key-type", "rsa:2048", "--id", "09", "--label", "rsa-alone");
    tool("--delete-object", "--type", "pubkey", "--id", "09");
    hsm.pkcs11Tool(
        "--token-label",
        LOCKED_TOKEN,
        "--login",
        "--pin",
        PIN,
        "--keypairgen",
        "--key-type",
        "EC:prime256v1",
        "--label",
        "ec");
    hsm.lockUserPin(LOCKED_TOKEN);
  }

  static void tool(String... args) throws Exception {
    List<String> a =
        new java.util.ArrayList<>(List.of("--token-label", TOKEN, "--login", "--pin", PIN));
    a.addAll(List.of(args));
    hsm.pkcs11Tool(a.toArray(String[]::new));
  }

  @AfterEach
  void nothingLeftOpen() {
    assertThat(Token.modulesInUse()).as("every test closes what it opens").isZero();
  }

  @AfterAll
  static void close() throws Exception {
    hsm.close();
  }

  static KeyRef.Pkcs11 ref(String text) throws KeyException {
    return (KeyRef.Pkcs11) KeyRef.parse(text);
  }

  static String module() {
    return "module-path=" + SoftHsm.MODULE;
  }

  static Pkcs11Key open(String path, String pin) throws KeyException {
    return Pkcs11Keys.open(SoftHsm.ref(path, pin), Map.of());
  }

  /** Asserts a refusal: its reason, its words, one line, no secret. */
  static String refused(ThrowingCallable call, KeyException.Reason reason, String... words) {
    Throwable t = catchThrowable(call);
    assertThat(t).isInstanceOf(KeyException.class);
    KeyException e = (KeyException) t;
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(words).doesNotContain("\n");
    for (String secret : SECRETS) {
      assertThat(e.getMessage()).doesNotContain(secret);
    }
    return e.getMessage();
  }

  // ---- the module ----

  @Test
  void aMissingModuleIsUnavailable() {
    refused(
        () ->
            Pkcs11Keys.open(
                ref("pkcs11:token=t;object=k?module-path=/opt/hsm/libnone.so&pin-value=" + PIN),
                Map.of()),
        UNAVAILABLE,
        "pkcs11:token=t;object=k?module-path=/opt/hsm/libnone.so&pin-value=[redacted]",
        "PKCS#11 module /opt/hsm/libnone.so (from module-path) does not exist");
  }

  @Test
  void aLibraryThatIsNotAModuleIsUnavailable() {
    Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
    refused(
        () -> Pkcs11Keys.open(ref("pkcs11:token=t;object=k?module-path=" + libc), Map.of()),
        UNAVAILABLE,
        "is not a PKCS#11 module (no C_GetFunctionList)");
    refused(
        () -> Pkcs11Keys.open(ref("pkcs11:token=t;object=k?module-path=" + hsm.conf), Map.of()),
        UNAVAILABLE,
        "cannot be loaded as a shared library");
  }

  @Test
  void theModuleComesFromTheEnvironmentWhenTheReferenceHasNone() throws Exception {
    KeyRef.Pkcs11 bare = ref("pkcs11:token=" + TOKEN + ";object=ec");
    refused(
        () -> Pkcs11Keys.open(bare, Map.of(Pkcs11Uri.PIN_ENV, PIN)),
        MALFORMED,
        "no PKCS#11 module",
        "SIGNET_PKCS11_MODULE_PATH");
    for (String var : List.of("SIGNET_PKCS11_MODULE_PATH", "COSIGN_PKCS11_MODULE_PATH")) {
      try (Pkcs11Key key =
          Pkcs11Keys.open(bare, Map.of(var, SoftHsm.MODULE.toString(), "COSIGN_PKCS11_PIN", PIN))) {
        assertThat(key.algorithm()).isEqualTo(Algorithm.ES256);
        assertThat(key.reference()).isEqualTo("pkcs11:token=" + TOKEN + ";object=ec");
      }
    }
  }

  // ---- the token ----

  @Test
  void anAbsentTokenIsUnavailableAndTheMessageListsThePresentOnes() {
    refused(
        () -> open("token=offline;object=ec", PIN),
        UNAVAILABLE,
        "no token matches token=offline (tokens present: ",
        "\"" + TOKEN + "\"");
    refused(
        () -> open("slot-id=4242;object=ec", PIN), UNAVAILABLE, "no token matches slot-id=4242");
  }

  @Test
  void theProbeChecksTokenAndPinAndLeavesNothingOpen() throws Exception {
    // The object is not looked at: the probe is about the token.
    Pkcs11Keys.probe(SoftHsm.ref("token=" + TOKEN + ";object=any", PIN), Map.of());
    refused(
        () -> Pkcs11Keys.probe(SoftHsm.ref("token=offline;object=any", PIN), Map.of()),
        UNAVAILABLE,
        "no token matches token=offline");
    refused(
        () -> Pkcs11Keys.probe(SoftHsm.ref("token=" + TOKEN + ";object=any", WRONG), Map.of()),
        DENIED,
        "CKR_PIN_INCORRECT");
    // While a key holds the login, the probe checks its PIN against the one in use.
    try (Pkcs11Key key = open("token=" + TOKEN + ";object=ec", PIN)) {
      Pkcs11Keys.probe(SoftHsm.ref("token=" + TOKEN + ";object=any", PIN), Map.of());
      refused(
          () -> Pkcs11Keys.probe(SoftHsm.ref("token=" + TOKEN + ";object=any", WRONG), Map.of()),
          DENIED,
          "differs from the PIN this process logged in to the token with");
      assertThat(key.signMessage(new byte[] {1})).isNotEmpty();
    }
  }

  @Test
  void twoTokensWithOneLabelAreAmbiguousUntilTheSerialChooses() throws Exception {
    refused(
        () -> open("token=" + TWIN + ";object=x", PIN),
        AMBIGUOUS,
        "2 tokens match token=twin; add serial= or slot-id= to choose one");
    String serial =
        java.util.Arrays.stream(hsm.pkcs11Tool("-L").split("\nSlot "))
            .filter(b -> b.contains("token label        : " + TWIN + "\n"))
            .map(b ->
                b.substring(b.indexOf("serial num         : ") + 21)
                    .lines()
                    .findFirst()
                    .orElseThrow()
                    .strip())
            .findFirst()
            .orElseThrow();
    refused(
        () -> open("token=" + TWIN + ";serial=" + serial + ";object=x", PIN),
        NOT_FOUND,
        "no private key labelled \"x\" on token \"twin\"");
  }

  // ---- the PIN ----

  @Test
  void aWrongPinIsDeniedWithoutShowingIt() {
    String m =
        refused(
            () -> open("token=" + TOKEN + ";object=ec", WRONG),
            DENIED,
            "pin-value=[redacted]",
            "wrong PIN (CKR_PIN_INCORRECT for the PIN from pin-value)");
    assertThat(m).startsWith("pkcs11:token=" + TOKEN + ";object=ec?module-path=");
    refused(
        () ->
            Pkcs11Keys.open(
                ref("pkcs11:token=" + TOKEN + ";object=ec?" + module()),
                Map.of(Pkcs11Uri.PIN_ENV, WRONG)),
        DENIED,
        "wrong PIN (CKR_PIN_INCORRECT for the PIN from SIGNET_PKCS11_PIN)");
  }

  @Test
  void noPinIsDeniedWithHowToGiveOne() {
    refused(
        () -> Pkcs11Keys.open(ref("pkcs11:token=" + TOKEN + ";object=ec?" + module()), Map.of()),
        DENIED,
        "the token needs a PIN: add pin-source=file:/path to the reference or set SIGNET_PKCS11_PIN");
  }

  @Test
  void thePinComesFromSignetOrCosignVariablesSignetFirst() throws Exception {
    KeyRef.Pkcs11 r = ref("pkcs11:token=" + TOKEN + ";object=ec?" + module());
    try (Pkcs11Key k = Pkcs11Keys.open(r, Map.of("COSIGN_PKCS11_PIN", PIN))) {
      assertThat(k.signMessage(new byte[1])).isNotEmpty();
    }
    try (Pkcs11Key k =
        Pkcs11Keys.open(r, Map.of("SIGNET_PKCS11_PIN", PIN, "COSIGN_PKCS11_PIN", WRONG))) {
      assertThat(k.signMessage(new byte[1])).isNotEmpty();
    }
    // A PIN in the reference beats the environment.
    try (Pkcs11Key k =
        Pkcs11Keys.open(
            SoftHsm.ref("token=" + TOKEN + ";object=ec", PIN), Map.of(Pkcs11Uri.PIN_ENV, WRONG))) {
      assertThat(k.signMessage(new byte[1])).isNotEmpty();
    }
  }

  @Test
  void thePinComesFromAFile() throws Exception {
    Path file = Files.writeString(hsm.dir.resolve("pin"), PIN + "\n");
    String base = "pkcs11:token=" + TOKEN + ";object=ec?" + module() + "&pin-source=";
    try (Pkcs11Key k =
        Pkcs11Keys.open(ref(base + "file:" + file), Map.of(Pkcs11Uri.PIN_ENV, WRONG))) {
      assertThat(k.signMessage(new byte[1])).isNotEmpty();
    }
    try (Pkcs11Key k = Pkcs11Keys.open(ref(base + file), Map.of())) {
      assertThat(k.reference()).endsWith("pin-source=" + file);
    }
    Path missing = hsm.dir.resolve("no-such-pin");
    refused(
        () -> Pkcs11Keys.open(ref(base + "file:" + missing), Map.of()),
        UNREADABLE,
        "PIN file " + missing + " does not exist");
    Path empty = Files.writeString(hsm.dir.resolve("empty-pin"), "\n");
    refused(
        () -> Pkcs11Keys.open(ref(base + "file:" + empty), Map.of()),
        MALFORMED,
        "PIN file " + empty + " is empty");
    Path wrong = Files.writeString(hsm.dir.resolve("wrong-pin"), WRONG);
    refused(
        () -> Pkcs11Keys.open(ref(base + "file:" + wrong), Map.of()),
        DENIED,
        "wrong PIN (CKR_PIN_INCORRECT for the PIN from " + wrong + ")");
    refused(
        () -> Pkcs11Keys.open(ref(base + "pin.txt"), Map.of()),
        MALFORMED,
        "pin-source must be an absolute file path or a file: URI");
  }

  @Test
  void aLockedPinIsDeniedBeforeTheTokenIsAsked() {
    refused(
        () -> open("token=" + LOCKED_TOKEN + ";object=ec", PIN),
        DENIED,
        "the token's user PIN is locked (CKF_USER_PIN_LOCKED)");
  }

  @Test
  void aSecondOpenMustBringTheSamePinAsTheFirst() throws Exception {
    try (Pkcs11Key first = open("token=" + TOKEN + ";object=ec", PIN)) {
      // The token is logged in; without the check, any PIN would get a second key.
      refused(
          () -> open("token=" + TOKEN + ";object=ed", WRONG),
          DENIED,
          "wrong PIN (the PIN from pin-value differs from the PIN this process logged in to the"
              + " token with)");
      try (Pkcs11Key second = open("token=" + TOKEN + ";object=ed", PIN)) {
        assertThat(second.signMessage(new byte[1])).hasSize(64);
      }
      assertThat(first.signMessage(new byte[1])).isNotEmpty();
    }
  }

  // ---- the key ----

  @Test
  void aMissingKeyIsNotFound() {
    refused(
        () -> open("token=" + TOKEN + ";object=release", PIN),
        NOT_FOUND,
        "no private key labelled \"release\" on token \"failures\"");
    refused(
        () -> open("token=" + TOKEN + ";object=ec;id=%7f", PIN),
        NOT_FOUND,
        "no private key labelled \"ec\" and with id 7f");
  }

  @Test
  void severalMatchingKeysAreAmbiguousUntilTheIdChooses() throws Exception {
    refused(
        () -> open("token=" + TOKEN + ";object=dup", PIN),
        AMBIGUOUS,
        "2 private keys match; add id= (CKA_ID) or a more specific object= to choose one");
    try (Pkcs11Key k = open("token=" + TOKEN + ";object=dup;id=%04%02", PIN)) {
      assertThat(k.reference()).contains("id=%04%02");
    }
  }

  @Test
  void aKeyOfTheWrongTypeIsNotAllowed() throws Exception {
    refused(
        () ->
            Pkcs11Keys.open(
                SoftHsm.ref("token=" + TOKEN + ";object=ed", PIN), Algorithm.ES256, Map.of()),
        NOT_ALLOWED,
        "the key is an Ed25519 key (EdDSA), not ES256");
    refused(
        () ->
            Pkcs11Keys.open(
                SoftHsm.ref("token=" + TOKEN + ";object=ec", PIN), Algorithm.ES512, Map.of()),
        NOT_ALLOWED,
        "the key is a P-256 key (ES256), not ES512");
    refused(
        () ->
            Pkcs11Keys.open(
                SoftHsm.ref("token=" + TOKEN + ";object=rsa", PIN), Algorithm.EdDSA, Map.of()),
        NOT_ALLOWED,
        "the key is an RSA key, which cannot sign EdDSA");
    refused(
        () -> open("token=" + TOKEN + ";object=k1", PIN),
        NOT_ALLOWED,
        "the EC key is on a curve Signet does not sign with (CKA_EC_PARAMS 06052b8104000a)");
    refused(
        () -> open("token=" + TOKEN + ";object=rsa1024", PIN),
        NOT_ALLOWED,
        "the RSA key has 1024 bits; at least 2048 are needed");
    // An RSA key signs PS256 or PS512, as asked.
    try (Pkcs11Key k =
        Pkcs11Keys.open(
            SoftHsm.ref("token=" + TOKEN + ";object=rsa", PIN), Algorithm.PS256, Map.of())) {
      assertThat(k.algorithm()).isEqualTo(Algorithm.PS256);
      assertThat(
              Pkcs11SigningTest.jdkVerify(
                  Algorithm.PS256, k.publicKey(), new byte[3], k.signMessage(new byte[3])))
          .isTrue();
    }
  }

  @Test
  void aPrivateKeyPairedWithAnotherKeysPublicHalfIsRefusedAtOpen() {
    refused(
        () -> open("token=" + TOKEN + ";object=mix-a", PIN),
        NOT_ALLOWED,
        "the private key does not match the public key object beside it (same CKA_ID)");
  }

  @Test
  void anEcKeyNeedsItsPublicObjectAnRsaKeyDoesNot() throws Exception {
    refused(
        () -> open("token=" + TOKEN + ";object=ec-alone", PIN),
        NOT_FOUND,
        "the private key has no public key object beside it (same CKA_ID)");
    try (Pkcs11Key k = open("token=" + TOKEN + ";object=rsa-alone", PIN)) {
      assertThat(k.algorithm()).isEqualTo(Algorithm.PS512);
    }
  }

  @Test
  void keysThatMayNotSignOrWantThePinEachTimeAreNotAllowed() throws Exception {
    createWith("no-sign", Cryptoki.Attribute.ofBool(Cryptoki.CKA_SIGN, false));
    createWith("always-auth", Cryptoki.Attribute.ofBool(Cryptoki.CKA_ALWAYS_AUTHENTICATE, true));
    refused(
        () -> open("token=" + TOKEN + ";object=no-sign", PIN),
        NOT_ALLOWED,
        "the key may not sign (CKA_SIGN is false)");
    refused(
        () -> open("token=" + TOKEN + ";object=always-auth", PIN),
        NOT_ALLOWED,
        "(CKA_ALWAYS_AUTHENTICATE), which Signet does not support");
  }

  /** A P-256 key pair made through the binding itself, with one extra private-key attribute. */
  private static void createWith(String label, Cryptoki.Attribute extra) throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.of(SoftHsm.ref("token=" + TOKEN + ";object=" + label, PIN), Map.of());
    Token token = Token.acquire(uri);
    try {
      token.login(uri);
      long s = token.openReadWrite();
      try {
        byte[] id = label.getBytes(StandardCharsets.UTF_8);
        token
            .cryptoki()
            .generateKeyPair(
                s,
                new Cryptoki.Mechanism(Cryptoki.CKM_EC_KEY_PAIR_GEN, null),
                List.of(
                    new Cryptoki.Attribute(Cryptoki.CKA_EC_PARAMS, TokenObjects.Curve.P256.oid()),
                    Cryptoki.Attribute.ofBool(Cryptoki.CKA_TOKEN, true),
                    Cryptoki.Attribute.ofText(Cryptoki.CKA_LABEL, label),
                    new Cryptoki.Attribute(Cryptoki.CKA_ID, id)),
                List.of(
                    Cryptoki.Attribute.ofBool(Cryptoki.CKA_TOKEN, true),
                    Cryptoki.Attribute.ofBool(Cryptoki.CKA_PRIVATE, true),
                    Cryptoki.Attribute.ofText(Cryptoki.CKA_LABEL, label),
                    new Cryptoki.Attribute(Cryptoki.CKA_ID, id),
                    extra));
      } finally {
        token.cryptoki().closeSession(s);
      }
    } finally {
      token.release();
    }
  }

  // ---- the reference and the key's life ----

  @Test
  void referencesThisBackendCannotFollowAreMalformed() {
    refused(
        () -> open("token=" + TOKEN + ";object=ec;type=public", PIN),
        MALFORMED,
        "type=public names a public key; signing needs the private key");
    refused(
        () -> open("token=" + TOKEN + ";object=ec;type=cert", PIN),
        MALFORMED,
        "type=cert is not a key");
    refused(
        () -> open("token=" + TOKEN + ";object=ec;library-manufacturer=SoftHSM", PIN),
        MALFORMED,
        "attribute \"library-manufacturer\" is not supported here");
    refused(
        () -> Pkcs11Keys.open(ref("pkcs11:token=t;object=k?module-name=softhsm2"), Map.of()),
        MALFORMED,
        "module-name is not supported; give module-path=");
  }

  @Test
  void generatingOverAnExistingLabelIsRefused() {
    refused(
        () ->
            Pkcs11Keys.generate(
                SoftHsm.ref("token=" + TOKEN + ";object=ec", PIN), Algorithm.ES256, Map.of()),
        NOT_ALLOWED,
        "an object labelled \"ec\" already exists");
    refused(
        () ->
            Pkcs11Keys.generate(
                SoftHsm.ref("token=" + TOKEN + ";object=fresh;id=%02", PIN),
                Algorithm.ES256,
                Map.of()),
        NOT_ALLOWED,
        "an object with this id already exists");
  }

  @Test
  void aKeyDeletedFromTheTokenWhileOpenIsReportedGone() throws Exception {
    tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "0a", "--label", "doomed");
    try (Pkcs11Key k = open("token=" + TOKEN + ";object=doomed", PIN)) {
      assertThat(k.signMessage(new byte[1])).isNotEmpty();
      tool("--delete-object", "--type", "privkey", "--id", "0a"); // another process, meanwhile
      refused(
          () -> k.signMessage(new byte[1]),
          NOT_FOUND,
          "the key is no longer on the token (C_SignInit: CKR_OBJECT_HANDLE_INVALID)");
    }
  }

  @Test
  void aClosedKeySignsNoMore() throws Exception {
    Pkcs11Key k = open("token=" + TOKEN + ";object=ed", PIN);
    k.close();
    k.close(); // idempotent
    refused(() -> k.signMessage(new byte[1]), UNAVAILABLE, "the key has been closed");
  }
}
