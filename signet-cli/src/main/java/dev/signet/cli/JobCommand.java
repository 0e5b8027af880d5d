package dev.signet.cli;

import picocli.CommandLine.Command;

@Command(
    name = "job",
    description = "Verify a job before it runs, as a Buildkite agent does; or verify and run it.",
    mixinStandardHelpOptions = true,
    subcommands = {JobVerifyCommand.class, JobRunCommand.class})
final class JobCommand {}
