-- Per-workflow limit of instances running at once (running, waitingForPause, rollingBack); NULL: none.
ALTER TABLE workflow_version ADD COLUMN concurrency_limit integer;
