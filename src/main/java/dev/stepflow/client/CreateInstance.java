package dev.stepflow.client;

import dev.stepflow.api.model.InstanceCreateRequest.OnFailureEnum;

/**
 * What to create an instance with: an optional id and optional params.
 *
 * <pre>{@code
 * CreateInstance.withGeneratedId().withParams(Map.of("user", 42))
 * CreateInstance.withId("order-7").withParams(jsonNode)
 * }</pre>
 *
 * @param id the instance id, unique within the workflow ({@code ^[a-zA-Z0-9_][a-zA-Z0-9-_]*$}, at
 *     most 100 characters); null lets the server generate one
 * @param params the instance's params: any value Jackson can write (a {@code Map}, a record, a
 *     {@code JsonNode}, a string, a number); null sends none
 * @param onFailure what a step out of retries does to this instance (a Stepflow extension: {@code
 *     PAUSE} pauses it, {@code ERROR} fails it); null leaves it to the workflow's version
 */
public record CreateInstance(String id, Object params, OnFailureEnum onFailure) {

  /** An instance with this id and params, whose on_failure is its version's. */
  public CreateInstance(String id, Object params) {
    this(id, params, null);
  }

  /** An instance whose id the server generates, without params. */
  public static CreateInstance withGeneratedId() {
    return new CreateInstance(null, null);
  }

  /** An instance with the given id, without params. */
  public static CreateInstance withId(String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("an instance id must not be null or empty");
    }
    return new CreateInstance(id, null);
  }

  /** The same instance with these params. */
  public CreateInstance withParams(Object value) {
    return new CreateInstance(id, value, onFailure);
  }

  /**
   * The same instance, paused (not failed) when a step runs out of retries; resume runs that step
   * again with a fresh retry budget.
   */
  public CreateInstance pausingOnFailure() {
    return new CreateInstance(id, params, OnFailureEnum.PAUSE);
  }
}
