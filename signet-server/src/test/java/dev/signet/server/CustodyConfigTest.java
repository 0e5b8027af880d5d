package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.keys.KeyRef;
import dev.signet.server.custody.CustodyKind;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code custody:} section: strict, PINs only by reference, and the references it builds. */
class CustodyConfigTest {
  private static final Path BASE = Path.of("/etc/signet");

  private static ServerConfig parse(String yaml) throws ServerException {
    return ConfigReader.parse(yaml, "signet.yaml", BASE);
  }

  @Test
  void readsTheHsmSectionAndResolvesPaths() throws ServerException {
    ServerConfig c =
        parse(
            """
            custody:
              keys: hsm
              hsm:
                library: lib/libsofthsm2.so
                token: signet-prod
                pin: file:secrets/hsm-pin
                masterKey: signet-master
                keyLabel: prod.keys
            """);
    ServerConfig.Hsm h = c.custody().hsm();
    assertThat(h).isNotNull();
    assertThat(c.custody().keys()).isEqualTo(CustodyKind.HSM);
    assertThat(c.custody().hsmMasterKey()).isTrue();
    assertThat(h.library()).isEqualTo(Path.of("/etc/signet/lib/libsofthsm2.so"));
    assertThat(h.token()).isEqualTo("signet-prod");
    assertThat(h.slot()).isNull();
    assertThat(h.pin())
        .isEqualTo(new ServerConfig.PinSource.File(Path.of("/etc/signet/secrets/hsm-pin")));
    assertThat(h.keyLabel()).isEqualTo("prod.keys");
    KeyRef.Pkcs11 master = ServerCustody.reference(h, "signet-master");
    assertThat(master.display())
        .isEqualTo(
            "pkcs11:token=signet-prod;object=signet-master?module-path=/etc/signet/lib/"
                + "libsofthsm2.so&pin-source=file:/etc/signet/secrets/hsm-pin");
  }

  @Test
  void defaultsAreSoftwareKeysAndTheMasterKeyFile() throws ServerException {
    ServerConfig c = parse("log: {level: info}\n");
    assertThat(c.custody()).isEqualTo(ServerConfig.CustodyConfig.DEFAULT);
    assertThat(c.custody().hsmMasterKey()).isFalse();
    // A token for keys only: the master key stays in master.key.
    ServerConfig keysOnly =
        parse(
            """
            custody:
              hsm: {library: /usr/lib/p11.so, slot: 7, pin: env:HSM_PIN}
            """);
    ServerConfig.Hsm h = keysOnly.custody().hsm();
    assertThat(h).isNotNull();
    assertThat(keysOnly.custody().keys()).isEqualTo(CustodyKind.SOFTWARE);
    assertThat(keysOnly.custody().hsmMasterKey()).isFalse();
    assertThat(h.slot()).isEqualTo(7L);
    assertThat(h.pin()).isEqualTo(new ServerConfig.PinSource.Env("HSM_PIN"));
    assertThat(h.keyLabel()).isEqualTo("signet");
    assertThat(ServerCustody.reference(h, "signet").display())
        .isEqualTo("pkcs11:slot-id=7;object=signet?module-path=/usr/lib/p11.so");
  }

  @Test
  void anInlinePinIsRefusedWithoutRepeatingIt() {
    for (String pin : new String[] {"\"123456\"", "123456", "pin:123456", "\"file:\""}) {
      assertThatThrownBy(() ->
              parse("custody:\n  hsm:\n    library: /p11.so\n    token: t\n    pin: " + pin + "\n"))
          .isInstanceOf(ServerException.class)
          .hasMessageStartingWith("signet.yaml:5:10: custody.hsm.pin must be env:VARIABLE or")
          .hasMessageNotContaining("123456");
    }
  }

  @Test
  void unknownKeysAndBadValuesAreNamedWithTheirPlace() {
    String[][] cases = {
      {
        "custody:\n  kays: hsm\n", "signet.yaml:2:3: unknown key kays in custody (known: keys, hsm)"
      },
      {"custody:\n  keys: kms\n", "signet.yaml:2:9: custody.keys must be software or hsm"},
      {
        "custody:\n  keys: hsm\n",
        "signet.yaml:2:9: custody.keys is hsm but there is no custody.hsm token"
      },
      {
        "custody:\n  hsm: {library: /p, token: t, pin: env:P, pinValue: x}\n",
        "unknown key pinValue in custody.hsm (known: library, token, slot, pin, masterKey,"
            + " keyLabel)"
      },
      {"custody:\n  hsm: {token: t, pin: env:P}\n", "custody.hsm needs library"},
      {"custody:\n  hsm: {library: /p, pin: env:P}\n", "exactly one of token"},
      {"custody:\n  hsm: {library: /p, token: t, slot: 1, pin: env:P}\n", "exactly one of token"},
      {"custody:\n  hsm: {library: /p, token: t}\n", "custody.hsm needs pin"},
      {"custody:\n  hsm: {library: /p, slot: one, pin: env:P}\n", "custody.hsm.slot must be"},
      {"custody:\n  hsm: {library: /p, token: t, pin: env:1X}\n", "must name an environment"},
      {
        "custody:\n  hsm: {library: /p, token: t, pin: env:P, masterKey: \"a;b\"}\n",
        "custody.hsm.masterKey must be 1-64 characters"
      },
      {
        "custody:\n  hsm: {library: /p, token: " + "t".repeat(33) + ", pin: env:P}\n",
        "custody.hsm.token must be a token label of at most 32"
      },
      {"custody: [hsm]\n", "custody must be a mapping"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> parse(c[0]))
          .as(c[0])
          .isInstanceOf(ServerException.class)
          .hasMessageContaining(c[1])
          .hasMessageNotContaining("\n");
    }
  }
}
