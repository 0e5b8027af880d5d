package dev.signet.cli;

import dev.signet.keys.VerifyingKey;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "public",
    mixinStandardHelpOptions = true,
    description =
        "Print the public half of any key: a JWKS (with alg and kid; keys without a kid get their RFC 7638 thumbprint as kid) or PEM SubjectPublicKeyInfo (cosign.pub). KEYREF is a JWKS (file#kid), PEM or cosign.key file, pkcs11:, awskms://, gcpkms:// or hashivault://.")
final class KeyPublicCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEYREF", description = "The key")
  String ref;

  @Option(names = "--format", defaultValue = "jwks", description = "jwks (default) or pem")
  String format;

  @Option(names = "--output", paramLabel = "FILE", description = "Write here (atomically)")
  Path output;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("jwks") && !format.equals("pem")) {
      throw new UsageException("--format must be jwks or pem, not " + format);
    }
    List<VerifyingKey> keys =
        KeyRefs.publicKeys(
            KeyRefs.parse(ref, "KEYREF"), KeyRefs.env(), spec.commandLine().getErr());
    String text;
    if (format.equals("jwks")) {
      text = VerifyingKey.toJwks(keys) + "\n";
    } else {
      if (keys.size() != 1) {
        throw new UsageException(
            ref + " holds " + keys.size() + " keys; PEM holds one: choose it with " + ref + "#KID");
      }
      text = keys.getFirst().toPem();
    }
    CommandOutput.write(spec, output, text);
    return ExitCode.OK;
  }
}
