-- Step outputs move to their own table, and each step row keeps a preview of its output (its first
-- 1,025 characters of JSON: one more than the instance log shows, so a longer output can be told).
-- The instance log (GET instance) reads step rows and previews only: in the step row, columns after
-- a large output could be read only by walking the output's overflow pages, so every GET of an
-- instance of 100 MB of outputs read 100 MB. The engine and the step endpoint join the outputs.
CREATE TABLE step_output (
    instance_seq        INTEGER NOT NULL,
    step_seq            INTEGER NOT NULL,
    output_json         TEXT    NOT NULL,
    PRIMARY KEY (instance_seq, step_seq),
    FOREIGN KEY (instance_seq, step_seq) REFERENCES step (instance_seq, step_seq) ON DELETE CASCADE
);

INSERT INTO step_output (instance_seq, step_seq, output_json)
SELECT instance_seq, step_seq, output_json FROM step WHERE output_json IS NOT NULL;

ALTER TABLE step ADD COLUMN output_preview TEXT;
UPDATE step SET output_preview = substr(output_json, 1, 1025) WHERE output_json IS NOT NULL;
ALTER TABLE step DROP COLUMN output_json;
