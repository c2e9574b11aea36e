-- Clustering: the nodes that share the database, and which node runs an instance until when.

-- One row per node process; heartbeat_at is renewed with its leases, so it tells which nodes are alive.
CREATE TABLE node (
    id                  TEXT    NOT NULL PRIMARY KEY,
    started_on          INTEGER NOT NULL,
    heartbeat_at        INTEGER NOT NULL
);

-- The node whose run works on the instance (running, waitingForPause, rollingBack) and when its lease ends;
-- both NULL in every other status. Once the lease has ended another node may take the instance over
-- (a new run_id, so the old run can record nothing more).
ALTER TABLE instance ADD COLUMN owner_node TEXT;
ALTER TABLE instance ADD COLUMN lease_until INTEGER;
CREATE INDEX instance_by_status_lease ON instance (status, lease_until);
