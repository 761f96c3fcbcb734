-- Webhook deliveries (SPEC §9, DESIGN §6-§7): one row per (event, subscription), recorded by the fan-out grain
-- with the body every attempt sends; delivery workers claim due rows under a lease (FOR UPDATE SKIP LOCKED), so
-- several workers never send the same attempt at once and a crashed worker's rows are taken over after the lease.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id               bigint      PRIMARY KEY,
    company_id       bigint      NOT NULL,
    subscription_id  bigint      NOT NULL,
    event_id         uuid        NOT NULL,
    event_type       text        NOT NULL,
    body             text        NOT NULL,
    event_created_at timestamptz NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'canceled')),
    attempts         int         NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    lease_owner      text,
    lease_until      timestamptz,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    last_status_code int,
    last_error       text,
    -- At-least-once streams deliver an event again after a failure: it must not become a second delivery.
    CONSTRAINT webhook_deliveries_event_subscription UNIQUE (event_id, subscription_id)
);

-- The workers' claim: due pending rows, oldest due first.
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
-- The deliveries API: a subscription's rows, newest first.
CREATE INDEX IF NOT EXISTS webhook_deliveries_subscription ON webhook_deliveries (subscription_id, event_created_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS webhook_attempts (
    delivery_id      bigint      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt_no       int         NOT NULL,
    at               timestamptz NOT NULL,
    status_code      int,
    latency_ms       int         NOT NULL,
    error            text,
    response_excerpt text,
    PRIMARY KEY (delivery_id, attempt_no)
);
