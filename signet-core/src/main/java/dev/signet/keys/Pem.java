package dev.signet.keys;

import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * PEM (RFC 7468) as key files use it: one block, {@code -----BEGIN LABEL-----}, base64 lines,
 * {@code -----END LABEL-----}. Strict, because key files are trusted configuration that a typo or a
 * truncated copy should not silently change: exactly one block, only whitespace around it, no RFC
 * 1421 headers ({@code Proc-Type}), canonical base64 with padding.
 */
public final class Pem {
  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,64})-----");
  private static final Pattern LABEL = Pattern.compile("[A-Z0-9]+(?: [A-Z0-9]+)*");
  private static final int LINE = 64;

  private Pem() {}

  /** One decoded block. The bytes are copied in and out: callers cannot change a parsed key. */
  public record Block(String label, byte[] der) {
    public Block {
      der = der.clone();
    }

    @Override
    public byte[] der() {
      return der.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Block b && label.equals(b.label) && Arrays.equals(der, b.der);
    }

    @Override
    public int hashCode() {
      return label.hashCode() * 31 + Arrays.hashCode(der);
    }

    @Override
    public String toString() {
      return "Pem.Block[" + label + ", " + der.length + " bytes]"; // never the bytes: keys
    }
  }

  /** The label of the first block, or null when {@code text} holds no PEM block. */
  public static @Nullable String firstLabel(String text) {
    Matcher m = BEGIN.matcher(text);
    return m.find() ? m.group(1) : null;
  }

  /**
   * Parses a file that holds exactly one PEM block.
   *
   * @throws KeyException {@link KeyException.Reason#MALFORMED}, naming {@code source} and what is
   *     wrong, never the content
   */
  public static Block read(String text, String source) throws KeyException {
    String t = text.strip();
    Matcher begin = BEGIN.matcher(t);
    if (!begin.lookingAt()) {
      throw malformed(source, "expected a PEM block starting \"-----BEGIN …-----\"");
    }
    String label = begin.group(1);
    if (!LABEL.matcher(label).matches()) {
      throw malformed(source, "the PEM label is not upper-case words");
    }
    String end = "-----END " + label + "-----";
    int endAt = t.indexOf(end, begin.end());
    if (endAt < 0) {
      throw malformed(source, "the PEM block has no \"" + end + "\" line (truncated?)");
    }
    if (endAt + end.length() != t.length()) {
      throw malformed(source, "more than one PEM block, or text after the END line");
    }
    String body = t.substring(begin.end(), endAt);
    if (body.indexOf(':') >= 0) {
      throw malformed(source, "PEM headers (such as Proc-Type) are not supported");
    }
    String b64 = body.replaceAll("[ \\t\\r\\n]", "");
    if (b64.isEmpty()) {
      throw malformed(source, "the PEM block is empty");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw malformed(source, "the PEM body is not valid base64");
    }
    if (!Base64.getEncoder().encodeToString(der).equals(b64)) {
      throw malformed(source, "the PEM body is not canonical base64");
    }
    return new Block(label, der);
  }

  /** Writes one block with 64-character lines and a final newline, as OpenSSL and Go do. */
  public static String write(String label, byte[] der) {
    if (!LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException("bad PEM label");
    }
    String b64 = Base64.getEncoder().encodeToString(der);
    StringBuilder out = new StringBuilder(b64.length() + 80);
    out.append("-----BEGIN ").append(label).append("-----\n");
    for (int i = 0; i < b64.length(); i += LINE) {
      out.append(b64, i, Math.min(b64.length(), i + LINE)).append('\n');
    }
    return out.append("-----END ").append(label).append("-----\n").toString();
  }

  private static KeyException malformed(String source, String why) {
    return new KeyException(KeyException.Reason.MALFORMED, source + ": " + why);
  }
}
