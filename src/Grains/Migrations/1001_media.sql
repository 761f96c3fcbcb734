-- Uploaded images (logos, photos, client pictures). Small (<= 1 MiB each), read through GET /media/{id}.
CREATE TABLE IF NOT EXISTS media (
    id           bigint PRIMARY KEY,
    company_id   bigint NOT NULL,
    content_type text NOT NULL,
    file_name    text NOT NULL,
    content      bytea NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS media_company ON media (company_id);
