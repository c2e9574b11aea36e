-- How long finished instances are kept, in milliseconds; NULL keeps them forever.
ALTER TABLE workflow_version ADD COLUMN success_retention_ms bigint;
ALTER TABLE workflow_version ADD COLUMN error_retention_ms bigint;
-- resolved when the instance is created: its own instance_retention, else its version's default
ALTER TABLE instance ADD COLUMN success_retention_ms bigint;
ALTER TABLE instance ADD COLUMN error_retention_ms bigint;
CREATE INDEX instance_by_status_end ON instance (status, ended_on);
