-- Issue 17: who changed what and why, conditional changes, idempotent retries (PostgreSQL flavour of
-- the SQLite migration of the same version: the same tables and columns).

-- Bumped by every status move (MoveWrite), so (seq, status_version) names one status of one instance:
-- the instance's ETag. A re-created instance gets a new seq, so it never repeats an earlier tag.
ALTER TABLE instance ADD COLUMN status_version bigint NOT NULL DEFAULT 1;

-- The actor's name as it was at the change (a token may be renamed or revoked later), the caller's
-- X-Stepflow-Reason and the request id of the call that made the change (null for the engine's moves).
ALTER TABLE status_change ADD COLUMN actor_name text;
ALTER TABLE status_change ADD COLUMN reason text;
ALTER TABLE status_change ADD COLUMN request_id text;

-- One row per control call. No foreign key: deleting an instance or a workflow keeps the entries that
-- say who deleted it. Rows older than the audit retention are deleted by the background purge.
CREATE TABLE audit_entry (
    id                  bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id          text COLLATE "C" NOT NULL,
    at                  bigint  NOT NULL,
    actor               text    NOT NULL,
    actor_name          text,
    action              text    NOT NULL,
    method              text    NOT NULL,
    workflow_name       text,
    instance_id         text,
    http_status         integer NOT NULL,
    reason              text,
    request_id          text    NOT NULL
);
CREATE INDEX audit_entry_by_account ON audit_entry (account_id, id);
CREATE INDEX audit_entry_by_time ON audit_entry (at);

-- Idempotency keys per caller (token). response_status is null while the first request is being
-- answered; started_by names the server process that answers it.
CREATE TABLE idempotency_key (
    caller              text    NOT NULL,
    idempotency_key     text    NOT NULL,
    fingerprint         text    NOT NULL,
    started_by          text    NOT NULL,
    created_on          bigint  NOT NULL,
    expires_on          bigint  NOT NULL,
    response_status     integer,
    response_headers    text,
    response_body       text,
    PRIMARY KEY (caller, idempotency_key)
);
CREATE INDEX idempotency_key_by_expiry ON idempotency_key (expires_on);
