package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyRefTest {
  @Test
  void aPlainPathWithHashIsDisplayedAsAPathNotAsAKeyId() throws Exception {
    // Found by KeyRefFuzzTest: "file:" + path made the part after '#' a key ID.
    KeyRef ref = KeyRef.parse("keys/a#b.json");
    assertThat(ref).isEqualTo(new KeyRef.File(Path.of("keys/a#b.json"), null));
    assertThat(KeyRef.parse(ref.display())).isEqualTo(ref);
    KeyRef withKid = KeyRef.parse("file:keys/a#b.json#k1");
    assertThat(KeyRef.parse(withKid.display())).isEqualTo(withKid);
  }

  @Test
  void aRefusedReferenceIsOneLineInTheMessage() {
    // Found by KeyRefFuzzTest: the reference went raw into the message, line breaks and all.
    assertThatThrownBy(() -> KeyRef.parse("pkcs11:token=a;slot\nid;object=k?pin-value=1\u2028"))
        .isInstanceOf(KeyException.class)
        .hasMessageNotContaining("\n")
        .hasMessageContaining("slot\\u000aid")
        .hasMessageNotContaining("\u2028");
  }

  @Test
  void onlyTheGcpVersionSegmentIsRenamed() throws Exception {
    assertThat(
            KeyRef.parse(
                "gcpkms://projects/p/locations/versions/keyRings/r/cryptoKeys/k/versions/3"))
        .isEqualTo(
            new KeyRef.GcpKms(
                "projects/p/locations/versions/keyRings/r/cryptoKeys/k/cryptoKeyVersions/3"));
  }

  @Test
  void plainPathsAndFileUris() throws Exception {
    assertThat(KeyRef.parse("keys/private.json"))
        .isEqualTo(new KeyRef.File(Path.of("keys/private.json"), null));
    assertThat(KeyRef.parse("file:keys.json#k1"))
        .isEqualTo(new KeyRef.File(Path.of("keys.json"), "k1"));
    assertThat(KeyRef.parse("file:///tmp/k.json"))
        .isEqualTo(new KeyRef.File(Path.of("/tmp/k.json"), null));
    assertThat(KeyRef.parse("C:keys.json")).isInstanceOf(KeyRef.File.class);
    assertThat(KeyRef.parse("file:keys.json#k1").display()).isEqualTo("file:keys.json#k1");
  }

  @Test
  void pkcs11PerRfc7512() throws Exception {
    var ref =
        (KeyRef.Pkcs11)
            KeyRef.parse(
                "pkcs11:token=ci%20token;object=release;id=%01?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234");
    assertThat(ref.path("token")).isEqualTo("ci token");
    assertThat(ref.path("id")).isEqualTo("\u0001");
    assertThat(ref.query("module-path")).isEqualTo("/usr/lib/softhsm/libsofthsm2.so");
    assertThat(ref.query("pin-value")).isEqualTo("1234");
    assertThat(ref.toString()).doesNotContain("1234").contains("pin-value=[redacted]");
  }

  @Test
  void pkcs11IdIsBinaryAndDisplaysPrintably() throws Exception {
    var ref = (KeyRef.Pkcs11) KeyRef.parse("pkcs11:token=t%0a;id=%a0%FF%01A;object=a%3bb");
    assertThat(ref.idBytes()).containsExactly(0xa0, 0xff, 0x01, 'A');
    assertThat(ref.display()).isEqualTo("pkcs11:token=t%0a;id=%a0%ff%01%41;object=a%3bb");
    assertThat(KeyRef.parse(ref.display())).isEqualTo(ref);
    assertThat(((KeyRef.Pkcs11) KeyRef.parse("pkcs11:token=t;object=k")).idBytes()).isNull();
    assertThatThrownBy(() -> KeyRef.parse("pkcs11:token=t;id=\u20ac"))
        .hasMessageContaining("the id is bytes");
  }

  @Test
  void kmsVaultAndServiceReferences() throws Exception {
    assertThat(KeyRef.parse("awskms:///alias/release"))
        .isEqualTo(new KeyRef.AwsKms("", "alias/release"));
    assertThat(KeyRef.parse("awskms://localhost:4566/arn:aws:kms:eu-west-1:1:key/abc"))
        .isEqualTo(new KeyRef.AwsKms("localhost:4566", "arn:aws:kms:eu-west-1:1:key/abc"));
    assertThat(
            KeyRef.parse("gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k/versions/3"))
        .isEqualTo(
            new KeyRef.GcpKms(
                "projects/p/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/3"));
    assertThat(KeyRef.parse("hashivault://release-key"))
        .isEqualTo(new KeyRef.Vault("hashivault", "release-key"));
    assertThat(KeyRef.parse("openbao://k")).isEqualTo(new KeyRef.Vault("openbao", "k"));
    assertThat(KeyRef.parse("signet://sign.example.com/web"))
        .isEqualTo(new KeyRef.Service("sign.example.com", 8443, "web", null));
    assertThat(KeyRef.parse("signet://127.0.0.1:9443/web/release"))
        .isEqualTo(new KeyRef.Service("127.0.0.1", 9443, "web", "release"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|it is empty",
        "file:|the file path is empty",
        "file:k.json#|key ID after '#' is empty",
        "pkcs11:object=k|name the token",
        "pkcs11:token=t|name the key",
        "pkcs11:token=t;object=k;colour=red|unknown attribute \"colour\"",
        "pkcs11:token=t;object=k;object=j|appears twice",
        "pkcs11:token=t;object=%zz|malformed %-escape",
        "pkcs11:token=t;object=k?pin-value=1&pin-source=f|either pin-source or pin-value",
        "awskms://alias-without-slash|expected awskms://",
        "awskms:///|key ID is empty",
        "gcpkms://projects/p/keyRings/r|expected gcpkms://",
        "hashivault://bad/name|transit key name",
        "azurekms://vault/key|unsupported scheme \"azurekms\"",
        "signet://host|expected signet://HOST",
        "signet://host:99999/p|out of range",
        "signet://host/../etc|project name",
      })
  void malformedReferencesAreOneLineErrors(String ref, String why) {
    assertThatThrownBy(() -> KeyRef.parse(ref))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining(why)
        .satisfies(
            e -> assertThat(((KeyException) e).reason()).isEqualTo(KeyException.Reason.MALFORMED))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pkcs11:token=t?pin-value=s3cret&x=1",
        "pkcs11:token=t;object=k?pin-value=s3cret&pin-source=x"
      })
  void errorsNeverEchoAnInlinePin(String ref) {
    assertThatThrownBy(() -> KeyRef.parse(ref)).hasMessageNotContaining("s3cret");
  }
}
