-- The outbox becomes a queue of what is still to deliver: a delivered row is deleted at once instead of being
-- marked (delivered_at) and purged a day later. Marking rewrote the row (about 1 KB of WAL and an entry in both
-- unique indexes per event), and the purge deleted it again; nothing read the delivered rows.
DELETE FROM outbox WHERE delivered_at IS NOT NULL;

-- Every row left is undelivered, so the claim walks the primary key in sequence order; the partial index on the
-- same column only cost an index entry per event.
DROP INDEX IF EXISTS outbox_pending_idx;
ALTER TABLE outbox DROP COLUMN delivered_at;
