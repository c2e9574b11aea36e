package dev.stepflow.http;

import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.Problem;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Turns Bean Validation failures (from the constraints the generator derived from the spec) into
 * sentences that name the wire field ({@code instance_id}, {@code per_page}, {@code
 * [3].instance_id}) and say what is allowed, instead of Java method and parameter names.
 */
final class ViolationMessages {
  private static final String ID_RULE = "letters, digits, '-' and '_', not starting with '-'";

  /** Friendlier texts for the id patterns, which read badly as regular expressions. */
  private static final Map<String, String> PATTERN_RULES =
      Map.of(
          "account_id", "at most 32 characters of " + ID_RULE,
          "workflow_name", "at most 64 characters of " + ID_RULE,
          "instance_id", "at most 100 characters of " + ID_RULE,
          "event_type", "at most 100 characters of " + ID_RULE,
          "search", "at most 64 characters of " + ID_RULE);

  private ViolationMessages() {}

  static List<Problem> problems(ConstraintViolationException e) {
    List<Problem> problems = new ArrayList<>();
    e.getConstraintViolations().stream()
        .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
        .forEach(v -> problems.add(new Problem(ErrorCode.INVALID, sentence(v))));
    if (problems.isEmpty()) {
      problems.add(new Problem(ErrorCode.INVALID, "The request is invalid."));
    }
    return problems;
  }

  private static String sentence(ConstraintViolation<?> v) {
    String field = wireName(v.getPropertyPath());
    String leaf = field.contains(".") ? field.substring(field.lastIndexOf('.') + 1) : field;
    String annotation =
        v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName();
    Object value = v.getInvalidValue();
    if (value == null && annotation.equals("NotNull")) {
      return field.isEmpty() ? "A JSON body is required." : "'" + field + "' is required.";
    }
    String rule =
        annotation.equals("Pattern") && PATTERN_RULES.containsKey(leaf)
            ? "must be " + PATTERN_RULES.get(leaf)
            : v.getMessage();
    return "'" + field + "' " + rule + " (got " + shown(value) + ").";
  }

  /**
   * A value as a message shows it: strings quoted, collections by their size, anything long cut
   * short (a message must not echo a large value back).
   */
  static String shown(Object value) {
    if (value instanceof java.util.Collection<?> items) {
      return items.size() + " items";
    }
    String s = String.valueOf(value);
    String quote = value instanceof CharSequence ? "'" : "";
    return s.length() > 60
        ? quote + s.substring(0, 60) + "..." + quote + " of " + s.length() + " characters"
        : quote + s + quote;
  }

  /** createInstanceBatch.instanceCreateRequest[3].instanceId becomes [3].instance_id. */
  static String wireName(Path path) {
    StringBuilder out = new StringBuilder();
    int node = 0;
    for (Path.Node n : path) {
      node++;
      if (node == 1) {
        continue; // the Java method name
      }
      boolean parameter = n.getKind() == jakarta.validation.ElementKind.PARAMETER;
      if (n.getIndex() != null) {
        out.append('[').append(n.getIndex()).append(']');
      }
      if (parameter && n.getName() != null && isBodyParameter(n.getName())) {
        continue;
      }
      if (n.getName() != null && !n.getName().startsWith("<")) {
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '.') {
          out.append('.');
        }
        out.append(snake(n.getName()));
      }
    }
    return out.toString();
  }

  /** The generated body parameters are named after their schema, e.g. statusChangeRequest. */
  private static boolean isBodyParameter(String name) {
    return name.endsWith("Request") || name.equals("body") || name.equals("requestBody");
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
