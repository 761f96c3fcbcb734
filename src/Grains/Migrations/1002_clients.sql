-- Clients of each company (DESIGN §4): unique per (company, e-mail), created or updated by every saved
-- appointment. "fields" holds the record as the API schema declares it (ClientSchemas.Client); the generated
-- columns expose what lists filter and sort on, so they can never disagree with it.
CREATE TABLE IF NOT EXISTS clients (
    id            bigint      PRIMARY KEY,
    company_id    bigint      NOT NULL,
    fields        jsonb       NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    email         text        NOT NULL GENERATED ALWAYS AS (COALESCE(fields->>'email', '')) STORED,
    name          text        NOT NULL GENERATED ALWAYS AS (COALESCE(fields->>'name', '')) STORED,
    phone         text        NOT NULL GENERATED ALWAYS AS (COALESCE(fields->>'phone', '')) STORED,
    employee_id   bigint      GENERATED ALWAYS AS ((fields->>'employee_id')::bigint) STORED,
    -- UTC "YYYY-MM-DDTHH:MM:SSZ" and "YYYY-MM-DD" texts: in the C collation their order is time order.
    last_app_date text COLLATE "C" GENERATED ALWAYS AS (fields->>'last_app_date') STORED,
    client_since  text COLLATE "C" GENERATED ALWAYS AS (fields->>'cient_since') STORED,
    birthday      text COLLATE "C" GENERATED ALWAYS AS (fields->>'birthday') STORED,
    gender        text        GENERATED ALWAYS AS (fields->>'gender') STORED,
    accept_emails boolean     NOT NULL GENERATED ALWAYS AS (COALESCE((fields->>'accept_emails')::boolean, false)) STORED
);

-- One client per e-mail and company, case-insensitively; also the arbiter of UpsertByEmailAsync's ON CONFLICT.
CREATE UNIQUE INDEX IF NOT EXISTS clients_company_email ON clients (company_id, lower(email)) WHERE email <> '';

-- The list orders (name is the default) and the exact-match filters.
CREATE INDEX IF NOT EXISTS clients_company_name ON clients (company_id, lower(name) COLLATE "C", id);
CREATE INDEX IF NOT EXISTS clients_company_created ON clients (company_id, created_at, id);
CREATE INDEX IF NOT EXISTS clients_company_last_app ON clients (company_id, last_app_date, id);
CREATE INDEX IF NOT EXISTS clients_company_since ON clients (company_id, client_since, id);
CREATE INDEX IF NOT EXISTS clients_company_employee ON clients (company_id, employee_id);
CREATE INDEX IF NOT EXISTS clients_company_birthday ON clients (company_id, substr(birthday, 6, 5));

-- Substring search (q, name/email/phone filters) uses trigram indexes when pg_trgm can be installed; without
-- it the same queries work by scanning the company's rows.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')
       AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        BEGIN
            CREATE EXTENSION pg_trgm;
        EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR undefined_file THEN
            RAISE NOTICE 'pg_trgm could not be installed (%); client search runs without trigram indexes', SQLERRM;
        END;
    END IF;

    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX IF NOT EXISTS clients_search ON clients USING gin ((name || '' '' || email || '' '' || phone) gin_trgm_ops)';
        EXECUTE 'CREATE INDEX IF NOT EXISTS clients_name_trgm ON clients USING gin (name gin_trgm_ops)';
        EXECUTE 'CREATE INDEX IF NOT EXISTS clients_email_trgm ON clients USING gin (email gin_trgm_ops)';
    END IF;
END
$$;
