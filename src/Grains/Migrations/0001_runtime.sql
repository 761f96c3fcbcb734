-- The runtime's own tables: grain state, the transactional outbox behind streams, durable reminders.

-- Domain migrations use exclusion constraints that mix equality and range overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- One row per named state of a grain. A cleared state keeps its row (payload NULL) so that the
-- version keeps counting and a stale activation can never resurrect it with "expected version 0".
CREATE TABLE grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    version     bigint      NOT NULL CHECK (version > 0),
    payload     jsonb       NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grain_type, grain_key, state_name)
);

-- Events committed with the state change that raised them; delivered at least once by whichever
-- silo claims them. Delivered rows stay (delivered_at set) for audit and de-duplication by event_id.
CREATE TABLE outbox (
    sequence         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         uuid        NOT NULL UNIQUE,
    stream_namespace text        NOT NULL,
    stream_key       text        NOT NULL,
    payload_type     text        NOT NULL,
    payload          jsonb       NOT NULL,
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    attempts         int         NOT NULL DEFAULT 0,
    lease_owner      text        NULL,
    lease_until      timestamptz NULL,
    delivered_at     timestamptz NULL,
    last_error       text        NULL
);

-- Claims and stats only ever look at undelivered rows, which stay few while delivered ones pile up.
CREATE INDEX outbox_pending_idx ON outbox (sequence) INCLUDE (next_attempt_at, lease_until, created_at)
    WHERE delivered_at IS NULL;

-- Versions come from one sequence rather than "version + 1" per row, so a reminder removed and
-- registered again while a firing of the old one is in flight never gets the old version back.
CREATE SEQUENCE reminder_version_seq AS bigint;

CREATE TABLE reminders (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    name        text        NOT NULL,
    due_at      timestamptz NOT NULL,
    period_ms   bigint      NOT NULL CHECK (period_ms >= 0),
    version     bigint      NOT NULL,
    lease_owner text        NULL,
    lease_until timestamptz NULL,
    PRIMARY KEY (grain_type, grain_key, name)
);

CREATE INDEX reminders_due_idx ON reminders (due_at);
