package dev.signet.cli;

import dev.signet.input.InputException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.Signer;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineWriter;
import dev.signet.signing.PipelineSigner;
import dev.signet.signing.PipelineSigningException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description =
        "Sign every command step of a pipeline, like `buildkite-agent tool sign`, and write the whole pipeline to stdout: YAML by default, the upload JSON with --format json. Pipelines containing env interpolation ($VAR, ${VAR}, $$) or steps of unknown type are refused.")
final class PipelineSignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "Pipeline YAML or JSON; - or omitted for stdin")
  String file;

  @Option(
      names = "--jwks-file",
      defaultValue = "${env:BUILDKITE_AGENT_JWKS_FILE}",
      description = "Private JWKS [env: BUILDKITE_AGENT_JWKS_FILE]")
  String jwksFile;

  @Option(
      names = "--jwks-key-id",
      defaultValue = "${env:BUILDKITE_AGENT_JWKS_KEY_ID}",
      description = "Key ID; optional when the set has one key [env: BUILDKITE_AGENT_JWKS_KEY_ID]")
  String keyId;

  @Option(
      names = "--signing-key",
      paramLabel = "KEYREF",
      description =
          "Key to sign with instead of --jwks-file: a JWKS (file#kid), PEM PKCS#8 or cosign.key"
              + " file, pkcs11:, awskms://, gcpkms://, hashivault:// or signet://HOST/PROJECT/KEY"
              + " (the Signet service signs the pipeline)")
  String signingKey;

  @Option(
      names = "--signing-aws-kms-key",
      paramLabel = "KEY",
      defaultValue = "${env:BUILDKITE_AGENT_AWS_KMS_KEY}",
      description =
          "AWS KMS key ID, ARN or alias/NAME, as buildkite-agent takes it (= --signing-key"
              + " awskms:///KEY) [env: BUILDKITE_AGENT_AWS_KMS_KEY]")
  String awsKmsKey;

  @Option(
      names = "--signing-gcp-kms-key",
      paramLabel = "NAME",
      defaultValue = "${env:BUILDKITE_AGENT_GCP_KMS_KEY}",
      description =
          "GCP KMS key version projects/…/cryptoKeyVersions/N (= --signing-key gcpkms://NAME)"
              + " [env: BUILDKITE_AGENT_GCP_KMS_KEY]")
  String gcpKmsKey;

  @Option(
      names = "--repo",
      defaultValue = "${env:BUILDKITE_REPO}",
      description = "Repository URL the steps will run against (signed) [env: BUILDKITE_REPO]")
  String repo;

  @Option(names = "--format", defaultValue = "yaml", description = "yaml (default) or json")
  String format;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write here (atomically) instead of stdout")
  Path output;

  @Option(
      names = "--debug-signing",
      defaultValue = "${env:BUILDKITE_AGENT_DEBUG_SIGNING:-false}",
      description = "Print each step's canonical payload to stderr (may reveal env values)")
  boolean debugSigning;

  @Mixin ServiceOptions service = new ServiceOptions();

  @Override
  public Integer call() throws Exception {
    if (repo == null || repo.isEmpty()) {
      // As tool sign offline: an empty repository would sign steps that run against any repo.
      throw new UsageException("--repo is required: the repository URL is part of every signature");
    }
    if (!format.equals("yaml") && !format.equals("json")) {
      throw new UsageException("--format must be yaml or json, not " + format);
    }
    PrintWriter err = spec.commandLine().getErr();
    if (KeyRefs.orNull(signingKey) != null
        && KeyRefs.parse(signingKey, "--signing-key") instanceof KeyRef.Service ref) {
      if (spec.commandLine().getParseResult().hasMatchedOption("--jwks-file")) {
        throw new UsageException("give one of --signing-key, --jwks-file");
      }
      return ServicePipelines.sign(
          ref, service, KeyRefs.env(), file, repo, format, output, spec, err);
    }
    SigningKey key = signingKey();
    try {
      Signer signer = Signer.of(key);
      PipelineInput input = PipelineInput.read(file);
      PipelineSigner.refuseInterpolation(input.text(), input.source());
      List<Pipeline> docs = input.parseAll();

      BiConsumer<String, byte[]> debug = null;
      if (debugSigning) {
        err.println(
            "warning: --debug-signing prints canonical payloads, which can contain secret env values");
        err.println("Public Key Thumbprint (sha256): " + thumbprint(key));
        debug =
            (path, payload) ->
                err.println(
                    "Signed Step: "
                        + path
                        + " "
                        + new String(payload, StandardCharsets.UTF_8)
                        + " checksum: "
                        + sha256(payload));
      }
      List<String> rendered = new ArrayList<>();
      for (Pipeline doc : docs) {
        Pipeline signed;
        try {
          signed =
              PipelineSigner.sign(doc, signer, new PipelineSigner.Options(null, repo, true, debug));
        } catch (PipelineSigningException e) {
          if (e.reason() != PipelineSigningException.Reason.UNKNOWN_STEP) {
            throw e;
          }
          // The signer names the step but does not know the file.
          throw new InputException(input.source(), null, e.getMessage(), e);
        }
        rendered.add(
            format.equals("json") ? PipelineWriter.toJson(signed) : PipelineWriter.toYaml(signed));
      }
      String text =
          format.equals("json")
              ? (rendered.size() == 1
                      ? rendered.getFirst()
                      : "[" + String.join(",", rendered) + "]")
                  + "\n"
              : String.join("---\n", rendered);
      CommandOutput.write(spec, output, text);
      return ExitCode.OK;
    } finally {
      KeyRefs.release(key);
    }
  }

  /**
   * The key to sign with. Explicit options must not compete; among options that only came from the
   * environment, Buildkite's order applies: AWS KMS, then GCP KMS, then the JWKS file.
   */
  private SigningKey signingKey() throws Exception {
    var parsed = spec.commandLine().getParseResult();
    long explicit =
        java.util.stream.Stream.of(
                "--signing-key", "--jwks-file", "--signing-aws-kms-key", "--signing-gcp-kms-key")
            .filter(parsed::hasMatchedOption)
            .count();
    if (explicit > 1) {
      throw new UsageException(
          "give one of --signing-key, --jwks-file, --signing-aws-kms-key, --signing-gcp-kms-key");
    }
    java.util.Map<String, String> env = KeyRefs.env();
    String aws = KeyRefs.orNull(awsKmsKey);
    String gcp = KeyRefs.orNull(gcpKmsKey);
    boolean jwksExplicit = parsed.hasMatchedOption("--jwks-file");
    if (KeyRefs.orNull(signingKey) != null) {
      return KeyRefs.signingKey(KeyRefs.parse(signingKey, "--signing-key"), env);
    }
    if (aws != null && (!jwksExplicit || parsed.hasMatchedOption("--signing-aws-kms-key"))) {
      return KeyRefs.signingKey(new KeyRef.AwsKms("", aws), env);
    }
    if (gcp != null && (!jwksExplicit || parsed.hasMatchedOption("--signing-gcp-kms-key"))) {
      return KeyRefs.signingKey(KeyRefs.parse("gcpkms://" + gcp, "--signing-gcp-kms-key"), env);
    }
    if (KeyRefs.orNull(jwksFile) == null) {
      throw new UsageException(
          "a signing key is required: --jwks-file, --signing-key, --signing-aws-kms-key or"
              + " --signing-gcp-kms-key");
    }
    return KeyFiles.load(jwksFile, "--jwks-file").signingKey(KeyRefs.orNull(keyId));
  }

  /**
   * What buildkite-agent logs as the key's thumbprint: RFC 7638 for a JWK (hex), SHA-256 of the DER
   * public key for keys without a JWK (KMS).
   */
  private static String thumbprint(SigningKey key) throws Exception {
    VerifyingKey pub = VerifyingKey.of(key);
    if (key.keyId() != null) {
      return HexFormat.of().formatHex(java.util.Base64.getUrlDecoder().decode(pub.thumbprint()));
    }
    return sha256(pub.spki());
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
