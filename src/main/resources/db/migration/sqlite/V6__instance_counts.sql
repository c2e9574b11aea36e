-- How many instances each workflow has in each status, so that a list's result_info.total_count
-- reads a few rows instead of counting every match (a million instances took about a second).
-- Triggers keep it in the transaction that inserts, moves or deletes an instance (including the
-- deletes a workflow's deletion cascades to), so it can never disagree with the instance table.
-- SQLite has one writer, so the rows cannot be contended; PostgreSQL records changes as deltas
-- instead (its V6).
CREATE TABLE instance_count (
    account_id          TEXT    NOT NULL,
    workflow_name       TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    n                   INTEGER NOT NULL,
    PRIMARY KEY (account_id, workflow_name, status)
) WITHOUT ROWID;

-- Always empty here: it exists so that both stores answer a count with the same query.
CREATE TABLE instance_count_delta (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id          TEXT    NOT NULL,
    workflow_name       TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    n                   INTEGER NOT NULL
);
CREATE INDEX instance_count_delta_by_status ON instance_count_delta (account_id, workflow_name, status);

INSERT INTO instance_count (account_id, workflow_name, status, n)
SELECT account_id, workflow_name, status, COUNT(*) FROM instance GROUP BY account_id, workflow_name, status;

CREATE TRIGGER instance_counted_on_insert AFTER INSERT ON instance
BEGIN
    INSERT INTO instance_count (account_id, workflow_name, status, n)
    VALUES (NEW.account_id, NEW.workflow_name, NEW.status, 1)
    ON CONFLICT (account_id, workflow_name, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER instance_counted_on_move AFTER UPDATE OF status ON instance
WHEN OLD.status <> NEW.status
BEGIN
    UPDATE instance_count SET n = n - 1
     WHERE account_id = OLD.account_id AND workflow_name = OLD.workflow_name AND status = OLD.status;
    INSERT INTO instance_count (account_id, workflow_name, status, n)
    VALUES (NEW.account_id, NEW.workflow_name, NEW.status, 1)
    ON CONFLICT (account_id, workflow_name, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER instance_counted_on_delete AFTER DELETE ON instance
BEGIN
    UPDATE instance_count SET n = n - 1
     WHERE account_id = OLD.account_id AND workflow_name = OLD.workflow_name AND status = OLD.status;
END;
