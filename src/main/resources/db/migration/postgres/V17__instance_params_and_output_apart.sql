-- Long params and outputs of instances move to a table of their own, as on SQLite, so that both
-- stores keep one schema and one way of reading. Here too every status move writes a new version of
-- the whole row. A value of more than 1,024 characters is kept here, written once; a shorter one
-- stays in the row (InstancePayload). Each value is in one place, the other is NULL.
CREATE TABLE instance_payload (
    instance_seq        bigint PRIMARY KEY REFERENCES instance (seq) ON DELETE CASCADE,
    params_json         text,
    output_json         text
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
