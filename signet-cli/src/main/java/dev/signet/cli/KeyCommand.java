package dev.signet.cli;

import picocli.CommandLine.Command;

/** {@code signet key …}: converting and showing keys. */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Convert keys between Signet's JWKS files and cosign's key files.",
    subcommands = {KeyImportCosignCommand.class, KeyExportCosignCommand.class})
final class KeyCommand {}
