package dev.signet.cli;

import picocli.CommandLine.Command;

@Command(
    name = "pipeline",
    description = "Sign pipelines, expand them into jobs, check stored pipelines for drift.",
    mixinStandardHelpOptions = true,
    subcommands = {
      PipelineSignCommand.class,
      PipelineJobsCommand.class,
      PipelineVerifyCommand.class
    })
final class PipelineCommand {}
