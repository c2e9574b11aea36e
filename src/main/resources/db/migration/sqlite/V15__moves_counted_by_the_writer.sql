-- A status move no longer keeps instance_count in a trigger. The single writer adds up how the moves of its
-- transaction change the counts and writes one upsert per workflow and status just before the commit
-- (CountDeltas), so a batch of hundreds of pauses writes two rows of counts, not two statements per pause. The
-- trigger's two statements were about two thirds of SQLite's own cost of a move's UPDATE. Creates and deletes
-- keep their triggers: they are rarer, and a workflow's deletion deletes its instances in SQL.
-- (No V14 here: PostgreSQL's V14 rebuilt an index that SQLite's planner does not need.)
DROP TRIGGER instance_counted_on_move;
