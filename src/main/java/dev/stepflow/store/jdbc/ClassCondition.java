package dev.stepflow.store.jdbc;

import dev.stepflow.store.EngineStore.Classes;
import java.util.List;

/**
 * The condition, on a candidate instance aliased {@code i}, that its workflow class is one of a
 * node's (or, for what the node leaves to others, is none of them), with its bound values. It
 * starts with a space so that it can follow a parameter.
 */
record ClassCondition(String sql, List<Object> values) {
  static final ClassCondition ANY = new ClassCondition("", List.of());

  private static final String CLASS_OF_I =
      "(SELECT v.class_name FROM workflow_version v WHERE v.id = i.version_id)";

  /** Instances of one of {@code classes}: none when the node runs no class at all. */
  static ClassCondition among(Classes classes) {
    if (classes.names().isEmpty()) {
      return new ClassCondition(" AND 1 = 0", List.of());
    }
    return new ClassCondition(
        " AND " + CLASS_OF_I + " IN (" + Columns.placeholders(classes.names().size()) + ")",
        sorted(classes));
  }

  /** Instances of any class but {@code classes}. */
  static ClassCondition outside(Classes classes) {
    if (classes.names().isEmpty()) {
      return ANY;
    }
    return new ClassCondition(
        " AND " + CLASS_OF_I + " NOT IN (" + Columns.placeholders(classes.names().size()) + ")",
        sorted(classes));
  }

  /** In a fixed order, so that the same classes give the same statement text. */
  private static List<Object> sorted(Classes classes) {
    return classes.names().stream().sorted().map(Object.class::cast).toList();
  }
}
