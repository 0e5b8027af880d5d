package dev.signet.cli;

import dev.signet.SignetException;
import dev.signet.artifact.Artifact;
import dev.signet.artifact.ArtifactException;
import dev.signet.artifact.ArtifactSigner;
import dev.signet.artifact.ArtifactVerifier;
import dev.signet.artifact.BlobSignature;
import dev.signet.artifact.Digest;
import dev.signet.artifact.HashAlgorithm;
import dev.signet.artifact.SigstoreBundle;
import dev.signet.client.ServiceKey;
import dev.signet.client.ServiceReceipt;
import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.keys.KeyException;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "artifact",
    description = "Sign and verify files the way cosign sign-blob and verify-blob do, offline.",
    mixinStandardHelpOptions = true,
    subcommands = {ArtifactCommand.Sign.class, ArtifactCommand.Verify.class})
final class ArtifactCommand {
  private ArtifactCommand() {}

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description = {
        "Sign files with the bytes cosign sign-blob makes: the key's hash of each file, signed in the key's native encoding (ECDSA DER, RSA-PSS; Ed25519 signs the file itself), as a bare base64 signature and as a Sigstore bundle v0.3 with a public-key hint and no transparency-log entry.",
        "One FILE: --bundle and --output-signature name the outputs; with neither, the signature is printed. Several FILEs are hashed in parallel and each gets FILE.sig and FILE.sigstore.json beside it. --digest signs a digest instead of a file, for files that never leave the build host."
      })
  static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "Files to sign")
    List<Path> files = new ArrayList<>();

    @Option(
        names = "--key",
        required = true,
        paramLabel = "KEYREF",
        description =
            "Signing key: a JWKS (file#kid), PEM PKCS#8 or cosign.key file, pkcs11:, awskms://,"
                + " gcpkms://, hashivault:// or signet://HOST/PROJECT/KEY (the Signet service)")
    String key;

    @Mixin ServiceOptions service = new ServiceOptions();

    @Option(names = "--bundle", paramLabel = "OUT", description = "Write the Sigstore bundle here")
    @Nullable Path bundle;

    @Option(
        names = "--output-signature",
        paramLabel = "OUT",
        description = "Write the base64 signature here (cosign's --output-signature)")
    @Nullable Path outputSignature;

    @Option(
        names = "--digest",
        paramLabel = "ALG:HEX",
        description = "Sign this digest (sha256:…, the key's hash) instead of a file")
    @Nullable String digest;

    @Option(
        names = "--digest-only",
        description =
            "Guarantee that only digests reach the key: refuse keys that sign whole files"
                + " (Ed25519)")
    boolean digestOnly;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (digest != null && !files.isEmpty()) {
        throw new UsageException("give FILEs or --digest, not both");
      }
      if (digest == null && files.isEmpty()) {
        throw new UsageException("nothing to sign: give FILEs or --digest ALG:HEX");
      }
      if (files.size() > 1 && (bundle != null || outputSignature != null)) {
        throw new UsageException(
            "--bundle and --output-signature name one output; with several files each gets"
                + " FILE.sig and FILE.sigstore.json beside it");
      }
      List<Path> inputs = checkInputs(files);
      service.oneReceiptOnly(inputs.size());
      SigningKey signingKey =
          KeyRefs.signingKey(
              KeyRefs.parse(key, "--key"),
              KeyRefs.env(),
              null,
              service.settings(KeyRefs.env(), err));
      try {
        boolean prehash = HashAlgorithm.of(signingKey.algorithm()).isPresent();
        if ((digestOnly || digest != null) && !prehash) {
          ArtifactSigner.requiredHash(signingKey); // throws, naming the key
        }
        long started = System.nanoTime();

        if (digest != null) {
          Digest d = Digest.parse(digest, "--digest");
          BlobSignature sig = ArtifactSigner.sign(signingKey, d);
          writeOutputs(sig, bundle, outputSignature, out);
          writeReceipt(signingKey, bundle != null ? bundle : outputSignature, err);
          summary(err, 1, 0, d.algorithm(), signingKey, started, List.of());
          return ExitCode.OK;
        }

        boolean several = inputs.size() > 1;
        HashAlgorithm hash = prehash ? ArtifactSigner.requiredHash(signingKey) : null;
        if (!prehash && bundle != null) {
          // Say so before any work: an Ed25519 key makes no bundle.
          throw new ArtifactException(
              ArtifactException.Reason.UNSUPPORTED,
              signingKey.reference()
                  + ": an Ed25519 key makes a detached signature only (--output-signature); a"
                  + " Sigstore bundle needs a key that signs digests (ECDSA or RSA-PSS)");
        }
        Progress progress = Progress.start(err, inputs);
        int threads =
            Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), inputs.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> futures = new ArrayList<>();
        for (Path file : inputs) {
          futures.add(
              pool.submit(() -> {
                if (signingKey instanceof ServiceKey sk) {
                  sk.nameNext(file.getFileName().toString());
                }
                BlobSignature sig =
                    hash == null
                        ? ArtifactSigner.signMessage(signingKey, readWhole(file))
                        : ArtifactSigner.sign(signingKey, Digest.ofFile(file, hash, progress::add));
                if (several) {
                  writeOutputs(
                      sig,
                      sig.digest() == null ? null : sibling(file, ".sigstore.json"),
                      sibling(file, ".sig"),
                      out);
                  writeReceipt(signingKey, file, err);
                } else {
                  writeOutputs(sig, bundle, outputSignature, out);
                  writeReceipt(signingKey, bundle != null ? bundle : outputSignature, err);
                }
                progress.fileDone();
                return Files.size(file);
              }));
        }
        pool.shutdown();
        List<SignetException> failures = new ArrayList<>();
        long bytes = 0;
        try {
          for (Future<Long> f : futures) {
            try {
              bytes += f.get();
            } catch (ExecutionException e) {
              if (e.getCause() instanceof KeyException k) {
                // The key is broken for every file: stop rather than repeat the error.
                pool.shutdownNow();
                throw k;
              }
              if (!(e.getCause() instanceof SignetException s)) {
                throw e.getCause() instanceof Exception x ? x : e;
              }
              failures.add(s);
            }
          }
        } finally {
          pool.shutdownNow();
          progress.stop();
        }
        for (SignetException f : failures) {
          err.println("signet: " + Main.oneLine(f.getMessage()));
        }
        summary(err, inputs.size() - failures.size(), bytes, hash, signingKey, started, failures);
        return failures.isEmpty() ? ExitCode.OK : Main.exitCodeOf(failures.getFirst());
      } finally {
        KeyRefs.release(signingKey);
      }
    }

    /** A service signature's receipt, beside {@code besideOf} unless --receipt names a file. */
    private void writeReceipt(SigningKey signingKey, @Nullable Path besideOf, PrintWriter err)
        throws OutputException {
      if (signingKey instanceof ServiceKey sk) {
        ServiceReceipt r = sk.takeLastReceipt();
        if (r != null) {
          synchronized (err) {
            service.write(r, besideOf, err);
          }
        }
      }
    }

    private static byte[] readWhole(Path file) throws InputException {
      return InputFiles.readBytes(file.toString(), Artifact.MAX_MESSAGE_BYTES);
    }

    private static Path sibling(Path file, String suffix) {
      return file.resolveSibling(file.getFileName() + suffix);
    }

    private static void writeOutputs(
        BlobSignature sig, @Nullable Path bundle, @Nullable Path signature, PrintWriter out)
        throws ArtifactException, OutputException {
      // Build everything first: a refused bundle must not leave a lone .sig behind.
      String bundleJson = bundle == null ? null : sig.toBundle().toJson();
      if (bundle != null && bundleJson != null) {
        AtomicFiles.replace(bundle, bundleJson);
      }
      if (signature != null) {
        AtomicFiles.replace(signature, sig.base64());
      }
      if (bundle == null && signature == null) {
        synchronized (out) {
          out.println(sig.base64());
          out.flush();
        }
      }
    }

    private static void summary(
        PrintWriter err,
        int signed,
        long bytes,
        @Nullable HashAlgorithm hash,
        SigningKey key,
        long started,
        List<SignetException> failures) {
      double seconds = (System.nanoTime() - started) / 1e9;
      err.printf(
          Locale.ROOT,
          "Signed %d %s%s with %s (%s%s) in %.2f s%s%n",
          signed,
          signed == 1 ? "file" : "files",
          bytes > 0 ? " (" + Progress.size(bytes) + ")" : "",
          key.reference(),
          key.algorithm(),
          hash == null ? "" : ", " + hash.prefix(),
          seconds,
          failures.isEmpty() ? "" : "; " + failures.size() + " failed");
      err.flush();
    }

    /** Every input must be a distinct regular file before anything is signed. */
    private static List<Path> checkInputs(List<Path> files) throws InputException {
      Set<Path> seen = new HashSet<>();
      List<Path> out = new ArrayList<>();
      for (Path f : files) {
        String name = f.toString();
        if (!Files.exists(f)) {
          throw new InputException(name, null, "no such file");
        }
        if (!Files.isRegularFile(f)) {
          throw new InputException(name, null, "is not a regular file");
        }
        if (!Files.isReadable(f)) {
          throw new InputException(name, null, "permission denied");
        }
        if (seen.add(f.toAbsolutePath().normalize())) {
          out.add(f);
        }
      }
      return out;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verify a file against a Sigstore bundle (v0.1-v0.3 messageSignature, or a legacy cosign bundle) or a bare signature, with a public key given out of band, as cosign verify-blob --key … --insecure-ignore-tlog does. The bundle's digest must be the file's, its key hint the key's, and the signature must verify. Transparency-log entries are not checked (offline).",
        "Exit 0 verified, 1 refused, 2 bad input, 3 key error."
      })
  static final class Verify implements Callable<Integer> {
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The file")
    @Nullable Path file;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "PUBREF",
        description =
            "Trusted public key: a cosign.pub/PEM or JWKS file (file#kid; a set is searched by"
                + " the bundle's hint), or any key reference")
    String key;

    @Option(names = "--bundle", paramLabel = "B", description = "Sigstore or cosign bundle")
    @Nullable Path bundle;

    @Option(
        names = "--signature",
        paramLabel = "S",
        description = "Bare signature file: base64 (cosign's) or raw")
    @Nullable Path signature;

    @Option(
        names = "--digest",
        paramLabel = "ALG:HEX",
        description = "Verify against this digest instead of a FILE")
    @Nullable String digest;

    @Override
    public Integer call() throws Exception {
      if ((bundle == null) == (signature == null)) {
        throw new UsageException("give exactly one of --bundle and --signature");
      }
      if ((file == null) == (digest == null)) {
        throw new UsageException("give a FILE or --digest ALG:HEX");
      }
      List<VerifyingKey> keys =
          KeyRefs.publicKeys(
              KeyRefs.parse(key, "--key"), KeyRefs.env(), spec.commandLine().getErr());
      Artifact artifact;
      if (file != null) {
        if (!Files.isRegularFile(file)) {
          throw new InputException(
              file.toString(), null, Files.exists(file) ? "is not a regular file" : "no such file");
        }
        artifact = Artifact.file(file);
      } else {
        artifact = Artifact.digestOnly(Digest.parse(digest, "--digest"));
      }
      ArtifactVerifier.Verified v;
      if (bundle != null) {
        String source = bundle.toString();
        SigstoreBundle b =
            SigstoreBundle.parse(InputFiles.readBytes(source, SigstoreBundle.MAX_BYTES), source);
        v = ArtifactVerifier.verify(b, source, artifact, keys);
        if (b instanceof SigstoreBundle.MessageSignature m && m.tlogEntries() > 0) {
          spec.commandLine()
              .getErr()
              .println(
                  "signet: note: "
                      + source
                      + " has transparency-log entries; they are not checked offline");
        }
      } else {
        String source = signature.toString();
        v = ArtifactVerifier.signature(readSignature(source), source, artifact, keys);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Verified OK: "
              + artifact.name()
              + (v.digest() == null || file == null ? "" : " (" + v.digest() + ")")
              + " signed by "
              + v.key().source()
              + " ("
              + v.key().algorithm()
              + (v.key().keyId() == null ? "" : ", key \"" + v.key().keyId() + "\"")
              + ")");
      out.flush();
      return ExitCode.OK;
    }

    /** As cosign: content that looks like base64 is decoded, anything else is the signature. */
    private static byte[] readSignature(String path) throws InputException {
      byte[] raw = InputFiles.readBytes(path, InputLimits.MAX_SIGNATURE_FILE_BYTES);
      String text = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1).strip();
      if (BASE64.matcher(text).matches()) {
        try {
          byte[] decoded = Base64.getDecoder().decode(text);
          if (decoded.length > 0) {
            return decoded;
          }
        } catch (IllegalArgumentException e) {
          // not base64 after all: a raw signature
        }
      }
      if (raw.length == 0) {
        throw new InputException(path, null, "the signature file is empty");
      }
      return raw;
    }
  }
}
