-- An instance's params and output move to a table of their own, as on SQLite, so that both stores
-- keep one schema. Here too every status move wrote a new version of the whole row: params under
-- PostgreSQL's 2 KB TOAST threshold were copied into it each time. The params are written once, at
-- creation, and the output once, when the run records it. A row exists only for an instance that
-- has either.
CREATE TABLE instance_payload (
    instance_seq        bigint PRIMARY KEY REFERENCES instance (seq) ON DELETE CASCADE,
    params_json         text,
    output_json         text
);

INSERT INTO instance_payload (instance_seq, params_json, output_json)
SELECT seq, params_json, output_json FROM instance
 WHERE params_json IS NOT NULL OR output_json IS NOT NULL;

ALTER TABLE instance DROP COLUMN params_json;
ALTER TABLE instance DROP COLUMN output_json;
