-- The engine: run fencing, timers, pause bookkeeping, rollback outcome; step configs and attempts.

-- run_id grows with every claim of an instance; a write from a run whose run_id is no longer current is
-- refused, so a run that lost its instance (terminated, restarted, taken over) can record nothing.
ALTER TABLE instance ADD COLUMN run_id INTEGER NOT NULL DEFAULT 0;
-- a waiting instance runs again at wake_at, or earlier when an event of waiting_for_event arrives
ALTER TABLE instance ADD COLUMN wake_at INTEGER;
ALTER TABLE instance ADD COLUMN waiting_for_event TEXT;
-- when the current pause began; resume moves relative deadlines on by the time spent paused
ALTER TABLE instance ADD COLUMN paused_at INTEGER;
-- the trigger that started the current rollback (terminate+rollback or a failed run)
ALTER TABLE instance ADD COLUMN rollback_cause TEXT;
ALTER TABLE instance ADD COLUMN rollback_outcome TEXT;
ALTER TABLE instance ADD COLUMN rollback_error_name TEXT;
ALTER TABLE instance ADD COLUMN rollback_error_message TEXT;
CREATE INDEX instance_by_status_queue ON instance (status, queued_on, seq);
CREATE INDEX instance_by_status_wake ON instance (status, wake_at);

ALTER TABLE step ADD COLUMN config_json TEXT;
ALTER TABLE step ADD COLUMN attempts_json TEXT;
ALTER TABLE step ADD COLUMN has_rollback INTEGER NOT NULL DEFAULT 0;
-- sleep end, event-wait deadline, or the time of the next retry attempt
ALTER TABLE step ADD COLUMN wake_at INTEGER;
-- 1 for sleepUntil: an absolute time that a pause does not move
ALTER TABLE step ADD COLUMN wake_absolute INTEGER NOT NULL DEFAULT 0;
ALTER TABLE step ADD COLUMN event_type TEXT;
