package dev.stepflow.workflow;

/** How the delay between retries grows; n is the number of the retry (1 for the first). */
public enum Backoff {
  /** delay every time. */
  CONSTANT,
  /** delay * n. */
  LINEAR,
  /** delay * 2^(n-1). */
  EXPONENTIAL
}
