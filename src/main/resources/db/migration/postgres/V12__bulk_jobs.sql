-- Durable bulk jobs (POST .../workflows/{w}/bulk and terminate-all): one action applied to the instances a
-- filter selected when the job started. The selection is fixed as the job's item rows, written in the
-- transaction that creates the job. Like an instance's run, a running job is worked by one node at a time:
-- owner_node holds it until lease_until; once that has passed (a node killed), another node takes it over and
-- goes on with the items still pending. The counts are kept with every item's outcome, in its transaction.
CREATE TABLE bulk_job (
    seq                   bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id                text COLLATE "C" NOT NULL UNIQUE,
    account_id            text COLLATE "C" NOT NULL,
    workflow_name         text COLLATE "C" NOT NULL,
    action                text    NOT NULL,
    rollback              integer NOT NULL,
    from_type             text,
    from_name             text,
    from_count            integer,
    filter_statuses       text,
    filter_created_after  bigint,
    filter_created_before bigint,
    filter_ids            text,
    dry_run               integer NOT NULL,
    reason                text,
    actor                 text    NOT NULL,
    actor_name            text,
    request_id            text,
    max_per_second        integer NOT NULL,
    state                 text    NOT NULL,
    matched               integer NOT NULL,
    applied               integer NOT NULL,
    skipped               integer NOT NULL,
    failed                integer NOT NULL,
    cancelled             integer NOT NULL,
    pending               integer NOT NULL,
    would_apply           integer NOT NULL,
    would_skip            integer NOT NULL,
    created_on            bigint  NOT NULL,
    ended_on              bigint,
    owner_node            text,
    lease_until           bigint,
    FOREIGN KEY (account_id, workflow_name) REFERENCES workflow (account_id, name) ON DELETE CASCADE
);
CREATE INDEX bulk_job_by_workflow ON bulk_job (account_id, workflow_name, seq);
CREATE INDEX bulk_job_by_state ON bulk_job (state, lease_until);

-- One row per selected instance; position is the instance's seq, so items are applied oldest first.
CREATE TABLE bulk_job_item (
    job_seq               bigint  NOT NULL REFERENCES bulk_job (seq) ON DELETE CASCADE,
    position              bigint  NOT NULL,
    instance_id           text COLLATE "C" NOT NULL,
    outcome               text    NOT NULL,
    code                  integer,
    message               text,
    done_on               bigint,
    PRIMARY KEY (job_seq, position)
);
CREATE INDEX bulk_job_item_by_outcome ON bulk_job_item (job_seq, outcome, position);
