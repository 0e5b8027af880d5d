package dev.signet.pipeline;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;
import org.jspecify.annotations.Nullable;

/**
 * A command step as Buildkite's parser models it (spec §2.4–2.9, 2.11).
 *
 * @param key the step key ({@code key}, aliases {@code id}, {@code identifier}); not signed
 * @param label the label ({@code label}, alias {@code name}); not signed
 * @param command the command text; a YAML list of commands is joined with LF
 * @param plugins plugins in order, sources as written
 * @param secrets secrets in order
 * @param env the step env; empty when absent, null or {@code {}} (all sign the same)
 * @param signature the signature, when the step carries one
 * @param matrix the matrix, null when absent
 * @param cache the {@code cache} field, unsigned but matrix-interpolated; null when absent
 * @param checkout checkout settings, null when absent or {@code null}
 * @param remaining every other key, in input order, written back unchanged
 */
public record CommandStep(
    @Nullable String key,
    @Nullable String label,
    String command,
    List<Plugin> plugins,
    List<Secret> secrets,
    SequencedMap<String, String> env,
    @Nullable StepSignature signature,
    @Nullable Matrix matrix,
    @Nullable JsonValue cache,
    @Nullable Checkout checkout,
    JsonObject remaining)
    implements Step {

  public CommandStep {
    Objects.requireNonNull(command, "command");
    plugins = List.copyOf(plugins);
    secrets = List.copyOf(secrets);
    env = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(env));
    Objects.requireNonNull(remaining, "remaining");
  }

  /** A bare step running {@code command}, for tests and examples. */
  public static CommandStep of(String command) {
    return new CommandStep(
        null,
        null,
        command,
        List.of(),
        List.of(),
        new LinkedHashMap<>(),
        null,
        null,
        null,
        null,
        JsonObject.EMPTY);
  }

  public CommandStep withSignature(@Nullable StepSignature newSignature) {
    return new CommandStep(
        key,
        label,
        command,
        plugins,
        secrets,
        env,
        newSignature,
        matrix,
        cache,
        checkout,
        remaining);
  }

  public CommandStep withCommand(String newCommand) {
    return new CommandStep(
        key,
        label,
        newCommand,
        plugins,
        secrets,
        env,
        signature,
        matrix,
        cache,
        checkout,
        remaining);
  }

  public CommandStep withEnv(SequencedMap<String, String> newEnv) {
    return new CommandStep(
        key, label, command, plugins, secrets, newEnv, signature, matrix, cache, checkout,
        remaining);
  }

  public CommandStep withPlugins(List<Plugin> newPlugins) {
    return new CommandStep(
        key,
        label,
        command,
        newPlugins,
        secrets,
        env,
        signature,
        matrix,
        cache,
        checkout,
        remaining);
  }

  public CommandStep withMatrix(@Nullable Matrix newMatrix) {
    return new CommandStep(
        key, label, command, plugins, secrets, env, signature, newMatrix, cache, checkout,
        remaining);
  }

  public CommandStep withSecrets(List<Secret> newSecrets) {
    return new CommandStep(
        key,
        label,
        command,
        plugins,
        newSecrets,
        env,
        signature,
        matrix,
        cache,
        checkout,
        remaining);
  }

  public CommandStep withCheckout(@Nullable Checkout newCheckout) {
    return new CommandStep(
        key,
        label,
        command,
        plugins,
        secrets,
        env,
        signature,
        matrix,
        cache,
        newCheckout,
        remaining);
  }

  public CommandStep withLabel(@Nullable String newLabel) {
    return new CommandStep(
        key, newLabel, command, plugins, secrets, env, signature, matrix, cache, checkout,
        remaining);
  }

  public CommandStep withCache(@Nullable JsonValue newCache) {
    return new CommandStep(
        key, label, command, plugins, secrets, env, signature, matrix, newCache, checkout,
        remaining);
  }

  public CommandStep withRemaining(JsonObject newRemaining) {
    return new CommandStep(
        key,
        label,
        command,
        plugins,
        secrets,
        env,
        signature,
        matrix,
        cache,
        checkout,
        newRemaining);
  }
}
