-- Pause on failure (issue 19): what a step that fails after its last retry does to its instance.
-- A version's policy is set by PUT workflow ('error' or 'pause'); an instance's, when set on create,
-- wins over its version's (NULL: the version's).
ALTER TABLE workflow_version ADD COLUMN on_failure TEXT NOT NULL DEFAULT 'error';
ALTER TABLE instance ADD COLUMN on_failure TEXT;
