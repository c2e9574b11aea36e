/**
 * Public API: starting Stepflow inside your own application with your own workflow classes.
 *
 * <p>{@link dev.stepflow.embed.Stepflow#builder()} configures and starts a server that runs the
 * classes you register and serves the Cloudflare Workflows REST API (v4) for them, exactly as the
 * standalone {@code stepflow serve} does. The public packages are this one, {@code
 * dev.stepflow.workflow} (the workflow API), {@code dev.stepflow.client} (the HTTP client), {@code
 * dev.stepflow.testkit} (tests of workflows on a clock you move) and the generated models of {@code
 * dev.stepflow.api.model} that the client returns. Every other package is internal: it may change
 * in any release.
 */
package dev.stepflow.embed;
