-- Long params and outputs of instances move to a table of their own. Both are JSON of any size, and
-- in the instance row SQLite wrote them again at every status move: each UPDATE rewrites the whole
-- row, overflow pages included, into the WAL. With 8,000 characters of params a PATCH cost the writer
-- about 30 us more and its p99 tripled; the engine's claims and moves paid the same. A value of more
-- than 1,024 characters is kept here, written once; a shorter one stays in the row, where it costs
-- a move nothing measurable (InstancePayload). Each value is in one place, the other is NULL.
CREATE TABLE instance_payload (
    instance_seq        INTEGER PRIMARY KEY REFERENCES instance (seq) ON DELETE CASCADE,
    params_json         TEXT,
    output_json         TEXT
);

INSERT INTO instance_payload (instance_seq, params_json, output_json)
SELECT seq,
       CASE WHEN length(params_json) > 1024 THEN params_json END,
       CASE WHEN length(output_json) > 1024 THEN output_json END
  FROM instance
 WHERE length(params_json) > 1024 OR length(output_json) > 1024;

UPDATE instance
   SET params_json = CASE WHEN length(params_json) > 1024 THEN NULL ELSE params_json END,
       output_json = CASE WHEN length(output_json) > 1024 THEN NULL ELSE output_json END
 WHERE length(params_json) > 1024 OR length(output_json) > 1024;
