-- The retention sweep runs about once a second and looked for expired instances in instance_ended, which
-- holds every ended instance: it read all of them, and each one's row, to compute when it expires. On
-- SQLite's single writer that took 11.7 ms a pass on average while the complete instances grew to 60,000,
-- and it grows with every instance kept (bench/results/retention-2026-12-05-expiry-index.md). These indexes hold an ended instance
-- by when it expires, and only if it does: one kept forever (no retention, the default) is in neither. The
-- sweep's two deletes (JdbcEngineStore.deleteExpired) name the same conditions, literally, so that the
-- store can use them.
CREATE INDEX instance_success_expiry ON instance (ended_on + success_retention_ms)
  WHERE status IN ('complete') AND success_retention_ms IS NOT NULL;
CREATE INDEX instance_error_expiry ON instance (ended_on + error_retention_ms)
  WHERE status IN ('errored', 'terminated') AND error_retention_ms IS NOT NULL;
-- the sweep was the one reader of instance_ended; without it, an instance that ends enters no index for its
-- end unless it has a retention
DROP INDEX instance_ended;
