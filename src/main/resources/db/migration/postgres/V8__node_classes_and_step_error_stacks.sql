-- The workflow classes each node can run, and how long its heartbeat counts as alive: an instance whose
-- class no live node has waits for one, visibly, instead of failing.
ALTER TABLE node ADD COLUMN lease_ms bigint;
CREATE TABLE node_class (
    node_id             text    NOT NULL REFERENCES node (id) ON DELETE CASCADE,
    class_name          text    NOT NULL,
    PRIMARY KEY (node_id, class_name)
);
CREATE INDEX node_class_by_class ON node_class (class_name);

-- The stack trace of a step's last failed attempt, for the step endpoint.
ALTER TABLE step ADD COLUMN error_stack text;
