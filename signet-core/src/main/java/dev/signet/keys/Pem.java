package dev.signet.keys;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict PEM (RFC 7468) reading and writing for key files. Only whitespace may surround the blocks
 * and encapsulated headers ({@code Proc-Type}, i.e. OpenSSL-encrypted legacy keys) are refused: a
 * key file is parsed, not searched, so a block hidden inside other text is never picked up.
 */
final class Pem {
  private Pem() {}

  /** One PEM block: its label and decoded body. The body may be secret; callers zero it. */
  @SuppressWarnings("ArrayRecordComponent") // package-private; callers zero the body
  record Block(String label, byte[] der) {
    @Override
    public String toString() {
      return "Pem.Block[" + label + "]"; // never the body
    }
  }

  /** PEM key files are small; 64 KiB is ample for an RSA-16384 private key. */
  static final int MAX_CHARS = 64 << 10;

  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,64})-----");
  private static final Pattern BASE64_LINE = Pattern.compile("[A-Za-z0-9+/=]*");

  /** True when {@code text} looks like PEM at all (for telling PEM from JWKS). */
  static boolean looksLikePem(String text) {
    return text.stripLeading().startsWith("-----BEGIN ");
  }

  /** Reads every block of {@code text}; {@code source} names the file in errors. */
  static List<Block> decode(String text, String source) throws KeyException {
    if (text.length() > MAX_CHARS) {
      throw malformed(source, "larger than " + (MAX_CHARS >> 10) + " KiB; not a PEM key file");
    }
    List<Block> blocks = new ArrayList<>();
    List<String> lines = text.lines().map(String::strip).toList();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (line.isEmpty()) {
        i++;
        continue;
      }
      Matcher m = BEGIN.matcher(line);
      if (!m.matches()) {
        throw malformed(
            source,
            blocks.isEmpty()
                ? "not a PEM file (expected a \"-----BEGIN …-----\" line)"
                : "unexpected text after the END line of a PEM block");
      }
      String label = m.group(1);
      String end = "-----END " + label + "-----";
      StringBuilder body = new StringBuilder();
      int j = i + 1;
      for (; j < lines.size() && !lines.get(j).equals(end); j++) {
        String l = lines.get(j);
        if (l.contains(":")) {
          throw malformed(
              source,
              "PEM block \""
                  + label
                  + "\" has encapsulated headers (legacy OpenSSL encryption); convert it to"
                  + " PKCS#8 first");
        }
        if (!BASE64_LINE.matcher(l).matches()) {
          throw malformed(source, "PEM block \"" + label + "\" has a line that is not base64");
        }
        body.append(l);
      }
      if (j == lines.size()) {
        throw malformed(source, "PEM block \"" + label + "\" has no END line (truncated?)");
      }
      byte[] der;
      try {
        der = Base64.getDecoder().decode(body.toString());
      } catch (IllegalArgumentException e) {
        throw malformed(source, "PEM block \"" + label + "\" is not valid base64 (truncated?)");
      }
      if (der.length == 0) {
        throw malformed(source, "PEM block \"" + label + "\" is empty");
      }
      blocks.add(new Block(label, der));
      i = j + 1;
    }
    if (blocks.isEmpty()) {
      throw malformed(source, "empty file; expected a PEM key");
    }
    return blocks;
  }

  /** Reads exactly one block; {@code what} says what was expected, for the error. */
  static Block single(String text, String source, String what) throws KeyException {
    List<Block> blocks = decode(text, source);
    // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key; it adds nothing.
    List<Block> keys = blocks.stream().filter(b -> !b.label().equals("EC PARAMETERS")).toList();
    if (keys.size() != 1) {
      throw malformed(source, "expected one PEM block (" + what + "), found " + keys.size());
    }
    return keys.getFirst();
  }

  /** Encodes one block with 64-character lines and a trailing newline. */
  static String encode(String label, byte[] der) {
    String b64 = Base64.getEncoder().encodeToString(der);
    StringBuilder out = new StringBuilder("-----BEGIN ").append(label).append("-----\n");
    for (int i = 0; i < b64.length(); i += 64) {
      out.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    return out.append("-----END ").append(label).append("-----\n").toString();
  }

  static KeyException malformed(String source, String why) {
    return new KeyException(KeyException.Reason.MALFORMED, source + ": " + why);
  }
}
