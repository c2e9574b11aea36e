package dev.stepflow.web;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@code GET /readyz} asks: whether this server can take work now. The composition root passes
 * one in ({@link HttpFront#mountReadiness}); the front only renders its {@link Report}, 200 when
 * every part is ok, else 503. A check must return within about a second whatever its parts do, and
 * should be cheap to call often (probes poll it).
 */
@FunctionalInterface
public interface Readiness {
  Report check();

  /** One part of the server (e.g. "store", "dispatcher"); {@code problem} is null when it is ok. */
  record Part(String name, String problem) {
    public static Part ok(String name) {
      return new Part(name, null);
    }

    public boolean isOk() {
      return problem == null;
    }
  }

  /** The parts in the order they are reported. */
  record Report(List<Part> parts) {
    public Report {
      parts = List.copyOf(parts);
    }

    public boolean ready() {
      return parts.stream().allMatch(Part::isOk);
    }

    /** "Not ready: the store ...; the dispatcher ...", naming every part that is not ok. */
    public String problems() {
      return "Not ready: "
          + parts.stream()
              .filter(p -> !p.isOk())
              .map(p -> p.name() + ": " + p.problem())
              .collect(Collectors.joining("; "))
          + ".";
    }
  }
}
