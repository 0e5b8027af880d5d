package dev.signet.cli;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "import-cosign",
    mixinStandardHelpOptions = true,
    description = {
      "Convert a cosign private key into a private JWKS that `signet pipeline sign` and `signet attest` can use.",
      "Reads cosign.key (ENCRYPTED SIGSTORE or COSIGN PRIVATE KEY; the password comes from SIGNET_KEY_PASSWORD or COSIGN_PASSWORD, else a terminal prompt) and the unencrypted PEM forms cosign import-key-pair accepts (PRIVATE KEY, EC PRIVATE KEY, RSA PRIVATE KEY).",
      "The algorithm follows from the key: P-256 ES256, P-384 ES384, P-521 ES512, Ed25519 EdDSA, RSA PS256 (or --rsa-alg PS512). Pipeline signing takes EdDSA, ES256, ES512 and PS512 keys."
    })
final class KeyImportCosignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--key", required = true, description = "cosign.key or a PEM private key")
  Path key;

  @Option(
      names = "--output-jwks",
      description = "Write the private JWKS here (mode 0600, never overwritten); default: stdout")
  Path output;

  @Option(names = "--kid", description = "Key ID; default: the RFC 7638 thumbprint")
  String kid;

  @Option(names = "--rsa-alg", description = "PS256 (default) or PS512, for RSA keys")
  String rsaAlg;

  @Override
  public Integer call() throws Exception {
    Algorithm rsa = rsaAlgorithm(rsaAlg);
    SigningKey k = KeyRefs.signingKey(new KeyRef.File(key, null), KeyRefs.env(), rsa);
    String jwks = PemKeys.privateJwks(k, kid) + "\n";
    String id = kid != null ? kid : PemKeys.thumbprint(k.publicKey());
    PrintWriter err = spec.commandLine().getErr();
    if (output != null) {
      AtomicFiles.createNew(output, jwks, true);
      spec.commandLine()
          .getOut()
          .printf(
              java.util.Locale.ROOT,
              "Imported %s key \"%s\" into %s (mode 0600; keep it secret)%n",
              k.algorithm(),
              id,
              output);
      spec.commandLine().getOut().flush();
    } else {
      CommandOutput.write(spec, null, jwks);
    }
    if (!k.algorithm().allowedForFileSigning()) {
      err.println(
          "signet: note: "
              + k.algorithm()
              + " keys sign attestations and artifacts; `pipeline sign` takes EdDSA, ES256, ES512"
              + " or PS512");
      err.flush();
    }
    return ExitCode.OK;
  }

  static @Nullable Algorithm rsaAlgorithm(@Nullable String name) throws KeyException {
    if (name == null) {
      return null;
    }
    return Algorithm.fromJwa(name)
        .filter(a -> a == Algorithm.PS256 || a == Algorithm.PS512)
        .orElseThrow(() ->
            new KeyException(
                KeyException.Reason.NOT_ALLOWED, "--rsa-alg " + name + ": choose PS256 or PS512"));
  }
}
