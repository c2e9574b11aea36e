package dev.stepflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Effect;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.RollbackOutcome;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.TransitionTable;
import dev.stepflow.domain.Transitions;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.RunUpdate;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store's share of the table: every effect the store carries out writes something and every
 * other writes nothing, every row of the table assembles into one consistent UPDATE, and the SQL of
 * a move is what its effects and target ask for.
 */
class MoveWriteTest {
  private static final Instant AT = Instant.parse("2026-12-02T10:00:00Z");
  private static final Owner OWNER = new Owner("node-1", AT.plusSeconds(15));

  @ParameterizedTest
  @EnumSource(Effect.class)
  void theStoreWritesExactlyTheEffectsItCarriesOut(Effect effect) {
    MoveWrite.Plan plan = new MoveWrite.Plan();
    EffectWrites.write(effect, new MoveWrite.Context(7, AT, OWNER, OptionalLong.empty()), plan);

    assertThat(plan.isEmpty())
        .as("%s is carried out by %s", effect, effect.carriers())
        .isEqualTo(!effect.carriedBy(Effect.Carrier.STORE));
  }

  static Stream<TransitionTable.Row> moveRows() {
    return Transitions.TABLE.rows().stream().filter(row -> !row.noOp());
  }

  @ParameterizedTest
  @MethodSource("moveRows")
  void everyMoveOfTheTableAssemblesWithoutTwoWritersOfOneColumn(TransitionTable.Row row) {
    Decision.Move move = move(row.from(), row.trigger());

    assertThatCode(() -> MoveWrite.of(7, 3, move, AT).claimedBy(OWNER).plan())
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                MoveWrite.of(7, 3, move, AT)
                    .claimedBy(OWNER)
                    .restartingFrom(OptionalLong.of(2))
                    .plan())
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @MethodSource("moveRows")
  void everyMoveBindsPlainValuesOnly(TransitionTable.Row row) {
    MoveWrite write = MoveWrite.of(7, 3, move(row.from(), row.trigger()), AT).claimedBy(OWNER);
    if (row.trigger() instanceof EngineEvent) {
      write.withRunUpdate(
          RunUpdate.failed("Boom", "it broke").withRollback(RollbackOutcome.FAILED, "E", "m"));
    }

    MoveWrite.Sql sql = write.update(write.plan());

    assertThat(sql.values()).noneMatch(value -> value instanceof MoveWrite.Sql);
    assertThat(sql.text().chars().filter(c -> c == '?').count()).isEqualTo(sql.values().size());
  }

  @Test
  void aRunCannotBeStartedWithoutTheNodeThatClaimsIt() {
    Decision.Move start = move(Status.QUEUED, EngineEvent.RUN_STARTED);

    assertThatThrownBy(() -> MoveWrite.of(7, 3, start, AT).plan())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs the node that claims it");
  }

  @Test
  void aClientsTerminateOfARunningInstanceFencesTheRunAndDropsItsLease() {
    MoveWrite write = MoveWrite.of(7, 3, move(Status.RUNNING, Action.TERMINATE), AT);

    MoveWrite.Sql sql = write.update(write.plan());

    assertThat(sql.text())
        .isEqualTo(
            "UPDATE instance SET status = ?, status_version = status_version + 1,"
                + " modified_on = ?, status_changed_on = ?,"
                + " ended_on = ?, run_id = run_id + 1, owner_node = NULL, lease_until = NULL"
                + " WHERE seq = ? AND status = ? AND run_id = ?");
    assertThat(sql.values()).containsExactly("terminated", AT, AT, AT, 7L, "running", 3L);
  }

  @Test
  void aClaimStartsTheRunUnderTheClaimingNodesLeaseUnlessAnotherNodeHoldsOne() {
    Decision.Move start = move(Status.WAITING, EngineEvent.WAIT_ENDED);
    MoveWrite write =
        MoveWrite.of(7, 3, start, AT)
            .claimedBy(OWNER)
            .unlessLeasedByAnotherNode(OWNER.nodeId(), AT);

    MoveWrite.Sql sql = write.update(write.plan());

    assertThat(sql.text())
        .isEqualTo(
            "UPDATE instance SET status = ?, status_version = status_version + 1,"
                + " modified_on = ?, status_changed_on = ?,"
                + " started_on = COALESCE(started_on, ?), wake_at = NULL,"
                + " waiting_for_event = NULL, run_id = run_id + 1, owner_node = ?,"
                + " lease_until = ?"
                + " WHERE seq = ? AND status = ? AND run_id = ?"
                + " AND (owner_node IS NULL OR lease_until < ? OR owner_node = ?)");
    assertThat(sql.values())
        .containsExactly(
            "running", AT, AT, AT, "node-1", OWNER.leaseUntil(), 7L, "waiting", 3L, AT, "node-1");
  }

  @Test
  void aRunsOwnMoveSetsItsDataAndKeepsARecordedResult() {
    Decision.Move suspend = move(Status.RUNNING, EngineEvent.RUN_SUSPENDED);
    Instant wake = AT.plusSeconds(60);
    MoveWrite write =
        MoveWrite.of(7, 3, suspend, AT).withRunUpdate(RunUpdate.suspendedUntil(wake, "approved"));

    MoveWrite.Sql sql = write.update(write.plan());

    assertThat(sql.text())
        .startsWith(
            "UPDATE instance SET status = ?, status_version = status_version + 1,"
                + " modified_on = ?, status_changed_on = ?,"
                + " wake_at = ?, waiting_for_event = ?, output_json = COALESCE(?, output_json),")
        .contains("owner_node = NULL, lease_until = NULL")
        .endsWith(" WHERE seq = ? AND status = ? AND run_id = ?");
  }

  @Test
  void aRestartFromAStepWipesFromThatStepAndTheCompensatedStepsAndKeepsTheEvents() {
    MoveWrite.Plan plan =
        MoveWrite.of(7, 3, move(Status.COMPLETE, Action.RESTART), AT)
            .restartingFrom(OptionalLong.of(4))
            .plan();

    assertThat(plan.assignments()).doesNotContainKey(MoveWrite.Column.STARTED_ON);
    assertThat(plan.statementsAfter())
        .extracting(MoveWrite.Sql::text)
        .satisfiesExactly(
            compensated ->
                assertThat(compensated)
                    .startsWith("DELETE FROM step WHERE instance_seq = ? AND type = 'do'")
                    .contains("r.type = 'rollback'", "r.status = 'complete'"),
            range ->
                assertThat(range)
                    .isEqualTo("DELETE FROM step WHERE instance_seq = ? AND step_seq >= ?"));
    assertThat(plan.statementsAfter().getLast().values()).containsExactly(7L, 4L);
  }

  @Test
  void aResumeShiftsTheDeadlinesByThePauseOnlyOnceItsUpdateApplied() {
    MoveWrite.Plan plan = MoveWrite.of(7, 3, move(Status.PAUSED, Action.RESUME), AT).plan();

    assertThat(plan.assignments()).doesNotContainKey(MoveWrite.Column.PAUSED_AT);
    assertThat(plan.statementsAfter())
        .extracting(MoveWrite.Sql::text)
        .satisfiesExactly(
            shift -> assertThat(shift).startsWith("UPDATE step SET wake_at = wake_at + (? -"),
            ended ->
                assertThat(ended).isEqualTo("UPDATE instance SET paused_at = NULL WHERE seq = ?"));
  }

  @Test
  void aRestartOfEverythingAlsoDropsTheEventsAndTheStartTime() {
    MoveWrite.Plan plan = MoveWrite.of(7, 3, move(Status.COMPLETE, Action.RESTART), AT).plan();

    assertThat(plan.assignments()).containsKey(MoveWrite.Column.STARTED_ON);
    assertThat(plan.statementsAfter())
        .containsExactly(
            MoveWrite.Sql.of("DELETE FROM step WHERE instance_seq = ? AND step_seq >= ?", 7L, 0L),
            MoveWrite.Sql.of("DELETE FROM event WHERE instance_seq = ?", 7L));
  }

  private static Decision.Move move(Status from, dev.stepflow.domain.Trigger trigger) {
    return (Decision.Move) Transitions.TABLE.decide(from, trigger);
  }
}
