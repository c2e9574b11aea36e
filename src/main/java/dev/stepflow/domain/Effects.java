package dev.stepflow.domain;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** Effect sets in declaration order, the same on every run (Set.copyOf is not). */
final class Effects {
  private Effects() {}

  static Set<Effect> ordered(Set<Effect> effects) {
    EnumSet<Effect> copy = EnumSet.noneOf(Effect.class);
    copy.addAll(effects);
    return Collections.unmodifiableSet(copy);
  }
}
