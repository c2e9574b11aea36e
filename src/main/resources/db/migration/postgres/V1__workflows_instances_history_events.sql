-- Stepflow schema, PostgreSQL flavour: the same tables, columns and indexes as the SQLite one, so that
-- the stores run the same SQL on both. Times are epoch milliseconds (UTC) in bigint. JSON values are text,
-- not jsonb: the API returns them exactly as they were written, and jsonb would reorder keys and respace.
-- Names and ids are COLLATE "C": ordered and compared byte-wise as SQLite does, whatever the database's
-- locale. Column names are the snake_case of the Java names.

CREATE TABLE workflow (
    account_id          text COLLATE "C" NOT NULL,
    name                text COLLATE "C" NOT NULL,
    id                  text    NOT NULL UNIQUE,
    class_name          text    NOT NULL,
    script_name         text    NOT NULL,
    version_id          text    NOT NULL,
    created_on          bigint  NOT NULL,
    modified_on         bigint  NOT NULL,
    triggered_on        bigint,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE workflow_version (
    seq                     bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                      text    NOT NULL UNIQUE,
    account_id              text COLLATE "C" NOT NULL,
    workflow_name           text COLLATE "C" NOT NULL,
    workflow_id             text    NOT NULL,
    class_name              text    NOT NULL,
    script_name             text    NOT NULL,
    step_limit              integer NOT NULL,
    default_retention_json  text,
    created_on              bigint  NOT NULL,
    FOREIGN KEY (account_id, workflow_name) REFERENCES workflow (account_id, name) ON DELETE CASCADE
);
CREATE INDEX workflow_version_by_workflow ON workflow_version (account_id, workflow_name, seq);

CREATE TABLE instance (
    seq                 bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id          text COLLATE "C" NOT NULL,
    workflow_name       text COLLATE "C" NOT NULL,
    instance_id         text COLLATE "C" NOT NULL,
    status              text    NOT NULL,
    workflow_id         text    NOT NULL,
    version_id          text    NOT NULL,
    params_json         text,
    trigger_source      text    NOT NULL,
    created_on          bigint  NOT NULL,
    modified_on         bigint  NOT NULL,
    queued_on           bigint  NOT NULL,
    started_on          bigint,
    ended_on            bigint,
    status_changed_on   bigint  NOT NULL,
    output_json         text,
    error_name          text,
    error_message       text,
    UNIQUE (account_id, workflow_name, instance_id),
    FOREIGN KEY (account_id, workflow_name) REFERENCES workflow (account_id, name) ON DELETE CASCADE
);
CREATE INDEX instance_by_workflow ON instance (account_id, workflow_name, seq);
CREATE INDEX instance_by_status ON instance (account_id, workflow_name, status, seq);

-- Append-only: rows are inserted with every status change and never updated.
CREATE TABLE status_change (
    id                  bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_seq        bigint  NOT NULL REFERENCES instance (seq) ON DELETE CASCADE,
    from_status         text,
    to_status           text    NOT NULL,
    trigger_name        text    NOT NULL,
    actor               text    NOT NULL,
    at                  bigint  NOT NULL
);
CREATE INDEX status_change_by_instance ON status_change (instance_seq, id);

-- Events wait here, first in first out per type, until a waitForEvent consumes (deletes) them.
CREATE TABLE event (
    id                  bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_seq        bigint  NOT NULL REFERENCES instance (seq) ON DELETE CASCADE,
    type                text    NOT NULL,
    payload_json        text,
    received_on         bigint  NOT NULL
);
CREATE INDEX event_fifo ON event (instance_seq, type, id);

-- One row per step a run started; (type, name, count) is the step's identity within the run.
CREATE TABLE step (
    instance_seq        bigint  NOT NULL REFERENCES instance (seq) ON DELETE CASCADE,
    step_seq            integer NOT NULL,
    type                text    NOT NULL,
    name                text    NOT NULL,
    count               integer NOT NULL,
    status              text    NOT NULL,
    started_on          bigint  NOT NULL,
    ended_on            bigint,
    output_json         text,
    error_name          text,
    error_message       text,
    PRIMARY KEY (instance_seq, step_seq),
    UNIQUE (instance_seq, type, name, count)
);
