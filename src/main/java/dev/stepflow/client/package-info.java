/**
 * A typed Java client for the Cloudflare Workflows REST API v4, as Stepflow serves it (and as
 * Cloudflare does, for the operations they share). <b>Public API</b>: these types are part of the
 * library artifact {@code dev.stepflow:stepflow} and keep their signatures across minor versions.
 *
 * <p>Start at {@link dev.stepflow.client.StepflowClient}: build one with {@link
 * dev.stepflow.client.StepflowClient#builder()} or read wrangler's environment variables with
 * {@link dev.stepflow.client.StepflowClient#fromEnvironment()}. Answers are the generated models of
 * {@code dev.stepflow.api.model}; a failed call throws {@link
 * dev.stepflow.client.StepflowApiException} (the server said no) or {@link
 * dev.stepflow.client.StepflowIoException} (no answer). Both are unchecked.
 *
 * <p>This package depends only on the JDK, Jackson and the generated models, never on the server's
 * own packages, so an application that only talks to a Stepflow needs none of the server's code
 * paths at run time.
 */
package dev.stepflow.client;
