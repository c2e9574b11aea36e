package dev.stepflow.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.WireNames;
import dev.stepflow.soak.SoakStore.Held;
import dev.stepflow.testing.StatusHistories;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks the soak makes after every kill, on what the store holds (the server is down) and on
 * what the clients were answered: every acknowledged create exists; every acknowledged status
 * change is a row of the instance's history with the action as its trigger (a pause answered as a
 * no-op names the row of the status it found); every row a client action made was asked for (an
 * acknowledged change, or a request in flight at a kill); every history is a path through the
 * transition table; every acknowledged event is buffered or was consumed by a waitForEvent, once,
 * unless a restart wiped it. Failures are collected as sentences, not thrown, so a round reports
 * them all.
 */
final class SoakChecks {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A restart's time is read before it commits; an event sent this close to one may be wiped. */
  private static final Duration RESTART_RACE = Duration.ofSeconds(5);

  private static final Set<String> ACTIONS =
      Arrays.stream(Action.values()).map(Action::label).collect(Collectors.toSet());

  private final SoakLedger ledger;
  private final Map<String, Held> held;
  private final List<String> failures = new ArrayList<>();

  SoakChecks(SoakLedger ledger, Map<String, Held> held) {
    this.ledger = ledger;
    this.held = held;
  }

  /** Whether a history row's trigger is a client action (else it is an engine event). */
  static boolean isAction(String trigger) {
    return ACTIONS.contains(trigger);
  }

  List<String> failures() {
    return failures;
  }

  void fail(String format, Object... args) {
    failures.add(String.format(format, args));
  }

  /** All checks of this class. */
  SoakChecks all() {
    creates();
    paths();
    acknowledgedChanges();
    askedChanges();
    events();
    return this;
  }

  void creates() {
    ledger.created.keySet().stream()
        .filter(id -> !held.containsKey(id))
        .forEach(id -> fail("acknowledged create of %s is not in the store", id));
  }

  void paths() {
    held.forEach(
        (id, h) -> {
          try {
            StatusHistories.assertPathThroughTable(id, h.history());
          } catch (AssertionError e) {
            fail("history of %s is not a path through the table: %s", id, e.getMessage());
          }
        });
  }

  void acknowledgedChanges() {
    for (SoakLedger.Change change : ledger.changes) {
      List<StatusChange> rows = history(change.id());
      boolean moved =
          rows.stream().anyMatch(r -> same(r, change) && r.trigger().equals(change.action()));
      boolean noOp =
          change.action().equals(Action.PAUSE.label())
              && rows.stream().anyMatch(r -> same(r, change));
      if (!moved && !noOp) {
        fail("acknowledged %s is not in the history of %s: %s", change, change.id(), rows);
      }
    }
  }

  private static boolean same(StatusChange row, SoakLedger.Change change) {
    return WireNames.status(row.to()).equals(change.status()) && row.at().equals(change.at());
  }

  /** A row a client action made is an acknowledged change or one request that got no answer. */
  void askedChanges() {
    Map<String, Integer> unanswered = new HashMap<>();
    ledger.unanswered.forEach(u -> unanswered.merge(u.id() + " " + u.action(), 1, Integer::sum));
    Map<String, List<SoakLedger.Change>> acked =
        ledger.changes.stream().collect(Collectors.groupingBy(SoakLedger.Change::id));
    held.forEach(
        (id, h) -> {
          for (StatusChange row : h.history()) {
            if (!ACTIONS.contains(row.trigger())) {
              continue;
            }
            boolean answered =
                acked.getOrDefault(id, List.of()).stream()
                    .anyMatch(c -> same(row, c) && row.trigger().equals(c.action()));
            if (!answered && unanswered.merge(id + " " + row.trigger(), -1, Integer::sum) < 0) {
              fail(
                  "%s of %s was never asked for (nor in flight at a kill): %s",
                  row, id, h.history());
            }
          }
        });
  }

  void events() {
    Map<String, Map<Long, Integer>> found = new HashMap<>();
    held.forEach((id, h) -> found.put(id, eventNumbers(h)));
    found.forEach(
        (id, numbers) ->
            numbers.forEach(
                (n, times) -> {
                  if (times > 1) {
                    fail("event %d of %s is buffered or consumed %d times", n, id, times);
                  }
                }));
    for (SoakLedger.Event event : ledger.events) {
      boolean wipeable =
          history(event.id()).stream()
              .anyMatch(
                  r ->
                      r.trigger().equals(Action.RESTART.label())
                          && r.at().isAfter(event.sentAt().minus(RESTART_RACE)));
      if (!wipeable && !found.getOrDefault(event.id(), Map.of()).containsKey(event.n())) {
        fail("acknowledged event %d to %s is neither buffered nor consumed", event.n(), event.id());
      }
    }
  }

  /** The {@code n} of each soak event the instance holds, buffered or as a waitForEvent result. */
  private static Map<Long, Integer> eventNumbers(Held h) {
    Map<Long, Integer> numbers = new HashMap<>();
    h.events().forEach(e -> count(numbers, read(e.payloadJson())));
    h.steps().stream()
        .filter(s -> s.kind() == StepKind.WAIT_FOR_EVENT && s.outputJson() != null)
        .map(StepRecord::outputJson)
        .forEach(json -> count(numbers, read(json).path("payload")));
    return numbers;
  }

  private static void count(Map<Long, Integer> numbers, JsonNode payload) {
    JsonNode n = payload.get("n");
    if (n != null && n.canConvertToLong()) {
      numbers.merge(n.asLong(), 1, Integer::sum);
    }
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable JSON in the store: " + json, e);
    }
  }

  private List<StatusChange> history(String id) {
    Held h = held.get(id);
    return h == null ? List.of() : h.history();
  }
}
