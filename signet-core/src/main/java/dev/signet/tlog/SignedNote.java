package dev.signet.tlog;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A C2SP signed note, byte-exact: a text ending in a newline, a blank line, and one or more lines
 * {@code "— <key name> <base64(key ID || signature)>\n"} (U+2014 em dash, one space). The text is
 * separated from the signatures by the <em>last</em> blank line; the whole note is valid UTF-8 with
 * no control characters but newline.
 *
 * <p>Parsing checks the format only; {@link NoteVerifier} checks signatures.
 */
public record SignedNote(String text, List<Signature> signatures) {
  static final String DASH = "— ";

  /**
   * One signature line: the key name, the 32-bit key ID, and the signature bytes that follow the
   * key ID in the base64 blob.
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out: immutable
  public record Signature(String name, int keyId, byte[] signature) {
    public Signature {
      if (!validKeyName(name) || signature.length == 0) {
        throw new IllegalArgumentException("a note key name is non-empty without spaces or '+'");
      }
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    /** The line without its newline: {@code — name base64(keyID || signature)}. */
    public String line() {
      byte[] blob = new byte[4 + signature.length];
      blob[0] = (byte) (keyId >>> 24);
      blob[1] = (byte) (keyId >>> 16);
      blob[2] = (byte) (keyId >>> 8);
      blob[3] = (byte) keyId;
      System.arraycopy(signature, 0, blob, 4, signature.length);
      return DASH + name + " " + Base64.getEncoder().encodeToString(blob);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Signature s
          && s.name.equals(name)
          && s.keyId == keyId
          && java.security.MessageDigest.isEqual(s.signature, signature);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + keyId;
    }

    @Override
    public String toString() {
      return "Signature[" + name + "+" + String.format(java.util.Locale.ROOT, "%08x", keyId) + "]";
    }
  }

  public SignedNote {
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("a note text ends with a newline");
    }
    signatures = List.copyOf(signatures);
  }

  /** The note as it travels: text, blank line, signature lines. */
  public String format() {
    StringBuilder b = new StringBuilder(text).append('\n');
    for (Signature s : signatures) {
      b.append(s.line()).append('\n');
    }
    return b.toString();
  }

  /** Parses a note from its bytes (strict UTF-8). */
  public static SignedNote parse(byte[] note, String source) throws InputException {
    if (note.length > InputLimits.MAX_NOTE_BYTES) {
      throw new InputException(
          source, null, "a signed note is larger than " + InputLimits.MAX_NOTE_BYTES + " bytes");
    }
    return parse(InputFiles.decodeUtf8(note, source), source);
  }

  /** Parses a note. */
  public static SignedNote parse(String note, String source) throws InputException {
    if (note.length() > InputLimits.MAX_NOTE_BYTES
        || note.getBytes(StandardCharsets.UTF_8).length > InputLimits.MAX_NOTE_BYTES) {
      throw new InputException(
          source, null, "a signed note is larger than " + InputLimits.MAX_NOTE_BYTES + " bytes");
    }
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c < 0x20 && c != '\n') {
        throw new InputException(
            source, "character " + i, "a signed note holds a control character");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < note.length()
          && Character.isLowSurrogate(note.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InputException(source, "character " + i, "a signed note is not valid UTF-8");
      }
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new InputException(
          source, null, "not a signed note: no blank line before the signatures");
    }
    String text = note.substring(0, split + 1);
    String sigs = note.substring(split + 2);
    if (sigs.isEmpty()) {
      throw new InputException(source, null, "a signed note has no signature lines");
    }
    if (!sigs.endsWith("\n")) {
      throw new InputException(source, null, "the last signature line has no newline");
    }
    String[] lines = sigs.substring(0, sigs.length() - 1).split("\n", -1);
    if (lines.length > InputLimits.MAX_NOTE_SIGNATURES) {
      throw new InputException(
          source,
          null,
          "more than " + InputLimits.MAX_NOTE_SIGNATURES + " signature lines in a signed note");
    }
    List<Signature> out = new ArrayList<>(lines.length);
    for (int i = 0; i < lines.length; i++) {
      out.add(signatureLine(lines[i], source, "signature line " + (i + 1)));
    }
    return new SignedNote(text, out);
  }

  private static Signature signatureLine(String line, String source, String where)
      throws InputException {
    if (!line.startsWith(DASH)) {
      throw new InputException(source, where, "does not start with \"— \" (U+2014, space)");
    }
    String rest = line.substring(DASH.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw new InputException(source, where, "has no space between key name and signature");
    }
    String name = rest.substring(0, space);
    if (!validKeyName(name)) {
      throw new InputException(source, where, "the key name is empty or holds a space or a '+'");
    }
    byte[] blob = TlogJson.base64(rest.substring(space + 1), source, where);
    if (blob.length < 5) {
      throw new InputException(source, where, "a signature needs a 4-byte key ID and a signature");
    }
    int keyId =
        ((blob[0] & 0xff) << 24)
            | ((blob[1] & 0xff) << 16)
            | ((blob[2] & 0xff) << 8)
            | (blob[3] & 0xff);
    return new Signature(name, keyId, java.util.Arrays.copyOfRange(blob, 4, blob.length));
  }

  /** C2SP: non-empty, no Unicode spaces, no {@code +}. */
  static boolean validKeyName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (cp == '+' || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp < 0x20) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }
}
