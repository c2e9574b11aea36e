package dev.stepflow.app;

import dev.stepflow.engine.runtime.Engine;
import dev.stepflow.engine.service.AuditLog;
import dev.stepflow.engine.service.BulkJobs;
import dev.stepflow.engine.service.Housekeeping;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.web.HttpFront;

/**
 * What a server start has opened so far, filled in step by step. {@link #close()} closes the parts
 * that exist, whether the server stops or its start failed half-way: first it waits for the work
 * started ahead of opening the store (so that an exit does not cut it short), stops answering, then
 * stops its bulk jobs and the runs, closes the store, and releases the data folder last, so no
 * second server gets the folder while this one still writes to it.
 */
final class ServerParts implements AutoCloseable {
  /** Work started ahead of opening the store; a failed start waits for it before it exits. */
  AutoCloseable storePreparation;

  DataFolderLock folderLock;
  HttpFront front;
  Database database;
  Engine engine;
  BulkJobs bulkJobs;
  Housekeeping housekeeping;
  AuditLog audit;
  Monitoring metrics;

  @Override
  public void close() {
    RuntimeException failure = null;
    failure = closeOne(storePreparation, failure);
    failure = closeOne(front, failure);
    failure = closeOne(bulkJobs, failure);
    failure = closeOne(housekeeping, failure);
    failure = closeOne(audit, failure);
    failure = closeOne(engine, failure);
    failure = closeOne(metrics, failure);
    failure = closeOne(database, failure);
    failure = closeOne(folderLock, failure);
    if (failure != null) {
      throw failure;
    }
  }

  /** Closes {@code part} if there is one; every part is closed even when one fails. */
  private static RuntimeException closeOne(AutoCloseable part, RuntimeException failure) {
    if (part == null) {
      return failure;
    }
    try {
      part.close();
      return failure;
    } catch (Exception e) {
      RuntimeException thrown = e instanceof RuntimeException r ? r : new IllegalStateException(e);
      if (failure == null) {
        return thrown;
      }
      failure.addSuppressed(thrown);
      return failure;
    }
  }
}
