package dev.signet.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Plugin full-source normalisation (spec §2.6), reproducing Go's {@code net/url.Parse} and {@code
 * path.Join}/{@code path.Clean} for the inputs that matter. Hand-written because the result is
 * signed and must match Buildkite byte for byte; {@link java.net.URI} parses differently.
 *
 * <p>Sources that start with {@code /} never reach Go's authority parsing (rule 1 returns them
 * unchanged), so only the scheme, query, first-segment-colon and percent-unescaping rules apply.
 */
final class PluginSource {
  private PluginSource() {}

  static String full(String source) {
    if (source.isEmpty()) {
      return source;
    }
    char first = source.charAt(0);
    if (first == '/' || first == '.' || first == '\\') {
      return source;
    }
    int hash = source.indexOf('#');
    String rawUrl = hash < 0 ? source : source.substring(0, hash);
    String rawFragment = hash < 0 ? "" : source.substring(hash + 1);
    String fragment = unescape(rawFragment);
    if (fragment == null || hasControlByte(rawUrl)) {
      return source; // Go: parse error, source unchanged
    }
    // Scheme detection as in net/url getScheme.
    for (int i = 0; i < rawUrl.length(); i++) {
      char c = rawUrl.charAt(i);
      if (isAsciiLetter(c)) {
        continue;
      }
      if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        if (i == 0) {
          break;
        }
        continue;
      }
      if (c == ':') {
        return source; // a scheme (or, at index 0, a parse error): unchanged either way
      }
      break;
    }
    String rest = rawUrl;
    if (rest.endsWith("?") && rest.indexOf('?') == rest.length() - 1) {
      rest = rest.substring(0, rest.length() - 1);
    } else {
      int q = rest.indexOf('?');
      if (q >= 0) {
        rest = rest.substring(0, q);
      }
    }
    int slash = rest.indexOf('/');
    String firstSegment = slash < 0 ? rest : rest.substring(0, slash);
    if (firstSegment.indexOf(':') >= 0) {
      return source; // "first path segment in URL cannot contain colon"
    }
    String path = unescape(rest);
    if (path == null) {
      return source;
    }
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    String[] parts = path.split("/", -1);
    String version = fragment.isEmpty() ? "" : "#" + fragment;
    return switch (parts.length) {
      case 1 -> join("github.com", "buildkite-plugins", parts[0] + "-buildkite-plugin" + version);
      case 2 -> join("github.com", parts[0], parts[1] + "-buildkite-plugin" + version);
      default -> source;
    };
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean hasControlByte(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /** Go {@code url.unescape} for paths and fragments: null on a malformed escape. */
  private static @Nullable String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    byte[] out = new byte[s.length() * 3];
    int n = 0;
    byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      byte b = utf8[i];
      if (b == '%') {
        if (i + 2 >= utf8.length) {
          return null;
        }
        int hi = Character.digit(utf8[i + 1], 16);
        int lo = Character.digit(utf8[i + 2], 16);
        if (hi < 0 || lo < 0 || utf8[i + 1] > 'f' || utf8[i + 2] > 'f') {
          return null;
        }
        out[n++] = (byte) ((hi << 4) | lo);
        i += 2;
      } else {
        out[n++] = b;
      }
    }
    // Go strings hold bytes; invalid UTF-8 later becomes U+FFFD, as the JDK decoder does here.
    return new String(out, 0, n, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Go {@code path.Join}: join non-empty elements with '/', then {@code path.Clean}. */
  static String join(String... elems) {
    StringBuilder sb = new StringBuilder();
    for (String e : elems) {
      if (e.isEmpty()) {
        continue;
      }
      if (!sb.isEmpty()) {
        sb.append('/');
      }
      sb.append(e);
    }
    return sb.isEmpty() ? "" : clean(sb.toString());
  }

  /** Go {@code path.Clean}. */
  static String clean(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.charAt(0) == '/';
    List<String> out = new ArrayList<>();
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!out.isEmpty() && !out.getLast().equals("..")) {
          out.removeLast();
        } else if (!rooted) {
          out.add("..");
        }
        continue;
      }
      out.add(part);
    }
    String joined = String.join("/", out);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }
}
