package dev.signet.pipeline;

/**
 * One step of a pipeline (spec §2.3). Only {@link CommandStep}s are signed; groups are recursed
 * into; wait, input and trigger steps pass through unchanged; an {@link UnknownStep} makes signing
 * refuse the whole pipeline, because a step Signet cannot parse might hide something that should
 * have been signed.
 */
public sealed interface Step
    permits CommandStep, GroupStep, WaitStep, InputStep, TriggerStep, UnknownStep {}
