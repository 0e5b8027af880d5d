package dev.signet.cli;

import picocli.CommandLine.Command;

/** {@code signet key …}: showing and converting keys. */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description =
        "Show the public half of any key; convert keys between Signet's JWKS files and cosign's key files.",
    subcommands = {
      KeyPublicCommand.class,
      KeyImportCosignCommand.class,
      KeyExportCosignCommand.class
    })
final class KeyCommand {}
