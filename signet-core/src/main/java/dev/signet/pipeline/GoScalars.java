package dev.signet.pipeline;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Scalar typing and formatting the way Buildkite's Go parser does it (spec §2.1): plain YAML
 * scalars are typed like {@code gopkg.in/yaml.v3}, and non-string scalars that land in string
 * fields are printed like Go's {@code fmt.Sprint}. Getting either wrong changes signed values.
 */
final class GoScalars {
  private GoScalars() {}

  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  // yaml.v3's yamlStyleFloat: decimal only (no hex floats, no "inf").
  private static final Pattern YAML_STYLE_FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  // What Go's strconv.ParseFloat accepts for a string that starts with '.'.
  private static final Pattern DOT_FLOAT = Pattern.compile("\\.[0-9]+([eE][-+]?[0-9]+)?");

  /**
   * Types a plain (unquoted, untagged) scalar as yaml.v3's {@code resolve} does: a fixed table for
   * bools and nulls (YAML 1.1 {@code yes}/{@code on} are strings), then timestamps, Go {@code
   * ParseInt(s, 0, 64)} (so {@code 017} is octal 15 and {@code 08} falls through to a float),
   * {@code ParseUint}, then decimal floats. Underscores are dropped before the number attempts.
   */
  static YamlTree resolvePlain(String in, String where) {
    char hint = in.isEmpty() ? 'N' : hint(in.charAt(0));
    if (hint == 0) {
      return new YamlTree.Str(in, where);
    }
    switch (in) {
      case "", "~", "null", "Null", "NULL" -> {
        return new YamlTree.Null(where);
      }
      case "true", "True", "TRUE" -> {
        return new YamlTree.Bool(true, where);
      }
      case "false", "False", "FALSE" -> {
        return new YamlTree.Bool(false, where);
      }
      case ".nan", ".NaN", ".NAN" -> {
        return new YamlTree.Float(Double.NaN, where);
      }
      case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" -> {
        return new YamlTree.Float(Double.POSITIVE_INFINITY, where);
      }
      case "-.inf", "-.Inf", "-.INF" -> {
        return new YamlTree.Float(Double.NEGATIVE_INFINITY, where);
      }
      default -> {}
    }
    switch (hint) {
      case '.' -> {
        Double d = parseDecimalFloat(in, DOT_FLOAT);
        return d != null ? new YamlTree.Float(d, where) : new YamlTree.Str(in, where);
      }
      case 'D', 'S' -> {
        String time = hint == 'D' ? timestamp(in) : null;
        if (time != null) {
          return new YamlTree.Timestamp(time, where);
        }
        String plain = in.replace("_", "");
        BigInteger i = parseInt(plain);
        if (i == null) {
          i = parseUint(plain);
        }
        if (i != null) {
          return new YamlTree.Int(i, where);
        }
        Double d = parseDecimalFloat(plain, YAML_STYLE_FLOAT);
        if (d != null) {
          return new YamlTree.Float(d, where);
        }
        // yaml.v3 retries 0b/0o prefixes with an explicit base, which lets a sign follow the
        // prefix ("0b-101"); ParseInt with base 0 above already covered everything else.
        i = prefixed(plain, "0b", 2);
        if (i == null) {
          i = prefixed(plain, "0o", 8);
        }
        if (i == null && (plain.startsWith("-0b") || plain.startsWith("-0o"))) {
          BigInteger v = parseIntBase("-" + plain.substring(3), plain.charAt(2) == 'b' ? 2 : 8);
          i = v;
        }
        if (i != null) {
          return new YamlTree.Int(i, where);
        }
        return new YamlTree.Str(in, where);
      }
      default -> {
        return new YamlTree.Str(in, where); // 'M': only the table above could match
      }
    }
  }

  private static char hint(char c) {
    if (c >= '0' && c <= '9') {
      return 'D';
    }
    return switch (c) {
      case '+', '-' -> 'S';
      case '.' -> '.';
      case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O', '~' -> 'M';
      default -> 0;
    };
  }

  private static @Nullable BigInteger prefixed(String plain, String prefix, int base) {
    if (!plain.startsWith(prefix)) {
      return null;
    }
    BigInteger v = parseIntBase(plain.substring(2), base);
    return v != null ? v : parseUintBase(plain.substring(2), base);
  }

  private static @Nullable Double parseDecimalFloat(String s, Pattern syntax) {
    if (!syntax.matcher(s).matches()) {
      return null;
    }
    double d = Double.parseDouble(s);
    // Go's ParseFloat reports overflow as an error, and yaml.v3 then keeps the string.
    return Double.isInfinite(d) ? null : d;
  }

  /** Go {@code strconv.ParseInt(s, 0, 64)}; null on syntax or range error. */
  static @Nullable BigInteger parseInt(String s) {
    return parseIntBase(s, 0);
  }

  private static @Nullable BigInteger parseIntBase(String s, int base) {
    if (s.isEmpty()) {
      return null;
    }
    boolean neg = false;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    BigInteger u = parseUintBase(s, base);
    if (u == null) {
      return null;
    }
    BigInteger v = neg ? u.negate() : u;
    return v.compareTo(INT64_MIN) >= 0 && v.compareTo(INT64_MAX) <= 0 ? v : null;
  }

  /** Go {@code strconv.ParseUint(s, 0, 64)}; null on syntax or range error. */
  static @Nullable BigInteger parseUint(String s) {
    return parseUintBase(s, 0);
  }

  private static @Nullable BigInteger parseUintBase(String s, int base) {
    if (s.isEmpty()) {
      return null;
    }
    if (base == 0) {
      base = 10;
      if (s.charAt(0) == '0') {
        char p = s.length() >= 3 ? Character.toLowerCase(s.charAt(1)) : 0;
        switch (p) {
          case 'b' -> {
            base = 2;
            s = s.substring(2);
          }
          case 'o' -> {
            base = 8;
            s = s.substring(2);
          }
          case 'x' -> {
            base = 16;
            s = s.substring(2);
          }
          default -> {
            base = 8;
            s = s.substring(1);
          }
        }
      }
    }
    BigInteger n = BigInteger.ZERO;
    BigInteger b = BigInteger.valueOf(base);
    for (int i = 0; i < s.length(); i++) {
      int d = Character.digit(s.charAt(i), base);
      if (d < 0 || s.charAt(i) > 0x7f) {
        return null;
      }
      n = n.multiply(b).add(BigInteger.valueOf(d));
      if (n.compareTo(UINT64_MAX) > 0) {
        return null;
      }
    }
    return n;
  }

  // ---- timestamps ----------------------------------------------------------------------------

  /**
   * yaml.v3's timestamp detection: four digits and '-', then Go {@code time.Parse} with the layouts
   * {@code 2006-1-2T15:4:5.999999999Z07:00} (also with a lower-case {@code t}), {@code 2006-1-2
   * 15:4:5.999999999} and {@code 2006-1-2}. Returns the value as Go marshals a {@code time.Time}
   * (RFC 3339 with nanoseconds, trailing zeros dropped), or null when it is no timestamp.
   */
  static @Nullable String timestamp(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    if (i != 4 || i == s.length() || s.charAt(i) != '-') {
      return null;
    }
    String r = parseTimestamp(s, true);
    if (r == null) {
      r = parseTimestamp(s, false);
    }
    return r;
  }

  private static final class Cursor {
    final String s;
    int pos;

    Cursor(String s) {
      this.s = s;
    }

    boolean more() {
      return pos < s.length();
    }

    boolean digitAt(int p) {
      return p < s.length() && s.charAt(p) >= '0' && s.charAt(p) <= '9';
    }

    /** One or two digits, like Go's getnum(value, false). */
    int num12() {
      if (!digitAt(pos)) {
        return -1;
      }
      int v = s.charAt(pos++) - '0';
      if (digitAt(pos)) {
        v = v * 10 + (s.charAt(pos++) - '0');
      }
      return v;
    }

    int fixed(int n) {
      int v = 0;
      for (int k = 0; k < n; k++) {
        if (!digitAt(pos)) {
          return -1;
        }
        v = v * 10 + (s.charAt(pos++) - '0');
      }
      return v;
    }

    boolean accept(char c) {
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }
  }

  private static @Nullable String parseTimestamp(String s, boolean withTime) {
    Cursor c = new Cursor(s);
    int year = c.fixed(4);
    if (year < 0 || !c.accept('-')) {
      return null;
    }
    int month = c.num12();
    if (month < 1 || month > 12 || !c.accept('-')) {
      return null;
    }
    int day = c.num12();
    if (day < 1 || day > daysIn(month, year)) {
      return null;
    }
    if (!withTime) {
      return c.more()
          ? null
          : String.format(java.util.Locale.ROOT, "%04d-%02d-%02dT00:00:00Z", year, month, day);
    }
    boolean zoned;
    if (c.accept('T') || c.accept('t')) {
      zoned = true;
    } else if (c.accept(' ')) {
      zoned = false;
    } else {
      return null;
    }
    int hour = c.num12();
    if (hour < 0 || hour > 23 || !c.accept(':')) {
      return null;
    }
    int minute = c.num12();
    if (minute < 0 || minute > 59 || !c.accept(':')) {
      return null;
    }
    int second = c.num12();
    if (second < 0 || second > 59) {
      return null;
    }
    String fraction = "";
    if (c.pos + 1 < s.length()
        && (s.charAt(c.pos) == '.' || s.charAt(c.pos) == ',')
        && c.digitAt(c.pos + 1)) {
      int start = ++c.pos;
      while (c.digitAt(c.pos)) {
        c.pos++;
      }
      String digits = s.substring(start, c.pos);
      if (digits.length() > 9) {
        digits = digits.substring(0, 9);
      }
      fraction = stripTrailingZeros(digits);
    }
    String zone = "Z";
    if (zoned) {
      if (c.accept('Z')) {
        zone = "Z";
      } else {
        if (s.length() - c.pos < 6 || s.charAt(c.pos + 3) != ':') {
          return null;
        }
        char sign = s.charAt(c.pos++);
        if (sign != '+' && sign != '-') {
          return null;
        }
        int hh = c.fixed(2);
        c.accept(':');
        int mm = c.fixed(2);
        if (hh < 0 || mm < 0 || hh > 24 || mm > 60) {
          return null;
        }
        // Go prints a zero offset as "Z" whichever way it was written.
        zone =
            hh == 0 && mm == 0
                ? "Z"
                : String.format(java.util.Locale.ROOT, "%c%02d:%02d", sign, hh, mm);
      }
    }
    if (c.more()) {
      return null;
    }
    return String.format(
        java.util.Locale.ROOT,
        "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
        year,
        month,
        day,
        hour,
        minute,
        second,
        fraction.isEmpty() ? "" : "." + fraction,
        zone);
  }

  private static String stripTrailingZeros(String digits) {
    int end = digits.length();
    while (end > 0 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return digits.substring(0, end);
  }

  private static int daysIn(int month, int year) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  // ---- formatting ----------------------------------------------------------------------------

  /**
   * Go {@code fmt.Sprint} of a float64, i.e. {@code strconv.FormatFloat(f, 'g', -1, 64)}: the
   * shortest digits that round-trip, in exponent form when the exponent is below -4 or at least 6
   * ({@code 1e+06}, {@code 1.234567e+06}, {@code 1e-05}), otherwise positional.
   */
  static String formatFloat(double d) {
    if (!Double.isFinite(d)) {
      return nonFinite(d);
    }
    String sign = (d < 0 || (d == 0 && 1 / d < 0)) ? "-" : "";
    if (d == 0) {
      return sign + "0";
    }
    // Double.toString gives the shortest round-tripping digits (JDK 19+), like Go's shortest mode.
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int nd = digits.length();
    int dp = nd - bd.scale(); // decimal point position relative to the digits
    int exp = dp - 1;
    StringBuilder out = new StringBuilder(sign);
    if (exp < -4 || exp >= 6) {
      out.append(digits.charAt(0));
      if (nd > 1) {
        out.append('.').append(digits, 1, nd);
      }
      appendExponent(out, exp);
    } else if (dp <= 0) {
      out.append("0.").repeat('0', -dp).append(digits);
    } else if (dp >= nd) {
      out.append(digits).repeat('0', dp - nd);
    } else {
      out.append(digits, 0, dp).append('.').append(digits, dp, nd);
    }
    return out.toString();
  }

  /** How Go's fmt spells the values that are not numbers. */
  private static String nonFinite(double d) {
    return Double.isNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";
  }

  /** Go {@code fmt.Sprintf("%e", f)}: six digits after the point; how float map keys print. */
  static String formatFloatE(double d) {
    if (!Double.isFinite(d)) {
      return nonFinite(d);
    }
    String sign = (d < 0 || (d == 0 && 1 / d < 0)) ? "-" : "";
    if (d == 0) {
      return sign + "0.000000e+00";
    }
    BigDecimal r = new BigDecimal(Math.abs(d)).round(new MathContext(7, RoundingMode.HALF_EVEN));
    String digits = r.unscaledValue().toString();
    int exp = digits.length() - r.scale() - 1;
    while (digits.length() < 7) {
      digits = digits + "0";
    }
    digits = digits.substring(0, 7);
    StringBuilder out = new StringBuilder(sign).append(digits.charAt(0)).append('.');
    out.append(digits, 1, 7);
    appendExponent(out, exp);
    return out.toString();
  }

  private static void appendExponent(StringBuilder out, int exp) {
    out.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (a < 10) {
      out.append('0');
    }
    out.append(a);
  }
}
