package dev.stepflow.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A status machine as data: rows of (from status, trigger) to a move or an explicit no-op. Any pair
 * that has no row is a rejection, so the table is total for client actions. {@link #decide} is the
 * only way status rules are evaluated anywhere in Stepflow.
 *
 * <p>Besides the rows, the table declares the statuses in which an instance may not be deleted
 * ({@link #allowsDeletion}): deleting stops whatever the instance is doing, which some statuses
 * must not have cut short. DELETE is no status change, so it has no rows of its own.
 *
 * <p>{@link Builder#build()} validates the rows when the table is created (in practice when {@link
 * Transitions} loads) and fails with {@link IllegalStateException}: a broken table is a programming
 * error, never a runtime outcome.
 */
public final class TransitionTable {

  /** One row of the table. {@code to} equals {@code from} for a no-op row. */
  public record Row(Status from, Trigger trigger, boolean noOp, Status to, Set<Effect> effects) {
    public Row {
      effects = Effects.ordered(effects);
    }
  }

  private final Status initial;
  private final Map<Key, Row> rows;
  private final Set<Status> deletionRefused;

  private record Key(Status from, Trigger trigger) {}

  private TransitionTable(Status initial, Map<Key, Row> rows, Set<Status> deletionRefused) {
    this.initial = initial;
    this.rows = rows;
    this.deletionRefused = deletionRefused;
  }

  public static Builder startingAt(Status initial) {
    return new Builder(initial);
  }

  /** The status every instance starts in. */
  public Status initial() {
    return initial;
  }

  /** What happens when {@code trigger} meets an instance in {@code current}. Never throws. */
  public Decision decide(Status current, Trigger trigger) {
    Row row = rows.get(new Key(current, trigger));
    if (row == null) {
      return new Decision.Reject(current, trigger, allowedActions(current));
    }
    if (row.noOp()) {
      return new Decision.NoOp(current, trigger);
    }
    return new Decision.Move(current, trigger, row.to(), row.effects());
  }

  /** The client actions that move an instance in {@code current} or are a no-op there. */
  public List<Action> allowedActions(Status current) {
    List<Action> allowed = new ArrayList<>();
    for (Action action : Action.values()) {
      if (rows.containsKey(new Key(current, action))) {
        allowed.add(action);
      }
    }
    return allowed;
  }

  /** Whether DELETE may remove an instance in {@code current} (and stop what it is doing). */
  public boolean allowsDeletion(Status current) {
    return !deletionRefused.contains(current);
  }

  /** The statuses {@link #allowsDeletion} allows, for the store's guarded delete. */
  public Set<Status> deletableStatuses() {
    Set<Status> deletable = EnumSet.allOf(Status.class);
    deletable.removeAll(deletionRefused);
    return Collections.unmodifiableSet(deletable);
  }

  /**
   * The statuses the rows out of {@code from} lead to, in declaration order: where an instance goes
   * next, for messages that say what to wait for.
   */
  public List<Status> nextStatuses(Status from) {
    Set<Status> next = new LinkedHashSet<>();
    for (Row row : rows.values()) {
      if (row.from() == from && !row.noOp() && row.to() != from) {
        next.add(row.to());
      }
    }
    return List.copyOf(next);
  }

  /** All rows in declaration order, for docs and coverage reports. */
  public List<Row> rows() {
    return List.copyOf(rows.values());
  }

  /** Collects rows; {@link #build()} validates them. */
  public static final class Builder {
    private final Status initial;
    private final Map<Key, Row> rows = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Set<Trigger> allowedFromTerminal = new HashSet<>();
    private final Set<Status> deletionRefused = EnumSet.noneOf(Status.class);

    private Builder(Status initial) {
      this.initial = initial;
    }

    /** Starts a row; finish it with {@link RowBuilder#moveTo} or {@link RowBuilder#noOp()}. */
    public RowBuilder on(Status from, Trigger trigger) {
      return new RowBuilder(this, from, trigger);
    }

    /**
     * Declares which triggers may leave a terminal status; any other row out of one fails the
     * build.
     */
    public Builder terminalStatusesLeftOnlyBy(Trigger... triggers) {
      allowedFromTerminal.addAll(Arrays.asList(triggers));
      return this;
    }

    /**
     * Declares the statuses in which DELETE of an instance is refused; a finished instance must
     * always be deletable, so a terminal status here fails the build.
     */
    public Builder deletionRefusedIn(Status... statuses) {
      deletionRefused.addAll(Arrays.asList(statuses));
      return this;
    }

    private Builder add(Row row) {
      Row previous = rows.putIfAbsent(new Key(row.from(), row.trigger()), row);
      if (previous != null) {
        problems.add("duplicate row for (" + row.from() + ", " + row.trigger().label() + ")");
      }
      return this;
    }

    /** Validates the rows and returns the table, or throws naming every problem found. */
    public TransitionTable build() {
      List<String> found = new ArrayList<>(problems);
      found.addAll(unreachableStatuses());
      found.addAll(statusesThatCannotFinish());
      found.addAll(unusedActions());
      found.addAll(unusedEffects());
      found.addAll(illegalRowsOutOfTerminal());
      found.addAll(undeletableTerminalStatuses());
      if (!found.isEmpty()) {
        throw new IllegalStateException("Invalid transition table: " + String.join("; ", found));
      }
      // Map.copyOf would lose the declaration order that rows() promises (its iteration order
      // changes from one JVM run to the next), and generated-README.md must not change with it.
      return new TransitionTable(
          initial,
          Collections.unmodifiableMap(new LinkedHashMap<>(rows)),
          Collections.unmodifiableSet(EnumSet.copyOf(deletionRefused)));
    }

    private List<String> unreachableStatuses() {
      Set<Status> reached = reachableFrom(initial);
      List<String> out = new ArrayList<>();
      for (Status status : Status.values()) {
        if (!reached.contains(status)) {
          out.add("status " + status + " is not reachable from " + initial);
        }
      }
      return out;
    }

    private List<String> statusesThatCannotFinish() {
      List<String> out = new ArrayList<>();
      for (Status status : Status.values()) {
        boolean finishes = reachableFrom(status).stream().anyMatch(Status::isTerminal);
        if (!status.isTerminal() && !finishes) {
          out.add("status " + status + " can never reach a terminal status");
        }
      }
      return out;
    }

    private List<String> unusedActions() {
      List<String> out = new ArrayList<>();
      for (Action action : Action.values()) {
        if (rows.keySet().stream().noneMatch(key -> key.trigger() == action)) {
          out.add("action " + action + " appears in no row");
        }
      }
      return out;
    }

    /** An effect no row asks for is dead weight in every handler that carries it out. */
    private List<String> unusedEffects() {
      Set<Effect> used = EnumSet.noneOf(Effect.class);
      rows.values().forEach(row -> used.addAll(row.effects()));
      List<String> out = new ArrayList<>();
      for (Effect effect : Effect.values()) {
        if (!used.contains(effect)) {
          out.add("effect " + effect + " appears in no row");
        }
      }
      return out;
    }

    private List<String> illegalRowsOutOfTerminal() {
      List<String> out = new ArrayList<>();
      for (Row row : rows.values()) {
        boolean leaves = row.from().isTerminal() && !row.noOp();
        if (leaves && !allowedFromTerminal.contains(row.trigger())) {
          out.add(
              "row (" + row.from() + ", " + row.trigger().label() + ") leaves a terminal status");
        }
      }
      return out;
    }

    /** A finished instance that could never be deleted would stay forever. */
    private List<String> undeletableTerminalStatuses() {
      List<String> out = new ArrayList<>();
      for (Status status : deletionRefused) {
        if (status.isTerminal()) {
          out.add("deletion is refused in terminal status " + status);
        }
      }
      return out;
    }

    private Set<Status> reachableFrom(Status start) {
      Set<Status> seen = EnumSet.of(start);
      ArrayDeque<Status> todo = new ArrayDeque<>(List.of(start));
      while (!todo.isEmpty()) {
        Status from = todo.pop();
        for (Row row : rows.values()) {
          if (row.from() == from && seen.add(row.to())) {
            todo.push(row.to());
          }
        }
      }
      return seen;
    }
  }

  /** The second half of a row declaration. */
  public static final class RowBuilder {
    private final Builder owner;
    private final Status from;
    private final Trigger trigger;

    private RowBuilder(Builder owner, Status from, Trigger trigger) {
      this.owner = owner;
      this.from = from;
      this.trigger = trigger;
    }

    public Builder moveTo(Status to, Effect... effects) {
      return owner.add(new Row(from, trigger, false, to, Set.of(effects)));
    }

    public Builder noOp() {
      return owner.add(new Row(from, trigger, true, from, Set.of()));
    }
  }
}
