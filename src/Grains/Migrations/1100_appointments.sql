-- Appointments (DESIGN §4/§5): one row each, written by the employee's CalendarGrain in the same transaction
-- as its version bump and its outbox events. "data" holds the API fields kept as given (client_*, note,
-- custom_fields, ...); the columns are what the calendar and the list filters read.
CREATE TABLE IF NOT EXISTS appointments (
    id           bigint      PRIMARY KEY,
    company_id   bigint      NOT NULL,
    employee_id  bigint      NOT NULL,
    location_id  bigint      NOT NULL,
    service_id   bigint      NOT NULL,
    client_id    bigint      NOT NULL,
    start_at     timestamptz NOT NULL,
    end_at       timestamptz NOT NULL,
    -- end_at plus the service's padding: the time the appointment keeps the employee busy.
    block_end    timestamptz NOT NULL,
    status       int         NOT NULL,
    -- 'g:{service_id}:{start unix}' for a seat of a group session, 'a:{id}' otherwise.
    session_key  text        NOT NULL,
    timezone_id  int         NOT NULL,
    version      bigint      NOT NULL CHECK (version > 0),
    data         jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CHECK (start_at < end_at AND end_at <= block_end),
    -- The guarantee behind "no double booking, ever" (SPEC §8), kept by the database even if code is wrong:
    -- two occupying appointments of one employee never overlap unless they are seats of one group session.
    -- Status 3 (declined/canceled) frees the time (SPEC §5). btree_gist comes from the runtime's migration 0001.
    CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
        employee_id WITH =,
        tstzrange(start_at, block_end) WITH &&,
        session_key WITH <>
    ) WHERE (status <> 3)
);

-- The list filters (GET /appointment): by company, in start or creation order, narrowed by the usual ids.
CREATE INDEX IF NOT EXISTS appointments_company_start ON appointments (company_id, start_at, id);
CREATE INDEX IF NOT EXISTS appointments_company_created ON appointments (company_id, created_at, id);
CREATE INDEX IF NOT EXISTS appointments_company_updated ON appointments (company_id, updated_at);
CREATE INDEX IF NOT EXISTS appointments_company_employee ON appointments (company_id, employee_id, start_at);
CREATE INDEX IF NOT EXISTS appointments_company_location ON appointments (company_id, location_id, start_at);
CREATE INDEX IF NOT EXISTS appointments_company_service ON appointments (company_id, service_id, start_at);
CREATE INDEX IF NOT EXISTS appointments_company_client ON appointments (company_id, client_id, start_at);
CREATE INDEX IF NOT EXISTS appointments_company_email ON appointments (company_id, lower(data->>'client_email'));

-- What a calendar loads when it activates: the employee's occupying appointments that have not ended.
CREATE INDEX IF NOT EXISTS appointments_employee_occupying ON appointments (employee_id, block_end) WHERE status <> 3;

-- A conditional row write (UPDATE/DELETE ... WHERE version = expected) that matched no row must fail the whole
-- state write: the calendar computed it from a row that changed meanwhile. SQLSTATE SC409 names that case.
CREATE OR REPLACE FUNCTION appointment_row_written(affected bigint, appointment_id bigint, expected_version bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF affected <> 1 THEN
        RAISE EXCEPTION 'appointment % is no longer at version %', appointment_id, expected_version
            USING ERRCODE = 'SC409';
    END IF;
END
$$;
