package dev.signet.keys.kms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.keys.Algorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The openssl command line as an independent verifier of native signatures (DER ECDSA, RSA-PSS with
 * the salt as long as the hash, Ed25519), and as the maker of a throw-away TLS certificate.
 */
final class OpenSsl {
  private OpenSsl() {}

  /** Asserts that {@code openssl} accepts {@code signature} over {@code message}. */
  static void assertVerifies(Algorithm alg, SoftKey key, byte[] message, byte[] signature, Path dir)
      throws Exception {
    Path pub = Files.writeString(dir.resolve("pub.pem"), key.pem());
    Path msg = Files.write(dir.resolve("msg.bin"), message);
    Path sig = Files.write(dir.resolve("sig.bin"), signature);
    List<String> cmd = new ArrayList<>();
    if (alg == Algorithm.EdDSA) {
      cmd.addAll(List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub.toString()));
      cmd.addAll(List.of("-rawin", "-in", msg.toString(), "-sigfile", sig.toString()));
    } else {
      String dgst = "-" + alg.digest().replace("-", "").toLowerCase(java.util.Locale.ROOT);
      cmd.addAll(List.of("openssl", "dgst", dgst, "-verify", pub.toString()));
      if (alg.keyType() == Algorithm.KeyType.RSA) {
        cmd.addAll(List.of("-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"));
      }
      cmd.addAll(List.of("-signature", sig.toString(), msg.toString()));
    }
    String out = run(cmd);
    // dgst says "Verified OK", pkeyutl "Signature Verified Successfully"; failures say neither.
    assertThat(out).as(String.join(" ", cmd)).containsPattern("Verified OK|Verified Successfully");
  }

  static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
