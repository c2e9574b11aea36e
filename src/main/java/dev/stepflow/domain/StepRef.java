package dev.stepflow.domain;

/** Names one recorded step: the {@code count}-th (1-based) step of that kind and name in a run. */
public record StepRef(StepKind kind, String name, int count) {

  /** How logs and GET instance show it: {@code name-count}. */
  public String displayName() {
    return name + "-" + count;
  }
}
