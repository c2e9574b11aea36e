-- Queued and sleeping instances of a workflow with a concurrency limit are kept apart from the others.
--
-- The dispatcher reads queued instances first in, first out along instance_queued, and woken ones along
-- instance_sleeping, skipping those whose workflow is at its concurrency limit. Those were skipped one by one:
-- with 50,000 instances queued behind a limit of 2, every pass of the dispatcher read all 50,000 (and counted
-- the workflow's runs for each) before it reached anything it could start, and the dispatcher used 15 % of a
-- core on a server with nothing to do (bench/results/engine-2026-12-05-waiting-behind-a-limit.md). Timers due
-- behind a full limit were worse: they also kept the dispatcher from waiting between passes at all.
--
-- An instance's version is fixed at creation, and so is whether that version has a concurrency limit, so the
-- instance carries it (concurrency_limited, 1 if it has one). Instances without a limit are read along
-- instance_queued and instance_sleeping, which now hold only them, in the order as before; those with one along
-- the *_limited indexes, one workflow at a time and only for workflows with room (CandidateQueries), which
-- workflow_version_limited finds without reading every version. Each index holds one kind only, so that no
-- read of one kind can be planned along the other's index.
ALTER TABLE instance ADD COLUMN concurrency_limited smallint NOT NULL DEFAULT 0;
UPDATE instance SET concurrency_limited = 1
 WHERE version_id IN (SELECT id FROM workflow_version WHERE concurrency_limit IS NOT NULL);
DROP INDEX instance_queued;
CREATE INDEX instance_queued ON instance (queued_on, seq) WHERE status = 'queued' AND concurrency_limited = 0;
CREATE INDEX instance_queued_limited ON instance (account_id, workflow_name, queued_on, seq)
  WHERE status = 'queued' AND concurrency_limited = 1;
DROP INDEX instance_sleeping;
CREATE INDEX instance_sleeping ON instance (wake_at) WHERE status = 'waiting' AND concurrency_limited = 0;
CREATE INDEX instance_sleeping_limited ON instance (account_id, workflow_name, wake_at)
  WHERE status = 'waiting' AND concurrency_limited = 1;
CREATE INDEX workflow_version_limited ON workflow_version (account_id, workflow_name, concurrency_limit)
  WHERE concurrency_limit IS NOT NULL;
