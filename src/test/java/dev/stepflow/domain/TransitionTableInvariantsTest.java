package dev.stepflow.domain;

import static dev.stepflow.domain.Action.PAUSE;
import static dev.stepflow.domain.Action.RESTART;
import static dev.stepflow.domain.Action.RESUME;
import static dev.stepflow.domain.Action.TERMINATE;
import static dev.stepflow.domain.Action.TERMINATE_WITH_ROLLBACK;
import static dev.stepflow.domain.EngineEvent.FAILURE_COMPENSATED;
import static dev.stepflow.domain.EngineEvent.RUN_FAILED;
import static dev.stepflow.domain.EngineEvent.RUN_FAILED_WITH_COMPENSATIONS;
import static dev.stepflow.domain.EngineEvent.RUN_STARTED;
import static dev.stepflow.domain.EngineEvent.RUN_SUCCEEDED;
import static dev.stepflow.domain.EngineEvent.RUN_SUSPENDED;
import static dev.stepflow.domain.EngineEvent.STEPS_SETTLED;
import static dev.stepflow.domain.EngineEvent.WAIT_ENDED;
import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.ERRORED;
import static dev.stepflow.domain.Status.PAUSED;
import static dev.stepflow.domain.Status.QUEUED;
import static dev.stepflow.domain.Status.ROLLING_BACK;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.domain.Status.TERMINATED;
import static dev.stepflow.domain.Status.WAITING;
import static dev.stepflow.domain.Status.WAITING_FOR_PAUSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The validations of {@link TransitionTable.Builder#build()} on deliberately broken tables, and
 * random walks through {@link Transitions#TABLE} checking that {@code decide} is total and that a
 * finished instance is left only by restart.
 */
class TransitionTableInvariantsTest {

  /** One row of a small table that passes every validation; each negative test breaks it once. */
  private record Line(Status from, Trigger trigger, Status to) {}

  private static final List<Line> VALID =
      List.of(
          new Line(QUEUED, PAUSE, PAUSED),
          new Line(QUEUED, TERMINATE, TERMINATED),
          new Line(QUEUED, TERMINATE_WITH_ROLLBACK, TERMINATED),
          new Line(QUEUED, RUN_STARTED, RUNNING),
          new Line(RUNNING, PAUSE, WAITING_FOR_PAUSE),
          new Line(RUNNING, RUN_SUSPENDED, WAITING),
          new Line(RUNNING, RUN_SUCCEEDED, COMPLETE),
          new Line(RUNNING, RUN_FAILED, ERRORED),
          new Line(RUNNING, RUN_FAILED_WITH_COMPENSATIONS, ROLLING_BACK),
          new Line(WAITING, WAIT_ENDED, RUNNING),
          new Line(WAITING_FOR_PAUSE, STEPS_SETTLED, PAUSED),
          new Line(PAUSED, RESUME, QUEUED),
          new Line(PAUSED, TERMINATE, TERMINATED),
          new Line(ROLLING_BACK, FAILURE_COMPENSATED, ERRORED),
          new Line(COMPLETE, RESTART, QUEUED));

  @Test
  void theSmallValidTableBuilds() {
    assertThatCode(() -> builder(VALID).build()).doesNotThrowAnyException();
  }

  @Test
  void duplicateRowIsRejected() {
    TransitionTable.Builder builder = builder(VALID).on(QUEUED, PAUSE).moveTo(PAUSED);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid transition table: duplicate row for (QUEUED, pause)");
  }

  @Test
  void duplicateRowIsRejectedEvenWhenOneIsANoOp() {
    TransitionTable.Builder builder = builder(VALID).on(PAUSED, RESUME).noOp();

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid transition table: duplicate row for (PAUSED, resume)");
  }

  @Test
  void unreachableStatusIsRejected() {
    TransitionTable.Builder builder = builder(without(new Line(RUNNING, PAUSE, WAITING_FOR_PAUSE)));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Invalid transition table: status WAITING_FOR_PAUSE is not reachable from QUEUED");
  }

  @Test
  void nonTerminalStatusThatCanNeverFinishIsRejected() {
    TransitionTable.Builder builder =
        builder(without(new Line(ROLLING_BACK, FAILURE_COMPENSATED, ERRORED)));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Invalid transition table: status ROLLING_BACK can never reach a terminal status");
  }

  @Test
  void statusesCaughtInACycleWithoutExitAreRejected() {
    List<Line> lines = new ArrayList<>(without(new Line(WAITING, WAIT_ENDED, RUNNING)));
    lines.add(new Line(WAITING, RESUME, WAITING_FOR_PAUSE));
    lines.add(new Line(WAITING_FOR_PAUSE, RESUME, WAITING));
    lines.remove(new Line(WAITING_FOR_PAUSE, STEPS_SETTLED, PAUSED));

    assertThatThrownBy(builder(lines)::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Invalid transition table: status WAITING_FOR_PAUSE can never reach a terminal status;"
                + " status WAITING can never reach a terminal status");
  }

  @Test
  void actionInNoRowIsRejected() {
    TransitionTable.Builder builder = builder(without(new Line(PAUSED, RESUME, QUEUED)));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid transition table: action RESUME appears in no row");
  }

  @Test
  void rowLeavingATerminalStatusByAnotherTriggerIsRejected() {
    TransitionTable.Builder builder = builder(VALID).on(ERRORED, RESUME).moveTo(QUEUED);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid transition table: row (ERRORED, resume) leaves a terminal status");
  }

  @Test
  void rowLeavingATerminalStatusIsRejectedWhenNoTriggerIsDeclared() {
    TransitionTable.Builder builder = TransitionTable.startingAt(QUEUED);
    for (Line line : VALID) {
      add(builder, line, Set.of());
    }

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid transition table: row (COMPLETE, restart) leaves a terminal status");
  }

  @Test
  void effectInNoRowIsRejected() {
    TransitionTable.Builder builder = builder(VALID, Set.of(Effect.CANCEL_PAUSE));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid transition table: effect CANCEL_PAUSE appears in no row");
  }

  @Test
  void deletionRefusedInATerminalStatusIsRejected() {
    TransitionTable.Builder builder = builder(VALID).deletionRefusedIn(ROLLING_BACK, COMPLETE);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid transition table: deletion is refused in terminal status COMPLETE");
  }

  @Test
  void deletionRefusedInARunningStatusBuildsAndIsAnsweredByTheTable() {
    TransitionTable table = builder(VALID).deletionRefusedIn(ROLLING_BACK).build();

    assertThat(table.allowsDeletion(ROLLING_BACK)).isFalse();
    assertThat(table.allowsDeletion(RUNNING)).isTrue();
    assertThat(table.deletableStatuses()).doesNotContain(ROLLING_BACK).contains(COMPLETE);
  }

  @Test
  void noOpRowOnATerminalStatusDoesNotLeaveIt() {
    TransitionTable.Builder builder = builder(VALID).on(TERMINATED, TERMINATE).noOp();

    assertThatCode(builder::build).doesNotThrowAnyException();
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    TransitionTable.Builder builder =
        builder(without(new Line(PAUSED, RESUME, QUEUED))).on(QUEUED, PAUSE).noOp();

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Invalid transition table: duplicate row for (QUEUED, pause);"
                + " action RESUME appears in no row");
  }

  /**
   * Seeded random walks from the initial status: every decision is present and consistent with the
   * status the walk is in, and a terminal status is left only by RESTART.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomWalksFromQueuedKeepTheInvariants(long seed) {
    List<Trigger> walk = walk(new Random(seed));
    TransitionTable table = Transitions.TABLE;
    Status current = table.initial();
    assertThat(current).isEqualTo(QUEUED);

    for (Trigger trigger : walk) {
      Decision decision = table.decide(current, trigger);
      assertThat(decision).as("decide(%s, %s)", current, trigger).isNotNull();
      switch (decision) {
        case Decision.Move move -> {
          assertThat(move.from()).isEqualTo(current);
          assertThat(move.trigger()).isEqualTo(trigger);
          assertThat(move.to()).isNotNull();
          if (current.isTerminal()) {
            assertThat(trigger).as("the only way out of %s", current).isEqualTo(RESTART);
          }
          current = move.to();
        }
        case Decision.NoOp noOp -> {
          assertThat(noOp.current()).isEqualTo(current);
          assertThat(noOp.trigger()).isEqualTo(trigger);
        }
        case Decision.Reject reject -> {
          assertThat(reject.current()).isEqualTo(current);
          assertThat(reject.trigger()).isEqualTo(trigger);
          assertThat(reject.allowedActions()).isEqualTo(table.allowedActions(current));
          if (trigger instanceof Action action) {
            assertThat(reject.allowedActions()).doesNotContain(action);
          }
        }
      }
    }
  }

  /** 1,000 fixed seeds: the walks are random in shape but the same on every run. */
  static LongStream seeds() {
    return LongStream.range(7_340_117L, 7_340_117L + 1_000);
  }

  private static List<Trigger> walk(Random random) {
    List<Trigger> triggers =
        Stream.<Trigger>concat(Stream.of(Action.values()), Stream.of(EngineEvent.values()))
            .toList();
    int length = 1 + random.nextInt(60);
    List<Trigger> walk = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      walk.add(triggers.get(random.nextInt(triggers.size())));
    }
    return walk;
  }

  private static TransitionTable.Builder builder(List<Line> lines) {
    return builder(lines, Set.of());
  }

  /** The lines as rows; the row that starts a run carries every effect but {@code unused}. */
  private static TransitionTable.Builder builder(List<Line> lines, Set<Effect> unused) {
    TransitionTable.Builder builder = TransitionTable.startingAt(QUEUED);
    for (Line line : lines) {
      add(builder, line, unused);
    }
    return builder.terminalStatusesLeftOnlyBy(RESTART);
  }

  private static void add(TransitionTable.Builder builder, Line line, Set<Effect> unused) {
    Effect[] effects =
        line.trigger() == RUN_STARTED
            ? Arrays.stream(Effect.values()).filter(e -> !unused.contains(e)).toArray(Effect[]::new)
            : new Effect[0];
    builder.on(line.from(), line.trigger()).moveTo(line.to(), effects);
  }

  private static List<Line> without(Line line) {
    List<Line> lines = new ArrayList<>(VALID);
    if (!lines.remove(line)) {
      throw new IllegalArgumentException(line + " is not a row of the valid table");
    }
    return lines;
  }
}
