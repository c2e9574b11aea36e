package dev.stepflow.embed;

/** When an acknowledged change is safe (SQLite; PostgreSQL follows its own settings). */
public enum Durability {
  /** Survives a crash of the process (kill -9); the default. */
  NORMAL,
  /** Also survives a power loss: every commit batch is fsynced. */
  FULL
}
