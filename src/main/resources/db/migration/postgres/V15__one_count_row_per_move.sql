-- A move records one count row, not two.
--
-- Until now a move (V6) inserted two delta rows, -1 for the status it left and +1 for the one it took, each
-- with two index entries (the key and instance_count_delta_by_status). They were nearly a fifth of the WAL of a
-- completed instance: the engine benchmark's one-node case wrote about 5 delta rows, 10 index entries and 5
-- folding deletes per instance (pg_waldump, bench/results/engine-2026-12-04-long-rounds-lists-and-wal.md), on
-- a PostgreSQL that spends its time waiting for WAL flushes.
--
-- Now a move is one row naming both statuses (from_status, status); creates and deletes still write one row
-- per workflow and status, with no from_status. The readers keep reading instance_count_delta, now a view that
-- spreads each move back into its -1 and +1. The index by workflow and status stays: without it every count
-- (each GET workflow, each list's total) would read the whole table, with the rows the folds deleted still in
-- it until autovacuum removes them.
ALTER TABLE instance_count_delta RENAME TO instance_count_change;
ALTER INDEX instance_count_delta_pkey RENAME TO instance_count_change_pkey;
ALTER SEQUENCE instance_count_delta_id_seq RENAME TO instance_count_change_id_seq;
ALTER INDEX instance_count_delta_by_status RENAME TO instance_count_change_by_status;
ALTER TABLE instance_count_change ADD COLUMN from_status text;

CREATE VIEW instance_count_delta AS
    SELECT account_id, workflow_name, status, n FROM instance_count_change
    UNION ALL
    SELECT account_id, workflow_name, from_status, -n FROM instance_count_change
     WHERE from_status IS NOT NULL;

CREATE OR REPLACE FUNCTION instance_count_record_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO instance_count_change (account_id, workflow_name, status, n)
        SELECT account_id, workflow_name, status, -COUNT(*) FROM old_rows
         GROUP BY account_id, workflow_name, status;
    ELSE
        INSERT INTO instance_count_change (account_id, workflow_name, status, n)
        SELECT account_id, workflow_name, status, COUNT(*) FROM new_rows
         GROUP BY account_id, workflow_name, status;
    END IF;
    RETURN NULL;
END;
$$;

-- an instance never changes workflow, so OLD's account and workflow are NEW's
CREATE OR REPLACE FUNCTION instance_count_record_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO instance_count_change (account_id, workflow_name, from_status, status, n)
    VALUES (NEW.account_id, NEW.workflow_name, OLD.status, NEW.status, 1);
    RETURN NULL;
END;
$$;
