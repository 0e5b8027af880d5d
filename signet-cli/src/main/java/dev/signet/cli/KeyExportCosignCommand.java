package dev.signet.cli;

import dev.signet.keys.CosignKeyFile;
import dev.signet.keys.KeySet;
import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "export-cosign",
    mixinStandardHelpOptions = true,
    description = {
      "Write a key of a private JWKS as cosign key files: PREFIX.key (ENCRYPTED SIGSTORE PRIVATE KEY, scrypt N=65536 + NaCl secretbox, mode 0600) and PREFIX.pub (PUBLIC KEY PEM, mode 0644), as `cosign generate-key-pair` writes them.",
      "The password comes from SIGNET_KEY_PASSWORD or COSIGN_PASSWORD, else it is asked twice on the terminal. Existing files are not replaced unless --force is given."
    })
final class KeyExportCosignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--jwks-file", required = true, description = "The private JWKS")
  Path jwksFile;

  @Option(names = "--kid", description = "Key ID; may be omitted when the set has one key")
  String kid;

  @Option(
      names = "--output-key-prefix",
      defaultValue = "cosign",
      description = "Writes PREFIX.key and PREFIX.pub (default: cosign)")
  String prefix;

  @Option(names = "--force", description = "Replace existing PREFIX.key / PREFIX.pub")
  boolean force;

  @Override
  public Integer call() throws Exception {
    KeySet set = KeyFiles.load(jwksFile.toString(), "--jwks-file");
    SigningKey key = CosignKeyFile.fromJwks(set, kid);
    Path priv = Path.of(prefix + ".key");
    Path pub = Path.of(prefix + ".pub");
    if (!force) {
      // Check both before writing either, so a refusal leaves nothing behind.
      for (Path p : new Path[] {priv, pub}) {
        if (Files.exists(p)) {
          throw new OutputException(p + ": already exists; pass --force to replace it");
        }
      }
    }
    char[] pw = KeyPasswords.forWriting(priv.toString());
    String encrypted;
    try {
      encrypted = CosignKeyFile.encrypt(key, pw, new SecureRandom());
    } finally {
      Arrays.fill(pw, '\0');
    }
    write(priv, encrypted, true);
    write(pub, PemKeys.publicKeyPem(key.publicKey()), false);
    var out = spec.commandLine().getOut();
    out.printf(java.util.Locale.ROOT, "Private key written to %s (mode 0600)%n", priv);
    out.printf(java.util.Locale.ROOT, "Public key written to %s%n", pub);
    out.flush();
    return ExitCode.OK;
  }

  private void write(Path target, String text, boolean secret) throws OutputException {
    if (force) {
      AtomicFiles.replace(target, text, secret);
    } else {
      AtomicFiles.createNew(target, text, secret);
    }
  }
}
