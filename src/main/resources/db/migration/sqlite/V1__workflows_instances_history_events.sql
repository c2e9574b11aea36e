-- Stepflow schema, embedded (SQLite) flavour. Times are epoch milliseconds (UTC); JSON values are text.
-- Column names are the snake_case of the Java names.

CREATE TABLE workflow (
    account_id          TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    id                  TEXT    NOT NULL UNIQUE,
    class_name          TEXT    NOT NULL,
    script_name         TEXT    NOT NULL,
    version_id          TEXT    NOT NULL,
    created_on          INTEGER NOT NULL,
    modified_on         INTEGER NOT NULL,
    triggered_on        INTEGER,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE workflow_version (
    seq                     INTEGER PRIMARY KEY AUTOINCREMENT,
    id                      TEXT    NOT NULL UNIQUE,
    account_id              TEXT    NOT NULL,
    workflow_name           TEXT    NOT NULL,
    workflow_id             TEXT    NOT NULL,
    class_name              TEXT    NOT NULL,
    script_name             TEXT    NOT NULL,
    step_limit              INTEGER NOT NULL,
    default_retention_json  TEXT,
    created_on              INTEGER NOT NULL,
    FOREIGN KEY (account_id, workflow_name) REFERENCES workflow (account_id, name) ON DELETE CASCADE
);
CREATE INDEX workflow_version_by_workflow ON workflow_version (account_id, workflow_name, seq);

CREATE TABLE instance (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id          TEXT    NOT NULL,
    workflow_name       TEXT    NOT NULL,
    instance_id         TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    workflow_id         TEXT    NOT NULL,
    version_id          TEXT    NOT NULL,
    params_json         TEXT,
    trigger_source      TEXT    NOT NULL,
    created_on          INTEGER NOT NULL,
    modified_on         INTEGER NOT NULL,
    queued_on           INTEGER NOT NULL,
    started_on          INTEGER,
    ended_on            INTEGER,
    status_changed_on   INTEGER NOT NULL,
    output_json         TEXT,
    error_name          TEXT,
    error_message       TEXT,
    UNIQUE (account_id, workflow_name, instance_id),
    FOREIGN KEY (account_id, workflow_name) REFERENCES workflow (account_id, name) ON DELETE CASCADE
);
CREATE INDEX instance_by_workflow ON instance (account_id, workflow_name, seq);
CREATE INDEX instance_by_status ON instance (account_id, workflow_name, status, seq);

-- Append-only: rows are inserted with every status change and never updated.
CREATE TABLE status_change (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_seq        INTEGER NOT NULL REFERENCES instance (seq) ON DELETE CASCADE,
    from_status         TEXT,
    to_status           TEXT    NOT NULL,
    trigger_name        TEXT    NOT NULL,
    actor               TEXT    NOT NULL,
    at                  INTEGER NOT NULL
);
CREATE INDEX status_change_by_instance ON status_change (instance_seq, id);

-- Events wait here, first in first out per type, until a waitForEvent consumes (deletes) them.
CREATE TABLE event (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_seq        INTEGER NOT NULL REFERENCES instance (seq) ON DELETE CASCADE,
    type                TEXT    NOT NULL,
    payload_json        TEXT,
    received_on         INTEGER NOT NULL
);
CREATE INDEX event_fifo ON event (instance_seq, type, id);

-- One row per step a run started; (type, name, count) is the step's identity within the run.
CREATE TABLE step (
    instance_seq        INTEGER NOT NULL REFERENCES instance (seq) ON DELETE CASCADE,
    step_seq            INTEGER NOT NULL,
    type                TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    count               INTEGER NOT NULL,
    status              TEXT    NOT NULL,
    started_on          INTEGER NOT NULL,
    ended_on            INTEGER,
    output_json         TEXT,
    error_name          TEXT,
    error_message       TEXT,
    PRIMARY KEY (instance_seq, step_seq),
    UNIQUE (instance_seq, type, name, count)
);
