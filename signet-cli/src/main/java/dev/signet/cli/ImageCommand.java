package dev.signet.cli;

import dev.signet.SignetException;
import dev.signet.artifact.Artifact;
import dev.signet.artifact.ArtifactException;
import dev.signet.artifact.ArtifactSigner;
import dev.signet.artifact.ArtifactVerifier;
import dev.signet.artifact.BlobSignature;
import dev.signet.artifact.Digest;
import dev.signet.artifact.ImageReference;
import dev.signet.artifact.SignatureImage;
import dev.signet.artifact.SimpleSigning;
import dev.signet.client.ServiceKey;
import dev.signet.client.ServiceReceipt;
import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonNumber;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "image",
    description = "Sign container images the way cosign does (simple signing, the .sig tag).",
    mixinStandardHelpOptions = true,
    subcommands = {ImageCommand.Sign.class, ImageCommand.Verify.class})
final class ImageCommand {
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";

  private ImageCommand() {}

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description = {
        "Sign an image by digest, offline: the simple-signing payload (docker-reference and docker-manifest-digest, byte for byte as cosign makes it) and its signature, stored as cosign stores it under the tag sha256-<hex>.sig: an OCI image manifest whose layer is the payload, with the signature in the annotation dev.cosignproject.cosign/signature.",
        "--output DIR writes that image as an OCI image layout (skopeo copy oci:DIR:sha256-<hex>.sig docker://… pushes it); --registry URL pushes it with the OCI distribution API, adding to the signatures already there."
      })
  static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--digest",
        required = true,
        paramLabel = "sha256:HEX",
        description = "The image manifest digest")
    String digest;

    @Option(
        names = "--reference",
        required = true,
        paramLabel = "REPO[:TAG]",
        description = "The image name, e.g. ghcr.io/acme/app")
    String reference;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "KEYREF",
        description = "Signing key (any key reference, signet:// included)")
    String key;

    @Mixin ServiceOptions service = new ServiceOptions();

    @Option(
        names = "--output",
        paramLabel = "DIR",
        description = "Write an OCI image layout here (a new directory)")
    @Nullable Path output;

    @Option(
        names = "--registry",
        paramLabel = "URL",
        description = "Push to this registry, e.g. https://ghcr.io")
    @Nullable String registry;

    @Option(
        names = {"-a", "--annotation"},
        paramLabel = "KEY=VALUE",
        description = "Signed annotation (cosign -a)")
    Map<String, String> annotations = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      if (output == null && registry == null) {
        throw new UsageException("give --output DIR, --registry URL or both");
      }
      Digest d = Digest.parse(digest, "--digest");
      ImageReference ref = ImageReference.parse(reference, "--reference");
      RegistryClient client = registry == null ? null : RegistryClient.of(registry);
      if (output != null && Files.exists(output) && !isEmptyDir(output)) {
        throw new OutputException(output + ": already exists; give a new directory");
      }
      SigningKey signingKey =
          KeyRefs.signingKey(
              KeyRefs.parse(key, "--key"),
              KeyRefs.env(),
              null,
              service.settings(KeyRefs.env(), spec.commandLine().getErr()));
      try {
        byte[] payload = SimpleSigning.payload(ref, d, annotations);
        BlobSignature sig = ArtifactSigner.signMessage(signingKey, payload);
        ServiceReceipt receipt = signingKey instanceof ServiceKey sk ? sk.takeLastReceipt() : null;
        SignatureImage.Layer layer = SignatureImage.Layer.signature(payload, sig.base64());
        String tag = ImageReference.signatureTag(d);
        PrintWriter out = spec.commandLine().getOut();
        if (output != null) {
          SignatureImage.Built built = SignatureImage.build(List.of(), layer);
          writeLayout(output, tag, built, payload);
          out.println("Wrote " + ref.name() + ":" + tag + " to " + output + " (OCI image layout)");
        }
        if (client != null) {
          var stored = client.manifest(ref.repository(), tag);
          List<SignatureImage.Layer> existing =
              stored.isEmpty()
                  ? List.of()
                  : SignatureImage.parseManifest(
                      stored.get(), client.display(ref.repository()) + ":" + tag);
          SignatureImage.Built built = SignatureImage.build(existing, layer);
          client.pushBlob(ref.repository(), payload);
          client.pushBlob(ref.repository(), built.config().content());
          client.putManifest(
              ref.repository(),
              tag,
              built.manifest().content(),
              SignatureImage.MANIFEST_MEDIA_TYPE);
          out.println(
              "Pushed "
                  + client.display(ref.repository())
                  + ":"
                  + tag
                  + " ("
                  + built.layers().size()
                  + (built.layers().size() == 1 ? " signature" : " signatures")
                  + ", manifest "
                  + built.manifest().digest()
                  + ")");
        }
        out.flush();
        if (receipt != null) {
          // Beside the layout directory (DIR.receipt.json), never inside it: the layout is OCI's.
          service.write(receipt, output, spec.commandLine().getErr());
        }
        return ExitCode.OK;
      } finally {
        KeyRefs.release(signingKey);
      }
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
      if (!Files.isDirectory(dir)) {
        return false;
      }
      try (var s = Files.list(dir)) {
        return s.findAny().isEmpty();
      }
    }

    private static void writeLayout(
        Path dir, String tag, SignatureImage.Built built, byte[] payload) throws OutputException {
      Path blobs = dir.resolve("blobs").resolve("sha256");
      try {
        Files.createDirectories(blobs);
      } catch (IOException e) {
        throw new OutputException(dir + ": cannot create the layout directory");
      }
      for (SignatureImage.Blob b :
          List.of(SignatureImage.Blob.of(payload), built.config(), built.manifest())) {
        AtomicFiles.replace(blobs.resolve(b.digest().hex()), b.content());
      }
      AtomicFiles.replace(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      String index =
          JsonWriter.compact(
              JsonObject.builder()
                  .put("schemaVersion", JsonNumber.of(2))
                  .put("mediaType", INDEX_MEDIA_TYPE)
                  .put(
                      "manifests",
                      new JsonArray(
                          List.of(
                              JsonObject.builder()
                                  .put("mediaType", SignatureImage.MANIFEST_MEDIA_TYPE)
                                  .put("digest", built.manifest().digest().toString())
                                  .put("size", JsonNumber.of(built.manifest().content().length))
                                  .put(
                                      "annotations",
                                      JsonObject.builder().put(REF_NAME, tag).build())
                                  .build())))
                  .build());
      // index.json last: a layout is complete once it names the manifest.
      AtomicFiles.replace(dir.resolve("index.json"), index);
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verify the cosign signatures of an image, read from an OCI image layout (--input) or a registry (--registry): at least one signature must verify with the key, and its payload must name this digest and this repository.",
        "Exit 0 verified, 1 refused, 2 bad input, 3 key error."
      })
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--digest",
        required = true,
        paramLabel = "sha256:HEX",
        description = "The image manifest digest")
    String digest;

    @Option(
        names = "--reference",
        required = true,
        paramLabel = "REPO[:TAG]",
        description = "The image name")
    String reference;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "PUBREF",
        description = "Trusted public key")
    String key;

    @Option(
        names = "--input",
        paramLabel = "DIR",
        description = "An OCI image layout written by image sign")
    @Nullable Path input;

    @Option(names = "--registry", paramLabel = "URL", description = "Read from this registry")
    @Nullable String registry;

    @Override
    public Integer call() throws Exception {
      if ((input == null) == (registry == null)) {
        throw new UsageException("give exactly one of --input DIR and --registry URL");
      }
      Digest d = Digest.parse(digest, "--digest");
      ImageReference ref = ImageReference.parse(reference, "--reference");
      List<VerifyingKey> keys =
          KeyRefs.publicKeys(
              KeyRefs.parse(key, "--key"), KeyRefs.env(), spec.commandLine().getErr());
      String tag = ImageReference.signatureTag(d);
      Source source =
          input != null
              ? new LayoutSource(input)
              : new RegistrySource(RegistryClient.of(registry), ref.repository());
      List<SignatureImage.Layer> layers = source.layers(tag);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<String> refusals = new ArrayList<>();
      int verified = 0;
      for (int i = 0; i < layers.size(); i++) {
        SignatureImage.Layer l = layers.get(i);
        String where = source.name() + ":" + tag + " layers[" + i + "]";
        if (!l.mediaType().equals(SimpleSigning.MEDIA_TYPE) || l.signature() == null) {
          continue;
        }
        try {
          byte[] payload = source.blob(l.digest());
          byte[] signature;
          try {
            signature = Base64.getDecoder().decode(l.signature());
          } catch (IllegalArgumentException e) {
            throw new InputException(where, null, "the signature annotation is not base64");
          }
          ArtifactVerifier.Verified v =
              ArtifactVerifier.signature(signature, where, Artifact.inMemory(where, payload), keys);
          SimpleSigning.Claim claim = SimpleSigning.parse(payload, where + " payload");
          if (!claim.manifestDigest().equals(d)) {
            throw new ArtifactException(
                ArtifactException.Reason.DIGEST_MISMATCH,
                where + ": the signed payload is for " + claim.manifestDigest() + ", not " + d);
          }
          if (!claim.dockerReference().equals(ref.name())) {
            throw new ArtifactException(
                ArtifactException.Reason.KEY_MISMATCH,
                where
                    + ": the signed payload names "
                    + printable(claim.dockerReference())
                    + ", not "
                    + ref.name());
          }
          verified++;
          out.println(
              "Verified OK: "
                  + ref.name()
                  + "@"
                  + d
                  + " signed by "
                  + v.key().source()
                  + " ("
                  + v.key().algorithm()
                  + ")"
                  + (claim.optional().isEmpty() ? "" : ", annotations " + claim.optional()));
        } catch (ArtifactException | InputException e) {
          refusals.add(Main.oneLine(e.getMessage()));
        }
      }
      out.flush();
      if (verified > 0) {
        return ExitCode.OK;
      }
      for (String r : refusals) {
        err.println("signet: " + r);
      }
      throw new RefusedException(
          layers.isEmpty() || refusals.isEmpty()
              ? source.name() + ":" + tag + ": no cosign signature for " + d
              : "no signature of "
                  + ref.name()
                  + "@"
                  + d
                  + " verifies with "
                  + keys.getFirst().source());
    }

    private static String printable(String s) {
      String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
      return "\"" + cut.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
  }

  /** Where verify reads a signature image from. */
  private interface Source {
    String name();

    List<SignatureImage.Layer> layers(String tag) throws SignetException;

    byte[] blob(Digest digest) throws SignetException;
  }

  private record RegistrySource(RegistryClient client, String repository) implements Source {
    @Override
    public String name() {
      return client.display(repository);
    }

    @Override
    public List<SignatureImage.Layer> layers(String tag) throws SignetException {
      var manifest = client.manifest(repository, tag);
      return manifest.isEmpty()
          ? List.of()
          : SignatureImage.parseManifest(manifest.get(), name() + ":" + tag);
    }

    @Override
    public byte[] blob(Digest digest) throws SignetException {
      return client.blob(repository, digest);
    }
  }

  private record LayoutSource(Path dir) implements Source {
    @Override
    public String name() {
      return dir.toString();
    }

    @Override
    public List<SignatureImage.Layer> layers(String tag) throws SignetException {
      String indexPath = dir.resolve("index.json").toString();
      JsonValue index =
          new JsonReader(new InputLimits(InputLimits.MAX_OCI_MANIFEST_BYTES, 0, 16, 1, 1))
              .parse(InputFiles.readText(indexPath, InputLimits.MAX_OCI_MANIFEST_BYTES), indexPath);
      if (!(index instanceof JsonObject o)
          || !(o.get("manifests") instanceof JsonArray manifests)) {
        throw new InputException(indexPath, null, "not an OCI image index");
      }
      for (JsonValue m : manifests.items()) {
        if (m instanceof JsonObject desc
            && desc.get("annotations") instanceof JsonObject a
            && a.get(REF_NAME) instanceof JsonString name
            && name.value().equals(tag)
            && desc.get("digest") instanceof JsonString dg) {
          Digest digest = Digest.parse(dg.value(), indexPath + ": manifests.digest");
          return SignatureImage.parseManifest(blob(digest), name() + ":" + tag);
        }
      }
      return List.of();
    }

    @Override
    public byte[] blob(Digest digest) throws SignetException {
      Path p = dir.resolve("blobs").resolve(digest.algorithm().prefix()).resolve(digest.hex());
      byte[] content = InputFiles.readBytes(p.toString(), InputLimits.MAX_OCI_MANIFEST_BYTES);
      if (!Digest.of(digest.algorithm(), content, 0, content.length).equals(digest)) {
        throw new InputException(p.toString(), null, "the blob does not match its digest");
      }
      return content;
    }
  }
}
