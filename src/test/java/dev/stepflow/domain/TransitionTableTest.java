package dev.stepflow.domain;

import static dev.stepflow.domain.Action.PAUSE;
import static dev.stepflow.domain.Action.RESTART;
import static dev.stepflow.domain.Action.RESUME;
import static dev.stepflow.domain.Action.TERMINATE;
import static dev.stepflow.domain.Action.TERMINATE_WITH_ROLLBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell of {@link Transitions#TABLE} against golden matrices transcribed by hand from
 * DESIGN.md section 2. A rule change must change a golden line here and shows up in
 * generated-README.md.
 */
class TransitionTableTest {

  private static final TransitionTable TABLE = Transitions.TABLE;

  /**
   * Status x Action, transcribed from DESIGN.md section 2. A cell is a target status, "no-op", or
   * "409 code". The column order is pause, resume, terminate, terminate+rollback, restart.
   */
  private static final String ACTION_GOLDEN =
      """
      QUEUED            | PAUSED            | 409 10403 | TERMINATED | TERMINATED   | QUEUED
      RUNNING           | WAITING_FOR_PAUSE | 409 10403 | TERMINATED | ROLLING_BACK | QUEUED
      WAITING           | PAUSED            | 409 10403 | TERMINATED | ROLLING_BACK | QUEUED
      WAITING_FOR_PAUSE | no-op             | RUNNING   | TERMINATED | ROLLING_BACK | QUEUED
      PAUSED            | no-op             | QUEUED    | TERMINATED | ROLLING_BACK | QUEUED
      ROLLING_BACK      | 409 10402         | 409 10403 | 409 10401  | 409 10401    | 409 10404
      COMPLETE          | 409 10402         | 409 10403 | 409 10401  | 409 10401    | QUEUED
      ERRORED           | 409 10402         | 409 10403 | 409 10401  | 409 10401    | QUEUED
      TERMINATED        | 409 10402         | 409 10403 | 409 10401  | 409 10401    | QUEUED
      """;

  private static final List<Action> GOLDEN_COLUMNS =
      List.of(PAUSE, RESUME, TERMINATE, TERMINATE_WITH_ROLLBACK, RESTART);

  /**
   * The engine-event rows: "status | event | target". Every (status, event) pair not listed is
   * rejected.
   */
  private static final String EVENT_GOLDEN =
      """
      QUEUED            | RUN_STARTED                   | RUNNING
      RUNNING           | RUN_SUSPENDED                 | WAITING
      RUNNING           | RUN_SUCCEEDED                 | COMPLETE
      RUNNING           | RUN_FAILED                    | ERRORED
      RUNNING           | RUN_FAILED_WITH_COMPENSATIONS | ROLLING_BACK
      RUNNING           | STEP_EXHAUSTED                | PAUSED
      WAITING           | WAIT_ENDED                    | RUNNING
      WAITING_FOR_PAUSE | STEPS_SETTLED                 | PAUSED
      WAITING_FOR_PAUSE | STEP_EXHAUSTED                | PAUSED
      ROLLING_BACK      | FAILURE_COMPENSATED           | ERRORED
      ROLLING_BACK      | TERMINATION_COMPENSATED       | TERMINATED
      """;

  @ParameterizedTest(name = "{0} + {1}: {2}")
  @MethodSource("everyStatusAndAction")
  void actionCellMatchesTheGoldenMatrix(Status status, Action action, String expected) {
    Decision decision = TABLE.decide(status, action);

    if (expected.equals("no-op")) {
      assertThat(decision).isEqualTo(new Decision.NoOp(status, action));
    } else if (expected.startsWith("409 ")) {
      assertThat(decision)
          .isEqualTo(new Decision.Reject(status, action, TABLE.allowedActions(status)));
      assertThat(action.rejectedWith().code()).isEqualTo(Integer.parseInt(expected.substring(4)));
      assertThat(action.rejectedWith().kind()).isEqualTo(ErrorKind.CONFLICT);
    } else {
      assertThat(decision).isInstanceOf(Decision.Move.class);
      Decision.Move move = (Decision.Move) decision;
      assertThat(move.from()).isEqualTo(status);
      assertThat(move.trigger()).isEqualTo(action);
      assertThat(move.to()).isEqualTo(Status.valueOf(expected));
    }
  }

  @ParameterizedTest(name = "{0} + {1}: {2}")
  @MethodSource("everyStatusAndEvent")
  void engineEventCellMatchesTheGoldenRows(Status status, EngineEvent event, String expected) {
    Decision decision = TABLE.decide(status, event);

    if (expected.equals("reject")) {
      assertThat(decision)
          .isEqualTo(new Decision.Reject(status, event, TABLE.allowedActions(status)));
    } else {
      assertThat(decision).isInstanceOf(Decision.Move.class);
      Decision.Move move = (Decision.Move) decision;
      assertThat(move.from()).isEqualTo(status);
      assertThat(move.trigger()).isEqualTo(event);
      assertThat(move.to()).isEqualTo(Status.valueOf(expected));
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("allowedActionsPerStatus")
  void allowedActionsAreTheActionsWithARow(Status status, List<Action> expected) {
    assertThat(TABLE.allowedActions(status)).containsExactlyElementsOf(expected);
  }

  @Test
  void rejectionNamesTheActionsThatAreAllowedInstead() {
    Decision decision = TABLE.decide(Status.COMPLETE, PAUSE);

    assertThat(decision).isEqualTo(new Decision.Reject(Status.COMPLETE, PAUSE, List.of(RESTART)));
  }

  @Test
  void rowsAreListedInDeclarationOrder() {
    List<TransitionTable.Row> rows = TABLE.rows();

    assertThat(rows.getFirst().from()).isEqualTo(Status.QUEUED);
    assertThat(rows.getFirst().trigger()).isEqualTo(PAUSE);
    assertThat(rows.getLast().from()).isEqualTo(Status.TERMINATED);
    assertThat(rows.getLast().trigger()).isEqualTo(RESTART);
    assertThat(rows.stream().map(TransitionTable.Row::from).distinct())
        .containsExactly(
            Status.QUEUED,
            Status.RUNNING,
            Status.WAITING,
            Status.WAITING_FOR_PAUSE,
            Status.PAUSED,
            Status.ROLLING_BACK,
            Status.COMPLETE,
            Status.ERRORED,
            Status.TERMINATED);
  }

  @Test
  void deletionIsRefusedOnlyWhileRollingBack() {
    for (Status status : Status.values()) {
      assertThat(TABLE.allowsDeletion(status))
          .as("deletion of a %s instance", status)
          .isEqualTo(status != Status.ROLLING_BACK);
    }
    assertThat(TABLE.deletableStatuses())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(Status.values()).filter(s -> s != Status.ROLLING_BACK).toList());
  }

  @Test
  void nextStatusesAreTheTargetsOfTheRowsOutOfAStatus() {
    assertThat(TABLE.nextStatuses(Status.ROLLING_BACK))
        .containsExactly(Status.ERRORED, Status.TERMINATED);
    assertThat(TABLE.nextStatuses(Status.COMPLETE)).containsExactly(Status.QUEUED);
  }

  @Test
  void theTableStartsInQueued() {
    assertThat(TABLE.initial()).isEqualTo(Status.QUEUED);
  }

  static Stream<Arguments> everyStatusAndAction() {
    Map<Status, String[]> golden = goldenByStatus(ACTION_GOLDEN);
    List<Arguments> cells = new ArrayList<>();
    for (Status status : Status.values()) {
      String[] line = golden.get(status);
      if (line == null || line.length != GOLDEN_COLUMNS.size() + 1) {
        fail("ACTION_GOLDEN needs one line of %d cells for %s", GOLDEN_COLUMNS.size(), status);
      }
      for (Action action : Action.values()) {
        cells.add(Arguments.of(status, action, line[GOLDEN_COLUMNS.indexOf(action) + 1]));
      }
    }
    return cells.stream();
  }

  static Stream<Arguments> everyStatusAndEvent() {
    Map<Status, Map<EngineEvent, String>> golden = new EnumMap<>(Status.class);
    for (String[] line : goldenLines(EVENT_GOLDEN)) {
      golden
          .computeIfAbsent(Status.valueOf(line[0]), s -> new EnumMap<>(EngineEvent.class))
          .put(EngineEvent.valueOf(line[1]), line[2]);
    }
    List<Arguments> cells = new ArrayList<>();
    for (Status status : Status.values()) {
      for (EngineEvent event : EngineEvent.values()) {
        String expected = golden.getOrDefault(status, Map.of()).getOrDefault(event, "reject");
        cells.add(Arguments.of(status, event, expected));
      }
    }
    return cells.stream();
  }

  static Stream<Arguments> allowedActionsPerStatus() {
    List<Action> running = List.of(PAUSE, TERMINATE, TERMINATE_WITH_ROLLBACK, RESTART);
    return Stream.of(
        Arguments.of(Status.QUEUED, running),
        Arguments.of(Status.RUNNING, running),
        Arguments.of(Status.WAITING, running),
        Arguments.of(Status.WAITING_FOR_PAUSE, List.of(Action.values())),
        Arguments.of(Status.PAUSED, List.of(Action.values())),
        Arguments.of(Status.ROLLING_BACK, List.of()),
        Arguments.of(Status.COMPLETE, List.of(RESTART)),
        Arguments.of(Status.ERRORED, List.of(RESTART)),
        Arguments.of(Status.TERMINATED, List.of(RESTART)));
  }

  private static Map<Status, String[]> goldenByStatus(String golden) {
    Map<Status, String[]> byStatus = new EnumMap<>(Status.class);
    for (String[] line : goldenLines(golden)) {
      if (byStatus.put(Status.valueOf(line[0]), line) != null) {
        fail("golden matrix lists %s twice", line[0]);
      }
    }
    return byStatus;
  }

  private static List<String[]> goldenLines(String golden) {
    return golden
        .lines()
        .filter(line -> !line.isBlank())
        .map(line -> Arrays.stream(line.split("\\|")).map(String::strip).toArray(String[]::new))
        .toList();
  }
}
