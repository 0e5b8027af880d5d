package dev.signet.cli;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.tlog.Checkpoint;
import dev.signet.tlog.ConsistencyProof;
import dev.signet.tlog.LogExport;
import dev.signet.tlog.NoteKey;
import dev.signet.tlog.NoteVerifier;
import dev.signet.tlog.Receipt;
import dev.signet.tlog.SignedNote;
import dev.signet.tlog.TlogException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify the audit log offline. Always: --checkpoint is a signed note that a --log-key signed (signatures of unknown keys are ignored; a failing signature of a known key refuses the whole note).",
      "--entries: the JSON Lines export, re-hashed; its size and root must be the checkpoint's.",
      "--receipt with --entry: the receipt's own checkpoint must verify, and its inclusion proof must bind the entry's bytes to it; when --checkpoint has another size, a --consistency-proof between the two sizes must join them.",
      "--previous-checkpoint: an older checkpoint seen earlier; a --consistency-proof must join it to --checkpoint.",
      "Exit 0 when verified, 1 when refused, 2 for unreadable or malformed input."
    })
final class AuditVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--log-key",
      required = true,
      arity = "1",
      paramLabel = "VKEY|FILE",
      description =
          "A log verifier key, name+keyid+base64 (or a file holding one per line); repeatable")
  List<String> logKeys;

  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "FILE",
      description = "A signed checkpoint")
  Path checkpoint;

  @Option(names = "--entries", paramLabel = "FILE", description = "The log export (JSON Lines)")
  @Nullable Path entries;

  @Option(names = "--receipt", paramLabel = "FILE", description = "A signing receipt (JSON)")
  @Nullable Path receipt;

  @Option(names = "--entry", paramLabel = "FILE", description = "The leaf bytes the receipt is for")
  @Nullable Path entry;

  @Option(
      names = "--previous-checkpoint",
      paramLabel = "FILE",
      description = "A checkpoint seen before, to check consistency with")
  @Nullable Path previous;

  @Option(
      names = "--consistency-proof",
      arity = "1",
      paramLabel = "FILE",
      description = "{\"from\",\"to\",\"hashes\"} JSON; repeatable, matched by sizes")
  @Nullable List<Path> consistencyProofs;

  @Override
  public Integer call() throws Exception {
    if ((receipt == null) != (entry == null)) {
      throw new UsageException("--receipt and --entry go together");
    }
    NoteVerifier verifier = new NoteVerifier(keys());
    List<String> done = new ArrayList<>();
    Checkpoint cp = checkpoint(checkpoint, verifier);
    done.add(
        "checkpoint "
            + cp.origin()
            + " size "
            + Long.toUnsignedString(cp.size())
            + " root "
            + HexFormat.of().formatHex(cp.rootHash()));
    try {
      if (entries != null) {
        LogExport.Summary s = export(entries);
        if (s.size() != cp.size()) {
          throw new TlogException(
              entries
                  + " holds "
                  + Long.toUnsignedString(s.size())
                  + " entries but the checkpoint's size is "
                  + Long.toUnsignedString(cp.size()));
        }
        if (!MessageDigest.isEqual(s.root(), cp.rootHash())) {
          throw new TlogException(entries + " does not hash to the checkpoint's root");
        }
        done.add(Long.toUnsignedString(s.size()) + " entries recomputed");
      }
      if (receipt != null && entry != null) {
        Receipt r = Receipt.parse(text(receipt, InputLimits.MAX_RECEIPT_BYTES), receipt.toString());
        byte[] leaf = InputFiles.readBytes(entry.toString(), InputLimits.MAX_LOG_LEAF_BYTES);
        Checkpoint rc;
        try {
          rc = r.verify(leaf, verifier);
        } catch (InputException e) {
          throw new InputException(receipt.toString(), "checkpoint", e.getMessage());
        }
        consistent(rc, cp, receipt.toString());
        done.add("entry " + entry + " is leaf " + Long.toUnsignedString(r.leafIndex()));
      }
      if (previous != null) {
        Checkpoint prev = checkpoint(previous, verifier);
        consistent(prev, cp, previous.toString());
        done.add("consistent with size " + Long.toUnsignedString(prev.size()));
      }
    } catch (TlogException e) {
      throw new RefusedException("refused: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Verified " + String.join("; ", done));
    out.flush();
    return ExitCode.OK;
  }

  /** Two checkpoints of one log: same origin, and a consistency proof joins them. */
  private void consistent(Checkpoint a, Checkpoint b, String what)
      throws TlogException, InputException, UsageException {
    if (!a.origin().equals(b.origin())) {
      throw new TlogException(
          what + " is of log " + a.origin() + ", --checkpoint of " + b.origin());
    }
    boolean aFirst = Long.compareUnsigned(a.size(), b.size()) <= 0;
    Checkpoint older = aFirst ? a : b;
    Checkpoint newer = aFirst ? b : a;
    if (older.size() == newer.size()) {
      if (!MessageDigest.isEqual(older.rootHash(), newer.rootHash())) {
        throw new TlogException(
            what
                + " and --checkpoint have size "
                + Long.toUnsignedString(older.size())
                + " but different roots: the log forked");
      }
      return;
    }
    ConsistencyProof proof = proof(older.size(), newer.size(), what);
    proof.verify(older.rootHash(), newer.rootHash());
  }

  private ConsistencyProof proof(long from, long to, String what)
      throws InputException, UsageException {
    List<String> seen = new ArrayList<>();
    for (Path p : consistencyProofs == null ? List.<Path>of() : consistencyProofs) {
      ConsistencyProof c =
          ConsistencyProof.parse(text(p, InputLimits.MAX_PROOF_FILE_BYTES), p.toString());
      if (c.fromSize() == from && c.toSize() == to) {
        return c;
      }
      seen.add(
          p
              + " ("
              + Long.toUnsignedString(c.fromSize())
              + " → "
              + Long.toUnsignedString(c.toSize())
              + ")");
    }
    throw new UsageException(
        what
            + " needs a --consistency-proof from size "
            + Long.toUnsignedString(from)
            + " to "
            + Long.toUnsignedString(to)
            + (seen.isEmpty() ? "" : "; given: " + String.join(", ", seen)));
  }

  private static Checkpoint checkpoint(Path file, NoteVerifier verifier)
      throws InputException, RefusedException {
    String source = file.toString();
    SignedNote note =
        SignedNote.parse(InputFiles.readBytes(source, InputLimits.MAX_NOTE_BYTES), source);
    try {
      verifier.verify(note);
    } catch (TlogException e) {
      throw new RefusedException("refused: " + source + ": " + e.getMessage());
    }
    return Checkpoint.parse(note.text(), source);
  }

  private List<NoteKey> keys() throws InputException {
    List<NoteKey> out = new ArrayList<>();
    for (String k : logKeys) {
      Path p = Path.of(k);
      if (!k.contains("+") || Files.isRegularFile(p)) {
        String text = text(p, InputLimits.MAX_KEY_FILE_BYTES);
        int n = 0;
        for (String line : text.split("\n", -1)) {
          String t = line.strip();
          if (!t.isEmpty() && !t.startsWith("#")) {
            out.add(NoteKey.parse(t, k));
            n++;
          }
        }
        if (n == 0) {
          throw new InputException(k, null, "holds no log key");
        }
      } else {
        out.add(NoteKey.parse(k, "--log-key"));
      }
    }
    return out;
  }

  private static String text(Path file, int max) throws InputException {
    return InputFiles.readText(file.toString(), max);
  }

  private static LogExport.Summary export(Path file) throws InputException {
    String source = file.toString();
    try (InputStream in = Files.newInputStream(file)) {
      return LogExport.read(in, source);
    } catch (NoSuchFileException e) {
      throw new InputException(source, null, "no such file");
    } catch (IOException e) {
      throw new InputException(source, null, "cannot read: " + e.getClass().getSimpleName());
    }
  }
}
