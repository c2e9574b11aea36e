/**
 * Public API: tests of your workflows on a real server with a clock you move.
 *
 * <p>{@link dev.stepflow.testkit.WorkflowTestKit} starts Stepflow in your test's JVM on a temporary
 * SQLite store and a free port, with the workflow classes you register, and drives it over HTTP
 * with {@link dev.stepflow.client.StepflowClient}: the same requests, services, engine and store as
 * a production server. Its clock is the server's: {@link
 * dev.stepflow.testkit.WorkflowTestKit#advance(java.time.Duration)} moves it on, so a 14-day sleep,
 * a retry backoff or an event timeout comes due at once. It needs no test framework; its assertions
 * throw {@link java.lang.AssertionError}.
 */
package dev.stepflow.testkit;
