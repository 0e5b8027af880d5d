package dev.signet.cli;

import dev.signet.job.JobVerdict;
import dev.signet.pipeline.CommandStep;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Verify a job, then run its command (the signed command after matrix substitution) with bash in the job env, streaming output and exiting with its status. A refused job never starts (exit 1); under --failure-behavior warn an unverified job runs BUILDKITE_COMMAND, as an agent would.")
final class JobRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JobCheck check;

  @Override
  public Integer call() throws Exception {
    JobCheck.Outcome o = check.verify(spec, spec.commandLine().getErr());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    check.report(o, out, err);
    if (!o.verdict().mayRun()) {
      return ExitCode.REFUSED;
    }
    // An agent runs the command it was handed in BUILDKITE_COMMAND. For a verified job that is the
    // signed command after matrix substitution (the check guarantees it); under --failure-behavior
    // warn it may be anything, which is exactly the risk warn accepts, so run what an agent would.
    String command =
        o.verdict() instanceof JobVerdict.Verified v
            ? v.step().command()
            : o.job().env().getOrDefault("BUILDKITE_COMMAND", fallback(o).command());
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command);
    Map<String, String> env = pb.environment();
    env.putAll(o.job().env());
    out.println("~~~ Running job " + o.job().id());
    out.flush();
    Process p = pb.redirectInput(ProcessBuilder.Redirect.INHERIT).start();
    Thread t1 = pump(p.getInputStream(), out);
    Thread t2 = pump(p.getErrorStream(), err);
    int status = p.waitFor();
    t1.join();
    t2.join();
    return status;
  }

  private static CommandStep fallback(JobCheck.Outcome o) {
    return o.verdict().step() != null ? o.verdict().step() : o.job().step();
  }

  /** Copies a child stream to our writer as it arrives, so output streams live. */
  private static Thread pump(InputStream in, PrintWriter to) {
    return Thread.ofVirtual()
        .start(() -> {
          try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[8192];
            for (int n; (n = r.read(buf)) > 0; ) {
              to.write(buf, 0, n);
              to.flush();
            }
          } catch (IOException e) {
            to.println("signet: the job's output was cut short: " + e.getClass().getSimpleName());
          }
        });
  }
}
