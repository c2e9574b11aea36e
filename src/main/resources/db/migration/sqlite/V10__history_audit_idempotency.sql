-- Issue 17: who changed what and why, conditional changes, idempotent retries.

-- Bumped by every status move (MoveWrite), so (seq, status_version) names one status of one instance:
-- the instance's ETag. A re-created instance gets a new seq, so it never repeats an earlier tag.
ALTER TABLE instance ADD COLUMN status_version INTEGER NOT NULL DEFAULT 1;

-- The actor's name as it was at the change (a token may be renamed or revoked later), the caller's
-- X-Stepflow-Reason and the request id of the call that made the change (null for the engine's moves).
ALTER TABLE status_change ADD COLUMN actor_name TEXT;
ALTER TABLE status_change ADD COLUMN reason TEXT;
ALTER TABLE status_change ADD COLUMN request_id TEXT;

-- One row per control call. No foreign key: deleting an instance or a workflow keeps the entries that
-- say who deleted it. Rows older than the audit retention are deleted by the background purge.
CREATE TABLE audit_entry (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id          TEXT    NOT NULL,
    at                  INTEGER NOT NULL,
    actor               TEXT    NOT NULL,
    actor_name          TEXT,
    action              TEXT    NOT NULL,
    method              TEXT    NOT NULL,
    workflow_name       TEXT,
    instance_id         TEXT,
    http_status         INTEGER NOT NULL,
    reason              TEXT,
    request_id          TEXT    NOT NULL
);
CREATE INDEX audit_entry_by_account ON audit_entry (account_id, id);
CREATE INDEX audit_entry_by_time ON audit_entry (at);

-- Idempotency keys per caller (token). response_status is null while the first request is being
-- answered; started_by names the server process that answers it.
CREATE TABLE idempotency_key (
    caller              TEXT    NOT NULL,
    idempotency_key     TEXT    NOT NULL,
    fingerprint         TEXT    NOT NULL,
    started_by          TEXT    NOT NULL,
    created_on          INTEGER NOT NULL,
    expires_on          INTEGER NOT NULL,
    response_status     INTEGER,
    response_headers    TEXT,
    response_body       TEXT,
    PRIMARY KEY (caller, idempotency_key)
);
CREATE INDEX idempotency_key_by_expiry ON idempotency_key (expires_on);
