package dev.signet.cli;

import dev.signet.client.ServiceClient;
import dev.signet.client.ServiceReceipt;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options of commands that can sign through the Signet service ({@code signet://…} keys): the
 * identity, how long to wait for an approval, and where the receipt goes. Other keys ignore them.
 */
final class ServiceOptions {
  @Option(
      names = "--identity-token",
      paramLabel = "FILE",
      description =
          "signet:// keys: an OIDC ID token to authenticate with (read from FILE, trimmed), instead"
              + " of the one found in the CI environment")
  @Nullable Path identityToken;

  @Option(
      names = "--approval-timeout",
      paramLabel = "DURATION",
      defaultValue = "10m",
      description =
          "signet:// keys: how long to wait for a request the policy holds for approval (90s, 10m,"
              + " 1h; default 10m)")
  String approvalTimeout = "10m";

  @Option(
      names = "--receipt",
      paramLabel = "OUT",
      description =
          "signet:// keys: write the signing receipt here (and its audit entry beside it, as"
              + " OUT.audit-entry.json), for `signet audit verify --receipt OUT --entry …`;"
              + " default: beside the output file")
  @Nullable Path receipt;

  ServiceClient.Settings settings(Map<String, String> env, PrintWriter err) throws UsageException {
    return new ServiceClient.Settings(env, identityToken, duration(approvalTimeout), err);
  }

  /** The default settings, for commands without these options ({@code key public}). */
  static ServiceClient.Settings defaults(Map<String, String> env, PrintWriter err) {
    return new ServiceClient.Settings(
        env, null, ServiceClient.Settings.DEFAULT_APPROVAL_TIMEOUT, err);
  }

  static Duration duration(String text) throws UsageException {
    String t = text.strip().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else if (t.matches("\\d{1,7}(ms|s|m|h)")) {
        long n = Long.parseLong(t.replaceAll("\\D", ""));
        d =
            switch (t.replaceAll("\\d", "")) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              default -> Duration.ofHours(n);
            };
      } else {
        throw new UsageException("--approval-timeout must be like 90s, 10m or 1h, not " + text);
      }
      if (d.isNegative() || d.compareTo(Duration.ofHours(24)) > 0) {
        throw new UsageException("--approval-timeout must be between 0 and 24h");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new UsageException("--approval-timeout must be like 90s, 10m or 1h, not " + text);
    }
  }

  /**
   * Writes receipts: to {@code --receipt} when given (one receipt only), else beside {@code
   * besideOf} (the signature or bundle file) as {@code NAME.receipt.json} and {@code
   * NAME.audit-entry.json}. With neither, says on stderr that the receipt was not kept.
   */
  void write(ServiceReceipt r, @Nullable Path besideOf, PrintWriter err) throws OutputException {
    Path target =
        receipt != null ? receipt : besideOf == null ? null : sibling(besideOf, ".receipt.json");
    if (target == null) {
      err.println(
          "signet: warning: the signing receipt of "
              + r.what()
              + " was not written: give --receipt OUT to keep it");
      err.flush();
      return;
    }
    Path entry = entryPath(target);
    AtomicFiles.replace(target, r.receiptJson() + "\n");
    AtomicFiles.replace(entry, r.entry());
    err.println("signet: receipt " + target + " (audit entry " + entry + ")");
    err.flush();
  }

  /** Where the audit entry of receipt {@code receipt} goes. */
  static Path entryPath(Path receipt) {
    String name = receipt.getFileName().toString();
    String base =
        name.endsWith(".receipt.json")
            ? name.substring(0, name.length() - ".receipt.json".length())
            : name;
    return receipt.resolveSibling(base + ".audit-entry.json");
  }

  static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  /** Refuses {@code --receipt} when a command will make several signatures. */
  void oneReceiptOnly(int signatures) throws UsageException {
    if (receipt != null && signatures > 1) {
      throw new UsageException(
          "--receipt names one receipt; with several files each receipt goes beside its output");
    }
  }
}
