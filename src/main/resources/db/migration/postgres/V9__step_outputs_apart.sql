-- Step outputs move to their own table, and each step row keeps a preview of its output (its first
-- 1,025 characters of JSON: one more than the instance log shows, so a longer output can be told).
-- The instance log (GET instance) reads step rows and previews only, never an output (on SQLite,
-- where a large output in the step row made every GET walk all of it, this is what keeps the log
-- cheap; PostgreSQL keeps the same schema). The engine and the step endpoint join the outputs.
CREATE TABLE step_output (
    instance_seq        bigint  NOT NULL,
    step_seq            integer NOT NULL,
    output_json         text    NOT NULL,
    PRIMARY KEY (instance_seq, step_seq),
    FOREIGN KEY (instance_seq, step_seq) REFERENCES step (instance_seq, step_seq) ON DELETE CASCADE
);

INSERT INTO step_output (instance_seq, step_seq, output_json)
SELECT instance_seq, step_seq, output_json FROM step WHERE output_json IS NOT NULL;

ALTER TABLE step ADD COLUMN output_preview text;
UPDATE step SET output_preview = substr(output_json, 1, 1025) WHERE output_json IS NOT NULL;
ALTER TABLE step DROP COLUMN output_json;
