-- How many instances each workflow has in each status, so that a list's result_info.total_count
-- reads a few rows instead of counting every match (a million instances took about a second).
--
-- Statement triggers record every change as delta rows in the transaction that inserts, moves or
-- deletes instances (including the deletes a workflow's deletion cascades to). Deltas are only
-- ever inserted, so concurrent transactions on many nodes never wait for (or deadlock on) a
-- shared counter row, as they would if each updated instance_count itself. A count is the sum of
-- both tables; a node folds the deltas into instance_count about once a second (one statement
-- that deletes them and adds them up, so any one read sees them on exactly one side).
CREATE TABLE instance_count (
    account_id          text    NOT NULL,
    workflow_name       text    NOT NULL,
    status              text    NOT NULL,
    n                   bigint  NOT NULL,
    PRIMARY KEY (account_id, workflow_name, status)
);

CREATE TABLE instance_count_delta (
    id                  bigserial PRIMARY KEY,
    account_id          text    NOT NULL,
    workflow_name       text    NOT NULL,
    status              text    NOT NULL,
    n                   bigint  NOT NULL
);
CREATE INDEX instance_count_delta_by_status ON instance_count_delta (account_id, workflow_name, status);

INSERT INTO instance_count (account_id, workflow_name, status, n)
SELECT account_id, workflow_name, status, COUNT(*) FROM instance GROUP BY account_id, workflow_name, status;

-- Creates and deletes (often many rows in one statement): one delta row per workflow and status.
CREATE FUNCTION instance_count_record_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO instance_count_delta (account_id, workflow_name, status, n)
        SELECT account_id, workflow_name, status, -COUNT(*) FROM old_rows
         GROUP BY account_id, workflow_name, status;
    ELSE
        INSERT INTO instance_count_delta (account_id, workflow_name, status, n)
        SELECT account_id, workflow_name, status, COUNT(*) FROM new_rows
         GROUP BY account_id, workflow_name, status;
    END IF;
    RETURN NULL;
END;
$$;

-- A move: a row trigger, because only updates that set the status may pay for it (a statement
-- trigger with transition tables cannot be limited to some columns, and leases are renewed by
-- updates of many rows).
CREATE FUNCTION instance_count_record_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO instance_count_delta (account_id, workflow_name, status, n)
    VALUES (OLD.account_id, OLD.workflow_name, OLD.status, -1),
           (NEW.account_id, NEW.workflow_name, NEW.status, 1);
    RETURN NULL;
END;
$$;

CREATE TRIGGER instance_counted_on_insert AFTER INSERT ON instance
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION instance_count_record_rows();
CREATE TRIGGER instance_counted_on_delete AFTER DELETE ON instance
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION instance_count_record_rows();
CREATE TRIGGER instance_counted_on_move AFTER UPDATE OF status ON instance
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION instance_count_record_move();
