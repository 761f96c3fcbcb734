-- The outbox becomes the queue of the outbox stream provider (an Orleans persistent stream provider): each row carries
-- the stream queue its stream maps to (Scheduling.Grains.Storage.OutboxQueues), and only the receiver that owns a queue
-- (Orleans balances queues across silos) reads it, in sequence order. Claims, leases and retries belonged to the
-- home-made pump and go. An event whose delivery keeps failing moves to outbox_dead_letters: kept, counted and listed
-- for operators, never silently purged.
-- A receiver reads its queue in commit order, not in sequence order: sequences are taken when rows are inserted, and a
-- transaction that took a lower one may commit after one that took a higher one, so a cursor on the sequence alone
-- would step over a row committed late. Each row keeps the id of the transaction that wrote it (txid); a receiver
-- reads only rows of transactions older than every one still running (the snapshot's xmin), by (txid, sequence), so no
-- row can later appear behind its cursor.
DROP INDEX IF EXISTS outbox_pending_idx;
ALTER TABLE outbox
    DROP COLUMN next_attempt_at,
    DROP COLUMN attempts,
    DROP COLUMN lease_owner,
    DROP COLUMN lease_until,
    DROP COLUMN last_error,
    ADD COLUMN queue int NOT NULL DEFAULT 0,
    ADD COLUMN txid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint;
ALTER TABLE outbox ALTER COLUMN queue DROP DEFAULT;
CREATE INDEX outbox_queue_idx ON outbox (queue, txid, sequence);

-- Keyed by the outbox row's sequence: an event published again after it was dead-lettered (its id is free once it
-- left the outbox) and failing again is a second dead letter, not lost.
CREATE TABLE outbox_dead_letters (
    sequence         bigint      PRIMARY KEY,
    event_id         uuid        NOT NULL,
    stream_namespace text        NOT NULL,
    stream_key       text        NOT NULL,
    queue            int         NOT NULL,
    payload_type     text        NOT NULL,
    payload          jsonb       NOT NULL,
    created_at       timestamptz NOT NULL,
    failed_at        timestamptz NOT NULL,
    reason           text        NOT NULL
);

CREATE INDEX outbox_dead_letters_failed_idx ON outbox_dead_letters (failed_at DESC);
CREATE INDEX outbox_dead_letters_event_idx ON outbox_dead_letters (event_id);
