-- Cron schedules (issue 19). Each PUT workflow version keeps its own schedules; the workflow's
-- newest version's are the ones that fire. A schedule fires no tick before its version was created
-- (since_on), and last_tick is the latest tick it fired: a node fires a tick only by moving
-- last_tick forward with a compare-and-set in the transaction that creates the tick's instance, so
-- that of every node that sees a tick due exactly one creates its instance, with no leader.
CREATE TABLE workflow_schedule (
    version_id      TEXT    NOT NULL REFERENCES workflow_version (id) ON DELETE CASCADE,
    cron            TEXT    NOT NULL,
    position        INTEGER NOT NULL,
    since_on        INTEGER NOT NULL,
    last_tick       INTEGER,
    PRIMARY KEY (version_id, cron)
);

-- The tick that created a cron-triggered instance (NULL for instances created otherwise).
ALTER TABLE instance ADD COLUMN schedule_cron TEXT;
ALTER TABLE instance ADD COLUMN scheduled_time INTEGER;
