-- Core tables: runs, observations, study_versions, rejected_records.
-- Timestamps are UTC (TIMESTAMPTZ); registry dates stay as the registry wrote them
-- (yyyy, yyyy-MM or yyyy-MM-dd) in the raw record, with DATE columns where the value is a full day.

CREATE TABLE runs (
    run_id                   VARCHAR PRIMARY KEY,
    flow_run_id              VARCHAR,
    started_at               TIMESTAMPTZ NOT NULL,
    finished_at              TIMESTAMPTZ,
    status                   VARCHAR NOT NULL,          -- running | succeeded | partial | failed
    registry_url             VARCHAR,
    registry_api_version     VARCHAR,
    registry_data_timestamp  TIMESTAMP,                 -- /api/v2/version dataTimestamp (UTC)
    requested_count          INTEGER NOT NULL DEFAULT 0,
    fetched_count            INTEGER NOT NULL DEFAULT 0,
    new_count                INTEGER NOT NULL DEFAULT 0,
    changed_count            INTEGER NOT NULL DEFAULT 0,
    unchanged_count          INTEGER NOT NULL DEFAULT 0,
    missing_count            INTEGER NOT NULL DEFAULT 0,
    rejected_count           INTEGER NOT NULL DEFAULT 0,
    drift_count              INTEGER NOT NULL DEFAULT 0,
    error                    VARCHAR
);

CREATE TABLE study_versions (
    nct_id                   VARCHAR NOT NULL,
    version                  INTEGER NOT NULL,          -- 1, 2, ... per study
    content_hash             VARCHAR NOT NULL,          -- sha256 of the canonical JSON
    valid_from               TIMESTAMPTZ NOT NULL,
    valid_to                 TIMESTAMPTZ,               -- NULL = current
    source                   VARCHAR NOT NULL,          -- observed | registry
    registry_version         INTEGER,                   -- 0-based registry history version, if known
    run_id                   VARCHAR,                   -- the run that created it
    record                   JSON NOT NULL,             -- the study JSON exactly as received
    overall_status           VARCHAR,
    last_update_post_date    DATE,
    brief_title              VARCHAR,
    phases                   VARCHAR[],
    enrollment_count         BIGINT,
    PRIMARY KEY (nct_id, version)
);

CREATE TABLE observations (
    run_id                   VARCHAR NOT NULL,
    nct_id                   VARCHAR NOT NULL,
    observed_at              TIMESTAMPTZ NOT NULL,
    outcome                  VARCHAR NOT NULL,          -- new | changed | unchanged | missing | rejected
    content_hash             VARCHAR,                   -- NULL when missing or rejected
    version                  INTEGER,                   -- the version matched or created
    PRIMARY KEY (run_id, nct_id)
);

CREATE TABLE rejected_records (
    run_id                   VARCHAR NOT NULL,
    nct_id                   VARCHAR,                   -- NULL when the payload names no study
    rejected_at              TIMESTAMPTZ NOT NULL,
    stage                    VARCHAR NOT NULL,          -- fetch | parse | validate | store
    error                    VARCHAR NOT NULL,
    payload                  VARCHAR                    -- the raw text as received
);

COMMENT ON TABLE runs IS 'One row per ingest run: when, against which registry data, with what counts and outcome.';
COMMENT ON COLUMN runs.run_id IS 'Run identifier (UUID), also stored on observations, versions and rejections.';
COMMENT ON COLUMN runs.flow_run_id IS 'The Prefect flow run that carried out this run, when run as a flow.';
COMMENT ON COLUMN runs.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN runs.finished_at IS 'When the run finished (UTC); NULL while running or after a crash.';
COMMENT ON COLUMN runs.status IS 'running, succeeded, partial (some studies missing or rejected) or failed.';
COMMENT ON COLUMN runs.registry_url IS 'Root URL of the registry (or imitation) the run read from.';
COMMENT ON COLUMN runs.registry_api_version IS 'apiVersion from /api/v2/version.';
COMMENT ON COLUMN runs.registry_data_timestamp IS 'dataTimestamp from /api/v2/version (UTC): when the registry data was refreshed.';
COMMENT ON COLUMN runs.requested_count IS 'Number of NCT IDs the run asked for.';
COMMENT ON COLUMN runs.fetched_count IS 'Number of studies the registry returned.';
COMMENT ON COLUMN runs.new_count IS 'Studies seen for the first time (version 1 created).';
COMMENT ON COLUMN runs.changed_count IS 'Studies whose content changed (a new version created).';
COMMENT ON COLUMN runs.unchanged_count IS 'Studies whose content matched their current version.';
COMMENT ON COLUMN runs.missing_count IS 'Requested studies the registry did not return.';
COMMENT ON COLUMN runs.rejected_count IS 'Payloads that could not be stored as versions (see rejected_records).';
COMMENT ON COLUMN runs.drift_count IS 'Fields or enum values unknown to the models (kept, counted as schema drift).';
COMMENT ON COLUMN runs.error IS 'One-line reason when the run failed.';

COMMENT ON TABLE study_versions IS 'One row per distinct content of a study (SCD2): a new version only when the content hash changes.';
COMMENT ON COLUMN study_versions.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN study_versions.version IS 'Version number within the study, 1, 2, ...';
COMMENT ON COLUMN study_versions.content_hash IS 'SHA-256 of the record as canonical JSON (sorted keys, compact).';
COMMENT ON COLUMN study_versions.valid_from IS 'When this content was first seen (observed) or posted (registry history).';
COMMENT ON COLUMN study_versions.valid_to IS 'When it was superseded; NULL for the current version.';
COMMENT ON COLUMN study_versions.source IS 'observed (fetched by a run) or registry (backfilled from the registry history).';
COMMENT ON COLUMN study_versions.registry_version IS '0-based version number in the registry''s own history, when known.';
COMMENT ON COLUMN study_versions.run_id IS 'The run that created this version.';
COMMENT ON COLUMN study_versions.record IS 'The study JSON exactly as received from the registry.';
COMMENT ON COLUMN study_versions.overall_status IS 'protocolSection.statusModule.overallStatus.';
COMMENT ON COLUMN study_versions.last_update_post_date IS 'protocolSection.statusModule.lastUpdatePostDateStruct.date.';
COMMENT ON COLUMN study_versions.brief_title IS 'protocolSection.identificationModule.briefTitle.';
COMMENT ON COLUMN study_versions.phases IS 'protocolSection.designModule.phases.';
COMMENT ON COLUMN study_versions.enrollment_count IS 'protocolSection.designModule.enrollmentInfo.count.';

COMMENT ON TABLE observations IS 'Every study looked for in every run: what was seen and which version it matched or created.';
COMMENT ON COLUMN observations.run_id IS 'The run that made the observation.';
COMMENT ON COLUMN observations.nct_id IS 'The study looked for.';
COMMENT ON COLUMN observations.observed_at IS 'When the study was fetched (UTC).';
COMMENT ON COLUMN observations.outcome IS 'new, changed, unchanged, missing (not returned) or rejected.';
COMMENT ON COLUMN observations.content_hash IS 'Content hash of what was seen; NULL when missing or rejected.';
COMMENT ON COLUMN observations.version IS 'The version matched or created; NULL when missing or rejected.';

COMMENT ON TABLE rejected_records IS 'Payloads that could not be stored as a version, kept with the error so nothing is lost.';
COMMENT ON COLUMN rejected_records.run_id IS 'The run that received the payload.';
COMMENT ON COLUMN rejected_records.nct_id IS 'The study it belongs to, when known.';
COMMENT ON COLUMN rejected_records.rejected_at IS 'When it was rejected (UTC).';
COMMENT ON COLUMN rejected_records.stage IS 'fetch, parse, validate or store: where it failed.';
COMMENT ON COLUMN rejected_records.error IS 'The error, naming the offending fields.';
COMMENT ON COLUMN rejected_records.payload IS 'The raw text as received.';
