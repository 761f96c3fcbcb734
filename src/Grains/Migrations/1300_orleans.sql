-- Microsoft Orleans on PostgreSQL (DESIGN §3, §6): the tables and the SQL behind the ADO.NET providers
-- (Microsoft.Orleans.Clustering.AdoNet, .Persistence.AdoNet, .Reminders.AdoNet, invariant "Npgsql").
-- The NuGet packages ship no SQL. At start-up each provider runs
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and later executes each text by key, with named parameters (@DeploymentId, ...) and reading result columns
-- by name. OrleansQuery is the one name fixed by Orleans (unquoted, so it is the table orleansquery); every other
-- table is ours and carries the orleans_ prefix, apart from the runtime's grain_state / reminders / outbox.
--
-- Parameter types as the 10.4.2 providers send them through Npgsql: ids and names text, ports / generation /
-- status / versions / hashes int4, grain key parts int8, times DbType.DateTime (timestamptz; always UTC),
-- the grain state payload bytea, a reminder period int4 or int8 (milliseconds).
-- Requires PostgreSQL 15 or later (UNIQUE NULLS NOT DISTINCT).

CREATE TABLE OrleansQuery (
    QueryKey  text PRIMARY KEY,
    QueryText text NOT NULL
);

---------------------------------------------------------------------------------------------------------------
-- Clustering (membership). One version row per cluster (DeploymentId = ClusterId): every membership change is
-- conditional on the version the silo read and bumps it, which is what Orleans' membership protocol rests on.
---------------------------------------------------------------------------------------------------------------
CREATE TABLE orleans_membership_version (
    deployment_id text        PRIMARY KEY,
    version       int         NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orleans_membership (
    deployment_id   text        NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            int         NOT NULL,
    generation      int         NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    -- Orleans.Runtime.SiloStatus: 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
    status          int         NOT NULL,
    -- 0 when the silo has no gateway.
    proxy_port      int         NOT NULL,
    -- "silo address,time|silo address,time": the votes of silos that suspect this one; formatted by Orleans.
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Adds a silo's row if the cluster's version is still the one the silo read; bumps the version with it.
-- 1 when both happened, 0 (and nothing changed) otherwise.
CREATE FUNCTION orleans_membership_insert(
    p_deployment_id text, p_address text, p_port int, p_generation int, p_silo_name text, p_host_name text,
    p_status int, p_proxy_port int, p_start_time timestamptz, p_i_am_alive_time timestamptz, p_version int)
RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orleans_membership_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = p_deployment_id AND version = p_version;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                    proxy_port, suspect_times, start_time, i_am_alive_time)
    VALUES (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
            coalesce(p_proxy_port, 0), NULL, p_start_time, p_i_am_alive_time);
    RETURN 1;
EXCEPTION WHEN unique_violation THEN
    -- The row is there already: the block's subtransaction takes the version bump back with it.
    RETURN 0;
END
$$;

-- Changes a silo's status, suspicions and liveness time if the cluster's version is still the one the silo
-- read; bumps the version with it. 1 when both happened, 0 (and nothing changed) otherwise.
CREATE FUNCTION orleans_membership_update(
    p_deployment_id text, p_address text, p_port int, p_generation int, p_status int, p_suspect_times text,
    p_i_am_alive_time timestamptz, p_version int)
RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orleans_membership_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = p_deployment_id AND version = p_version;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE orleans_membership
       SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
     WHERE deployment_id = p_deployment_id AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no membership row for %:%@%', p_address, p_port, p_generation USING ERRCODE = 'no_data_found';
    END IF;
    RETURN 1;
EXCEPTION WHEN no_data_found THEN
    -- No such silo: the block's subtransaction takes the version bump back with it.
    RETURN 0;
END
$$;

---------------------------------------------------------------------------------------------------------------
-- Persistence (plain grain state). The System.Text.Json grain storage serializer hands the provider UTF-8 JSON
-- as @PayloadBinary (bytea); it is kept as jsonb, so that a state can be read in SQL and a payload that is not
-- JSON is refused rather than stored. A cleared state keeps its row (payload NULL) and its version counts on.
---------------------------------------------------------------------------------------------------------------
CREATE TABLE orleans_grain_state (
    service_id         text        NOT NULL,
    grain_type_hash    int         NOT NULL,
    -- The grain class name as the provider gives it (generic arguments without assembly versions).
    grain_type         text        NOT NULL,
    grain_id_hash      int         NOT NULL,
    -- Integer key: (0, key); Guid key: its two halves; string key: (0, 0) with the key as grain_id_extension.
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_id_extension text        NULL,
    version            int         NOT NULL CHECK (version > 0),
    payload            jsonb       NULL,
    modified_at        timestamptz NOT NULL DEFAULT now(),
    -- Identity of a state, hashes first so that the lookups the queries make are narrow from the first column.
    CONSTRAINT orleans_grain_state_identity UNIQUE NULLS NOT DISTINCT
        (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
);

---------------------------------------------------------------------------------------------------------------
-- Reminders. Versions (the reminder's ETag) come from one sequence rather than "version + 1" per row, so a
-- reminder removed and registered again never gets back a version that a stale caller may still hold.
---------------------------------------------------------------------------------------------------------------
CREATE SEQUENCE orleans_reminder_version_seq AS int CYCLE;

CREATE TABLE orleans_reminders (
    service_id    text        NOT NULL,
    -- GrainId.ToString(), e.g. "reminder/42".
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL,
    -- GrainId.GetUniformHashCode() as a signed int: each silo reads the reminders of its ring range by it.
    grain_hash    int         NOT NULL,
    version       int         NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX orleans_reminders_ring ON orleans_reminders (service_id, grain_hash);

---------------------------------------------------------------------------------------------------------------
-- The queries, by the keys the providers look up. Result columns are quoted so that they come back with
-- exactly the names Orleans reads.
---------------------------------------------------------------------------------------------------------------
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Clustering --------------------------------------------------------------------------------------------------
-- One row, one column: 1 if this call created the cluster's version row, 0 if it existed.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT count(*)::int FROM created
$q$),

-- No @SuspectTimes here: a new row has none, and the provider does not send the parameter.
('InsertMembershipKey', $q$
SELECT orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                                 @ProxyPort, @StartTime, @IAmAliveTime, @Version)
$q$),

-- Neither @SiloName, @HostName, @ProxyPort nor @StartTime here: the provider sends only what may change.
('UpdateMembershipKey', $q$
SELECT orleans_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                                 @IAmAliveTime, @Version)
$q$),

-- The liveness heartbeat: not versioned, on purpose (the protocol does not make it bump the table version).
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_membership
   SET i_am_alive_time = @IAmAliveTime
 WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),

-- Always the version row (Orleans takes the table version from the first row), with the silo's columns NULL
-- when there is no such silo (Orleans tells "no entry" by a NULL StartTime).
('MembershipReadRowKey', $q$
SELECT v.deployment_id   AS "DeploymentId",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime",
       v.version         AS "Version"
  FROM orleans_membership_version v
  LEFT JOIN orleans_membership m
    ON m.deployment_id = v.deployment_id
   AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
 WHERE v.deployment_id = @DeploymentId
$q$),

('MembershipReadAllKey', $q$
SELECT v.deployment_id   AS "DeploymentId",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime",
       v.version         AS "Version"
  FROM orleans_membership_version v
  LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
 WHERE v.deployment_id = @DeploymentId
$q$),

-- What clients connect to: active silos with a gateway (@Status is 3, Active).
('GatewaysQueryKey', $q$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
  FROM orleans_membership
 WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),

-- The whole cluster: its version row and, by the foreign key, every silo row.
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
$q$),

-- Rows of dead silos not heard of since @IAmAliveTime (ClusterMembershipOptions.DefunctSiloExpiration ago).
-- Only Dead (6): a row in any other state is still part of the protocol.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_membership
 WHERE deployment_id = @DeploymentId AND status = 6
   AND i_am_alive_time < @IAmAliveTime AND start_time < @IAmAliveTime
$q$),

-- Persistence -------------------------------------------------------------------------------------------------
-- One row, one column: the new version, or NULL when the stored version is not @GrainStateVersion (a first write,
-- @GrainStateVersion NULL, finds a row already there): the provider turns NULL into InconsistentStateException.
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleans_grain_state
       SET payload = convert_from(@PayloadBinary, 'UTF8')::jsonb, version = version + 1, modified_at = now()
     WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
       AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version
), inserted AS (
    INSERT INTO orleans_grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0,
                                     grain_id_n1, grain_id_extension, version, payload)
    SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0,
           @GrainIdN1, @GrainIdExtensionString, 1, convert_from(@PayloadBinary, 'UTF8')::jsonb
     WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted) AS "NewGrainStateVersion"
$q$),

-- No row: never written. PayloadBinary NULL with a Version: cleared (the next write must name that version).
('ReadFromStorageKey', $q$
SELECT convert_to(payload::text, 'UTF8') AS "PayloadBinary",
       version                          AS "Version"
  FROM orleans_grain_state
 WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
   AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
$q$),

-- ClearStateAsync: payload gone, row and version kept. One row: the new version, or NULL on a version conflict.
('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE orleans_grain_state
       SET payload = NULL, version = version + 1, modified_at = now()
     WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
       AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
$q$),

-- ClearStateAsync with AdoNetGrainStorageOptions.DeleteStateOnClear: the row goes. The provider expects the
-- deleted version + 1 (anything but the version it held), or NULL on a version conflict.
('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM orleans_grain_state
     WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
       AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion"
$q$),

-- Reminders ---------------------------------------------------------------------------------------------------
-- One row: the reminder's new version (its ETag).
('UpsertReminderRowKey', $q$
INSERT INTO orleans_reminders AS r (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, nextval('orleans_reminder_version_seq'))
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
   SET start_time = excluded.start_time, period_ms = excluded.period_ms, grain_hash = excluded.grain_hash,
       version = excluded.version
RETURNING r.version AS "Version"
$q$),

('ReadReminderRowsKey', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),

('ReadReminderRowKey', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),

-- A silo's ring range (@BeginHash, @EndHash], hashes as signed ints. The provider picks this key when
-- (int)begin < (int)end ...
('ReadRangeRows1Key', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),

-- ... and this one otherwise: the range wraps around (begin = end is the whole ring).
('ReadRangeRows2Key', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),

-- One row, one column: 1 if the reminder was there at @Version and is gone, 0 otherwise.
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleans_reminders
     WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
       AND version = @Version
    RETURNING 1
)
SELECT count(*)::int FROM deleted
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM orleans_reminders WHERE service_id = @ServiceId
$q$);
