-- Durable bulk jobs (POST .../workflows/{w}/bulk and terminate-all): one action applied to the instances a
-- filter selected when the job started. The selection is fixed as the job's item rows, written in the
-- transaction that creates the job. Like an instance's run, a running job is worked by one node at a time:
-- owner_node holds it until lease_until; once that has passed (a node killed), another node takes it over and
-- goes on with the items still pending. The counts are kept with every item's outcome, in its transaction.
CREATE TABLE bulk_job (
    seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id                TEXT    NOT NULL UNIQUE,
    account_id            TEXT    NOT NULL,
    workflow_name         TEXT    NOT NULL,
    action                TEXT    NOT NULL,
    rollback              INTEGER NOT NULL,
    from_type             TEXT,
    from_name             TEXT,
    from_count            INTEGER,
    filter_statuses       TEXT,
    filter_created_after  INTEGER,
    filter_created_before INTEGER,
    filter_ids            TEXT,
    dry_run               INTEGER NOT NULL,
    reason                TEXT,
    actor                 TEXT    NOT NULL,
    actor_name            TEXT,
    request_id            TEXT,
    max_per_second        INTEGER NOT NULL,
    state                 TEXT    NOT NULL,
    matched               INTEGER NOT NULL,
    applied               INTEGER NOT NULL,
    skipped               INTEGER NOT NULL,
    failed                INTEGER NOT NULL,
    cancelled             INTEGER NOT NULL,
    pending               INTEGER NOT NULL,
    would_apply           INTEGER NOT NULL,
    would_skip            INTEGER NOT NULL,
    created_on            INTEGER NOT NULL,
    ended_on              INTEGER,
    owner_node            TEXT,
    lease_until           INTEGER,
    FOREIGN KEY (account_id, workflow_name) REFERENCES workflow (account_id, name) ON DELETE CASCADE
);
CREATE INDEX bulk_job_by_workflow ON bulk_job (account_id, workflow_name, seq);
CREATE INDEX bulk_job_by_state ON bulk_job (state, lease_until);

-- One row per selected instance; position is the instance's seq, so items are applied oldest first.
CREATE TABLE bulk_job_item (
    job_seq               INTEGER NOT NULL REFERENCES bulk_job (seq) ON DELETE CASCADE,
    position              INTEGER NOT NULL,
    instance_id           TEXT    NOT NULL,
    outcome               TEXT    NOT NULL,
    code                  INTEGER,
    message               TEXT,
    done_on               INTEGER,
    PRIMARY KEY (job_seq, position)
);
CREATE INDEX bulk_job_item_by_outcome ON bulk_job_item (job_seq, outcome, position);
