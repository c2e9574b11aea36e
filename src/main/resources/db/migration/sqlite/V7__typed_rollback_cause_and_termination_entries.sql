-- The rollback cause is recorded by what started the rollback (a termination or a failure) rather
-- than by the spelling of the trigger that started it; the status history says which of its rows
-- show a termination entry in the instance's log, written by the move that records the termination.
UPDATE instance
   SET rollback_cause = CASE WHEN rollback_cause = 'terminate+rollback' THEN 'termination' ELSE 'failure' END
 WHERE rollback_cause IS NOT NULL;

ALTER TABLE status_change ADD COLUMN records_termination INTEGER NOT NULL DEFAULT 0
    CHECK (records_termination IN (0, 1));
UPDATE status_change SET records_termination = 1
 WHERE trigger_name IN ('terminate', 'terminate+rollback');
