package dev.signet.cli;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyGenerator;
import dev.signet.keys.KeySet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "keygen",
    description =
        "Generate a signing key pair as JWKS files, like `buildkite-agent tool keygen`. Files are created with mode 0600 and never overwritten.")
final class KeygenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--alg",
      defaultValue = "${env:BUILDKITE_AGENT_KEYGEN_ALG:-EdDSA}",
      description = "EdDSA (default), ES256, ES512 or PS512 [env: BUILDKITE_AGENT_KEYGEN_ALG]")
  String alg;

  @Option(
      names = "--key-id",
      defaultValue = "${env:BUILDKITE_AGENT_KEYGEN_KEY_ID}",
      description =
          "Key ID (kid); default: a random readable name [env: BUILDKITE_AGENT_KEYGEN_KEY_ID]")
  String keyId;

  @Option(
      names = "--private-jwks-file",
      defaultValue = "${env:BUILDKITE_AGENT_KEYGEN_PRIVATE_JWKS_FILE}",
      description = "Default: ./<alg>-<kid>-private.json")
  Path privateFile;

  @Option(
      names = "--public-jwks-file",
      defaultValue = "${env:BUILDKITE_AGENT_KEYGEN_PUBLIC_JWKS_FILE}",
      description = "Default: ./<alg>-<kid>-public.json")
  Path publicFile;

  @Override
  public Integer call() throws Exception {
    Algorithm algorithm =
        Algorithm.fromJwa(alg)
            .filter(Algorithm::allowedForFileSigning)
            .orElseThrow(() ->
                new KeyException(
                    KeyException.Reason.NOT_ALLOWED,
                    "--alg " + alg + ": choose EdDSA, ES256, ES512 or PS512"));
    SecureRandom random = new SecureRandom();
    String kid = keyId == null || keyId.isEmpty() ? KeyGenerator.randomKeyId(random) : keyId;
    Path priv =
        privateFile != null ? privateFile : Path.of(algorithm.jwa() + "-" + kid + "-private.json");
    Path pub =
        publicFile != null ? publicFile : Path.of(algorithm.jwa() + "-" + kid + "-public.json");
    // Check both before writing either, so a refusal leaves nothing behind.
    for (Path p : new Path[] {priv, pub}) {
      if (Files.exists(p)) {
        throw new OutputException(p + ": already exists; refusing to overwrite it");
      }
    }
    KeyGenerator.GeneratedKey key = KeyGenerator.generate(algorithm, kid, random);
    AtomicFiles.createNew(priv, key.privateJwks() + "\n", true);
    try {
      AtomicFiles.createNew(pub, key.publicJwks() + "\n", true);
    } catch (OutputException e) {
      Files.deleteIfExists(priv);
      throw e;
    }
    String thumbprint =
        KeySet.parse(key.publicJwks(), pub.toString()).describe().getFirst().thumbprint();
    PrintWriter out = spec.commandLine().getOut();
    out.println("Generated " + algorithm + " key \"" + kid + "\"");
    out.println("  private JWKS: " + priv + " (mode 0600; keep it secret)");
    out.println("  public JWKS:  " + pub);
    out.println("  thumbprint (sha256): " + thumbprint);
    out.flush();
    return ExitCode.OK;
  }
}
