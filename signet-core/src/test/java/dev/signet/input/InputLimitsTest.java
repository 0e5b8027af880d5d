package dev.signet.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.job.MatrixPermutations;
import dev.signet.json.JsonReader;
import dev.signet.jws.DetachedJws;
import dev.signet.jws.SignatureVerificationException;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineParser;
import dev.signet.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bound in {@link InputLimits}, exercised at the limit (accepted) and one past it (refused
 * with a typed, one-line error). docs/security.md lists the same bounds.
 */
class InputLimitsTest {
  private static final InputLimits L = InputLimits.DEFAULT;

  // ---- documents: bytes ----

  /** A pipeline of exactly {@code bytes} bytes: one step whose command pads it out. */
  private static String pipelineOfSize(int bytes) {
    String head = "steps:\n  - command: \"";
    String tail = "\"\n";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  @Test
  void yamlAtTheByteLimitParsesAndOneByteMoreIsRefused() throws InputException {
    String atLimit = pipelineOfSize(L.maxBytes());
    assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(L.maxBytes());
    Pipeline p = PipelineParser.parse(atLimit, "big.yml", L);
    assertThat(((CommandStep) p.steps().get(0)).command()).hasSize(L.maxBytes() - 23);

    assertThatThrownBy(() -> PipelineParser.parse(pipelineOfSize(L.maxBytes() + 1), "big.yml", L))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("big.yml")
        .hasMessageContaining("larger than the input limit of 8192 KiB");
  }

  @Test
  void jsonAtTheByteLimitParsesAndOneByteMoreIsRefused() throws InputException {
    String atLimit = "\"" + "x".repeat(L.maxBytes() - 2) + "\"";
    assertThat(new JsonReader(L).parse(atLimit, "big.json")).isNotNull();
    String past = "\"" + "x".repeat(L.maxBytes() - 1) + "\"";
    assertThatThrownBy(() -> new JsonReader(L).parse(past, "big.json"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("big.json");
  }

  // ---- documents: YAML aliases ----

  private static String withAliases(int n) {
    StringBuilder y = new StringBuilder("env: &e {A: b}\nsteps:\n");
    for (int i = 0; i < n; i++) {
      y.append("  - {command: x, env: *e}\n");
    }
    return y.toString();
  }

  @Test
  void aliasesUpToTheLimitAreExpandedAndOneMoreIsRefused() throws InputException {
    assertThat(PipelineParser.parse(withAliases(L.maxAliases()), "a.yml", L).steps())
        .hasSize(L.maxAliases());
    assertThatThrownBy(() -> PipelineParser.parse(withAliases(L.maxAliases() + 1), "a.yml", L))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("too many aliases: more than 100 aliases");
  }

  // ---- documents: nesting depth ----

  /** A pipeline whose deepest collection sits at nesting level {@code depth}. */
  private static String yamlOfDepth(int depth) {
    // Levels: the document mapping (1), steps (2), the step (3), env... no: plugin config nests.
    // steps: [ {command: x, plugins: [ {p#v1: [[[...]]]} ]} ] puts 5 levels before the lists.
    int lists = depth - 5;
    return "steps: [{command: x, plugins: [{p#v1: "
        + "[".repeat(lists)
        + "]".repeat(lists)
        + "}]}]\n";
  }

  @Test
  void yamlNestedToTheDepthLimitParsesAndOneLevelMoreIsRefused() throws InputException {
    assertThat(PipelineParser.parse(yamlOfDepth(L.maxDepth()), "d.yml", L).steps()).hasSize(1);
    assertThatThrownBy(() -> PipelineParser.parse(yamlOfDepth(L.maxDepth() + 1), "d.yml", L))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("nested deeper than 64 levels");
  }

  @Test
  void jsonNestedToTheDepthLimitParsesAndOneLevelMoreIsRefused() throws InputException {
    int d = L.maxDepth();
    assertThat(new JsonReader(L).parse("[".repeat(d) + "]".repeat(d), "d.json")).isNotNull();
    assertThatThrownBy(
            () -> new JsonReader(L).parse("[".repeat(d + 1) + "]".repeat(d + 1), "d.json"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("nested deeper than 64 levels");
  }

  // ---- documents: steps and documents ----

  private static String stepsYaml(int n) {
    return "steps:\n" + "  - command: x\n".repeat(n);
  }

  @Test
  void stepsUpToTheLimitParseAndOneMoreIsRefused() throws InputException {
    assertThat(PipelineParser.parse(stepsYaml(L.maxSteps()), "s.yml", L).steps())
        .hasSize(L.maxSteps());
    assertThatThrownBy(() -> PipelineParser.parse(stepsYaml(L.maxSteps() + 1), "s.yml", L))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("more than 10000 steps");
  }

  @Test
  void documentsUpToTheLimitParseAndOneMoreIsRefused() throws InputException {
    String doc = "steps: [{command: x}]\n";
    assertThat(PipelineParser.parseAll(("---\n" + doc).repeat(L.maxDocuments()), "m.yml", L))
        .hasSize(L.maxDocuments());
    assertThatThrownBy(
            () -> PipelineParser.parseAll(("---\n" + doc).repeat(L.maxDocuments() + 1), "m.yml", L))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("more than 64 YAML documents");
  }

  // ---- JWS ----

  @Test
  void jwsValueLengthIsBounded() throws Exception {
    var keys = TestKeys.verificationKeys("EdDSA/TEST_DO_NOT_USE");
    byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
    // At the limit the value is read (and refused for what it is); one more is refused unread.
    String atLimit = "eyJhbGciOiJFZERTQSJ9.." + "A".repeat(InputLimits.MAX_JWS_CHARS - 22);
    assertThat(atLimit).hasSize(InputLimits.MAX_JWS_CHARS);
    assertThatThrownBy(() -> DetachedJws.verify(atLimit, payload, keys))
        .isInstanceOf(SignatureVerificationException.class)
        .message()
        .doesNotContain("too long");
    assertThatThrownBy(() -> DetachedJws.verify(atLimit + "A", payload, keys))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining("the signature value is too long");
  }

  @Test
  void jwsHeaderLengthIsBounded() throws Exception {
    var keys = TestKeys.verificationKeys("EdDSA/TEST_DO_NOT_USE");
    byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
    String header = "A".repeat(InputLimits.MAX_JWS_HEADER_CHARS);
    assertThatThrownBy(() -> DetachedJws.verify(header + "..AAAA", payload, keys))
        .isInstanceOf(SignatureVerificationException.class)
        .message()
        .doesNotContain("too long");
    assertThatThrownBy(() -> DetachedJws.verify(header + "A..AAAA", payload, keys))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining("the JWS header is empty or too long");
  }

  // ---- files and references ----

  @Test
  void keyFilesAreReadUpToTheLimit(@TempDir Path dir) throws Exception {
    Path at = Files.write(dir.resolve("at.json"), new byte[InputLimits.MAX_KEY_FILE_BYTES]);
    assertThat(InputFiles.readBytes(at.toString(), InputLimits.MAX_KEY_FILE_BYTES))
        .hasSize(InputLimits.MAX_KEY_FILE_BYTES);
    Path past = Files.write(dir.resolve("past.json"), new byte[InputLimits.MAX_KEY_FILE_BYTES + 1]);
    assertThatThrownBy(() -> InputFiles.readBytes(past.toString(), InputLimits.MAX_KEY_FILE_BYTES))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("past.json");
  }

  @Test
  void keyReferencesAreBounded() throws KeyException {
    String path = "k".repeat(InputLimits.MAX_KEY_REF_CHARS);
    assertThat(KeyRef.parse(path)).isInstanceOf(KeyRef.File.class);
    assertThatThrownBy(() -> KeyRef.parse(path + "k"))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("longer than 4096 characters");
  }

  // ---- matrix ----

  private static CommandStep matrixStep(int values) throws InputException {
    StringBuilder y = new StringBuilder("steps:\n  - command: x\n    matrix: [");
    for (int i = 0; i < values; i++) {
      y.append(i == 0 ? "" : ",").append('v').append(i);
    }
    y.append("]\n");
    return (CommandStep) PipelineParser.parse(y.toString(), "m.yml", L).steps().get(0);
  }

  @Test
  void matrixPermutationsAreBounded() throws Exception {
    assertThat(
            MatrixPermutations.enumerate(matrixStep(InputLimits.MAX_MATRIX_PERMUTATIONS).matrix()))
        .hasSize(InputLimits.MAX_MATRIX_PERMUTATIONS);
    CommandStep past = matrixStep(InputLimits.MAX_MATRIX_PERMUTATIONS + 1);
    assertThatThrownBy(() -> MatrixPermutations.enumerate(past.matrix()))
        .isInstanceOf(dev.signet.SignetException.class)
        .hasMessageContaining("more than 10000");
  }
}
