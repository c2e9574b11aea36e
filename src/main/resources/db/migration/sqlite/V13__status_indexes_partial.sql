-- A status move maintains only the indexes whose rows it enters or leaves. The four indexes that began with
-- status (queue order, wake time, end time, lease) held every instance, so every move deleted and inserted an
-- entry in each of them, plus the entry of instance_by_status: ten index changes, and as many dirty pages,
-- for a pause. Each is now partial, over the statuses that use it; a pause of a queued instance changes
-- instance_by_status and instance_queued only. Queries name the same status condition, literally, so that
-- SQLite can use them (see CandidateQueries and JdbcEngineStore).
DROP INDEX instance_by_status_queue;
DROP INDEX instance_by_status_wake;
DROP INDEX instance_by_status_end;
DROP INDEX instance_by_status_lease;
CREATE INDEX instance_queued ON instance (queued_on, seq) WHERE status = 'queued';
CREATE INDEX instance_sleeping ON instance (wake_at) WHERE status = 'waiting';
CREATE INDEX instance_ended ON instance (ended_on) WHERE status IN ('errored', 'terminated', 'complete');
-- no lease_until here: renewing leases then changes no index (and is a HOT update on PostgreSQL)
CREATE INDEX instance_running ON instance (status, seq) WHERE status IN ('running', 'waitingForPause', 'rollingBack');
