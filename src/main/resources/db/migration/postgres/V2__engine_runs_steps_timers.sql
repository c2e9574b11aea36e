-- The engine: run fencing, timers, pause bookkeeping, rollback outcome; step configs and attempts.

-- run_id grows with every claim of an instance; a write from a run whose run_id is no longer current is
-- refused, so a run that lost its instance (terminated, restarted, taken over) can record nothing.
ALTER TABLE instance ADD COLUMN run_id bigint NOT NULL DEFAULT 0;
-- a waiting instance runs again at wake_at, or earlier when an event of waiting_for_event arrives
ALTER TABLE instance ADD COLUMN wake_at bigint;
ALTER TABLE instance ADD COLUMN waiting_for_event text;
-- when the current pause began; resume moves relative deadlines on by the time spent paused
ALTER TABLE instance ADD COLUMN paused_at bigint;
-- the trigger that started the current rollback (terminate+rollback or a failed run)
ALTER TABLE instance ADD COLUMN rollback_cause text;
ALTER TABLE instance ADD COLUMN rollback_outcome text;
ALTER TABLE instance ADD COLUMN rollback_error_name text;
ALTER TABLE instance ADD COLUMN rollback_error_message text;
CREATE INDEX instance_by_status_queue ON instance (status, queued_on, seq);
CREATE INDEX instance_by_status_wake ON instance (status, wake_at);

ALTER TABLE step ADD COLUMN config_json text;
ALTER TABLE step ADD COLUMN attempts_json text;
-- 0 or 1 rather than boolean: the stores' SQL compares and binds them as numbers on both databases
ALTER TABLE step ADD COLUMN has_rollback smallint NOT NULL DEFAULT 0 CHECK (has_rollback IN (0, 1));
-- sleep end, event-wait deadline, or the time of the next retry attempt
ALTER TABLE step ADD COLUMN wake_at bigint;
-- 1 for sleepUntil: an absolute time that a pause does not move
ALTER TABLE step ADD COLUMN wake_absolute smallint NOT NULL DEFAULT 0 CHECK (wake_absolute IN (0, 1));
ALTER TABLE step ADD COLUMN event_type text;
