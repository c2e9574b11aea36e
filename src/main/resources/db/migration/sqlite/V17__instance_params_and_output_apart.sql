-- An instance's params and output move to a table of their own. Both are JSON of any size, and in
-- the instance row SQLite wrote them again at every status move: each UPDATE rewrites the whole row,
-- overflow pages included, into the WAL. With 8,000 characters of params a PATCH cost the writer
-- about 30 us more and its p99 tripled; the engine's claims and moves paid the same. The params are
-- written once, at creation, and the output once, when the run records it. A row exists only for an
-- instance that has either.
CREATE TABLE instance_payload (
    instance_seq        INTEGER PRIMARY KEY REFERENCES instance (seq) ON DELETE CASCADE,
    params_json         TEXT,
    output_json         TEXT
);

INSERT INTO instance_payload (instance_seq, params_json, output_json)
SELECT seq, params_json, output_json FROM instance
 WHERE params_json IS NOT NULL OR output_json IS NOT NULL;

ALTER TABLE instance DROP COLUMN params_json;
ALTER TABLE instance DROP COLUMN output_json;
