-- A workflow's instances of one status are listed (newest or oldest first) by their creation sequence. The primary
-- key delivers seq order as well, and the planner, which takes the rows of a status to be spread evenly over the
-- table, often walked it from the newest row and filtered: asked for the newest complete instance while the newest
-- 20,000 were still queued or waiting, it read all 20,000 for a page of one (17,790 buffers against 3). Such a list
-- now orders by the expression seq + 0, which only this index holds, so the primary key is no longer a way to that
-- order (SqlDialect.orderWithinStatus). Equality on the leading columns (counts with a time filter, bulk
-- selections) it serves as before.
DROP INDEX instance_by_status;
CREATE INDEX instance_by_status ON instance (account_id, workflow_name, status, (seq + 0));
