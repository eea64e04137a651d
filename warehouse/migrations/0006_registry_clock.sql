-- The registry's clock and its version history: every version carries the registry's date
-- and, where we saw it, when we observed it; versions are ordered on the registry's clock
-- (position), so backfilled older versions slot in before the ones observed first while
-- keeping their stable version numbers. Also: the registry's history index as fetched, the
-- progress of long runs and the cursors of incremental sources, and what validation found
-- in each version (findings, schema drift), kept rather than quarantining the version.

ALTER TABLE study_versions ADD COLUMN registry_date DATE;
ALTER TABLE study_versions ADD COLUMN observed_at TIMESTAMPTZ;
ALTER TABLE study_versions ADD COLUMN position INTEGER;
ALTER TABLE study_versions ADD COLUMN markup VARCHAR DEFAULT 'markdown';
ALTER TABLE study_versions ADD COLUMN payload_hash VARCHAR;
ALTER TABLE study_versions ADD COLUMN registry_record JSON;

UPDATE study_versions SET observed_at = valid_from WHERE source = 'observed';
UPDATE study_versions
SET registry_date = coalesce(last_update_post_date, CAST(timezone('UTC', valid_from) AS DATE));
UPDATE study_versions SET valid_from = timezone('UTC', CAST(registry_date AS TIMESTAMP));
UPDATE study_versions AS v
SET position = o.position, valid_to = o.next_from
FROM (
    SELECT nct_id, version,
           CAST(row_number() OVER w AS INTEGER) AS position,
           lead(valid_from) OVER w AS next_from
    FROM study_versions
    WINDOW w AS (
        PARTITION BY nct_id
        ORDER BY valid_from, registry_version NULLS LAST, observed_at NULLS LAST, version
    )
) AS o
WHERE v.nct_id = o.nct_id AND v.version = o.version;

ALTER TABLE study_events ADD COLUMN registry_date DATE;
UPDATE study_events AS e
SET registry_date = v.registry_date
FROM study_versions AS v
WHERE e.nct_id = v.nct_id AND e.version = v.version
  AND e.event_type NOT IN ('study_missing', 'study_reappeared');

ALTER TABLE runs ADD COLUMN kind VARCHAR DEFAULT 'ingest';
ALTER TABLE runs ADD COLUMN source VARCHAR;
ALTER TABLE runs ADD COLUMN backfilled_count INTEGER DEFAULT 0;

CREATE TABLE registry_history (
    nct_id                   VARCHAR NOT NULL,
    registry_version         INTEGER NOT NULL,
    index_date               DATE,
    overall_status           VARCHAR,
    module_labels            VARCHAR[],
    entry                    JSON NOT NULL,
    indexed_at               TIMESTAMPTZ NOT NULL,
    version                  INTEGER,
    skipped                  VARCHAR,
    PRIMARY KEY (nct_id, registry_version)
);

CREATE TABLE run_progress (
    run_id                   VARCHAR PRIMARY KEY,
    source_key               VARCHAR NOT NULL,
    cursor                   JSON,
    batches                  INTEGER NOT NULL DEFAULT 0,
    studies                  BIGINT NOT NULL DEFAULT 0,
    total                    BIGINT,
    updated_at               TIMESTAMPTZ NOT NULL,
    done                     BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE source_cursors (
    source_key               VARCHAR PRIMARY KEY,
    description              VARCHAR,
    last_success_run_id      VARCHAR,
    last_success_started_at  TIMESTAMPTZ,
    last_success_data_date   DATE,
    updated_at               TIMESTAMPTZ NOT NULL
);

CREATE TABLE version_findings (
    nct_id                   VARCHAR NOT NULL,
    version                  INTEGER NOT NULL,
    ordinal                  INTEGER NOT NULL,
    path                     VARCHAR NOT NULL,
    rule                     VARCHAR NOT NULL,
    value                    JSON,
    message                  VARCHAR NOT NULL,
    PRIMARY KEY (nct_id, version, ordinal)
);

CREATE TABLE version_drift (
    nct_id                   VARCHAR NOT NULL,
    version                  INTEGER NOT NULL,
    pointer                  VARCHAR NOT NULL,
    kind                     VARCHAR NOT NULL,
    value                    VARCHAR NOT NULL
);

CREATE OR REPLACE VIEW status_history AS
WITH ordered AS (
    SELECT
        nct_id,
        version,
        position,
        overall_status,
        registry_date,
        valid_from,
        CASE
            WHEN row_number() OVER w = 1 THEN 1
            WHEN lag(overall_status) OVER w IS DISTINCT FROM overall_status THEN 1
            ELSE 0
        END AS starts_period
    FROM study_versions
    WINDOW w AS (PARTITION BY nct_id ORDER BY position)
),
numbered AS (
    SELECT *, sum(starts_period) OVER (PARTITION BY nct_id ORDER BY position) AS period
    FROM ordered
),
periods AS (
    SELECT
        nct_id,
        period,
        arg_min(overall_status, position) AS status,
        arg_min(registry_date, position) AS status_from_date,
        min(valid_from) AS status_from,
        arg_min(version, position) AS first_version,
        arg_max(version, position) AS last_version
    FROM numbered
    GROUP BY nct_id, period
),
bounded AS (
    SELECT *,
           lead(status_from) OVER (PARTITION BY nct_id ORDER BY period) AS status_to,
           lead(status_from_date) OVER (PARTITION BY nct_id ORDER BY period) AS status_to_date
    FROM periods
)
SELECT
    nct_id,
    CAST(period AS INTEGER) AS period,
    status,
    status_from,
    status_to,
    status_from_date,
    status_to_date,
    CAST(
        date_diff('microsecond', status_from, coalesce(status_to, now())) // 86400000000
        AS INTEGER
    ) AS days_in_status,
    first_version,
    last_version,
    status_to IS NULL AS is_current
FROM bounded;

CREATE MACRO state_as_of(as_of) AS TABLE
SELECT nct_id, version, position, registry_version, registry_date, observed_at, valid_from,
       overall_status, brief_title, enrollment_count, last_update_post_date
FROM study_versions
WHERE registry_date <= CAST(as_of AS DATE)
QUALIFY row_number() OVER (PARTITION BY nct_id ORDER BY position DESC) = 1;

CREATE MACRO observed_state_as_of(as_of) AS TABLE
SELECT nct_id, version, position, registry_version, registry_date, observed_at, valid_from,
       overall_status, brief_title, enrollment_count, last_update_post_date
FROM study_versions
WHERE observed_at < CAST(as_of AS TIMESTAMPTZ)
QUALIFY row_number() OVER (PARTITION BY nct_id ORDER BY observed_at DESC, position DESC) = 1;

COMMENT ON COLUMN study_versions.version IS 'Version number within the study: stable once given (1, 2, ... in the order versions were stored). With history backfill on (the default) a study''s versions are stored oldest first, so vN is the registry''s version N (registry_version N-1); a version stored later from an older registry date keeps the next free number, and lists follow position.';
COMMENT ON COLUMN study_versions.valid_from IS 'When this version took effect on the registry''s clock: the start (00:00 UTC) of registry_date.';
COMMENT ON COLUMN study_versions.valid_to IS 'valid_from of the next version on the registry''s clock; NULL for the current version.';
COMMENT ON COLUMN study_versions.source IS 'How the version first arrived: observed (fetched from API v2 or a bulk file) or registry (backfilled from the registry''s history); see observed_at and registry_version for both.';
COMMENT ON COLUMN study_versions.registry_version IS '0-based version number in the registry''s own history (its website shows it plus one), when known: backfilled, or an observed version linked to the history.';
COMMENT ON COLUMN study_versions.run_id IS 'The run that stored this version.';
COMMENT ON COLUMN study_versions.record IS 'The study JSON exactly as first received: API v2''s Markdown copy when there is one, else the history API''s HTML copy (see markup).';
COMMENT ON COLUMN study_versions.registry_date IS 'The registry''s date of this version: lastUpdatePostDateStruct.date of the record (the day the registry posted it).';
COMMENT ON COLUMN study_versions.observed_at IS 'When a run first saw this content as the registry served it (UTC); NULL for a version known only from the registry''s history.';
COMMENT ON COLUMN study_versions.position IS 'Rank of the version on the registry''s clock, 1 = oldest (ordered by valid_from, registry_version, observed_at, version).';
COMMENT ON COLUMN study_versions.markup IS 'How record''s markup fields are written: markdown (API v2, bulk download) or html (history API).';
COMMENT ON COLUMN study_versions.payload_hash IS 'SHA-256 of the latest payload received with this content, exactly as received: the cheap first check of a run.';
COMMENT ON COLUMN study_versions.registry_record IS 'The history API''s copy of this version (HTML markup) when record is the observed copy; the two have the same content.';
COMMENT ON COLUMN study_versions.content_hash IS 'SHA-256 of the record''s comparable form as canonical JSON: markup fields as text and whitespace collapsed (docs/changes.md, "the same content").';

COMMENT ON COLUMN study_events.registry_date IS 'The registry''s date of the version the event belongs to; NULL for presence events (study_missing, study_reappeared), which only our runs can date.';
COMMENT ON COLUMN study_events.occurred_at IS 'When a run recorded the event (UTC).';

COMMENT ON COLUMN runs.kind IS 'What the run did: ingest (by IDs), query, sync (incremental), bulk, backfill or sweep.';
COMMENT ON COLUMN runs.source IS 'The run''s source in one line: the IDs, the query, the bulk file, ...';
COMMENT ON COLUMN runs.backfilled_count IS 'Versions stored from the registry''s history by this run.';

COMMENT ON TABLE registry_history IS 'The registry''s history index of each study, entry by entry, as last fetched; version says which stored version holds each entry, skipped why it was not fetched.';
COMMENT ON COLUMN registry_history.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN registry_history.registry_version IS '0-based version number in the registry''s history.';
COMMENT ON COLUMN registry_history.index_date IS 'The index entry''s date (the registry''s QC/submission date of the version, a weekday before it was posted).';
COMMENT ON COLUMN registry_history.overall_status IS 'The overall status at that version, as the index states it.';
COMMENT ON COLUMN registry_history.module_labels IS 'The modules that version changed (moduleLabels), e.g. Study Status, Eligibility.';
COMMENT ON COLUMN registry_history.entry IS 'The index entry exactly as received.';
COMMENT ON COLUMN registry_history.indexed_at IS 'When the index was fetched (UTC).';
COMMENT ON COLUMN registry_history.version IS 'The stored version (study_versions.version) that holds this registry version; NULL when not fetched.';
COMMENT ON COLUMN registry_history.skipped IS 'Why the version was not fetched (e.g. outside --modules); NULL when it is held or still to fetch.';

COMMENT ON TABLE run_progress IS 'How far a long run got: its source''s cursor after the last batch it wrote, so an interrupted run resumes there.';
COMMENT ON COLUMN run_progress.run_id IS 'The run.';
COMMENT ON COLUMN run_progress.source_key IS 'The source, e.g. bulk:/path/ctg-studies.json.zip or query:query.cond=AML.';
COMMENT ON COLUMN run_progress.cursor IS 'Where the source stands after the last written batch (a file name, a page token, ...).';
COMMENT ON COLUMN run_progress.batches IS 'Batches written.';
COMMENT ON COLUMN run_progress.studies IS 'Studies written.';
COMMENT ON COLUMN run_progress.total IS 'Studies the source expects in all, when known.';
COMMENT ON COLUMN run_progress.updated_at IS 'When the last batch was written (UTC).';
COMMENT ON COLUMN run_progress.done IS 'True once the source is exhausted.';

COMMENT ON TABLE source_cursors IS 'Per incremental source (a saved query, the whole registry): the last successful run, from which --since-last-run fetches.';
COMMENT ON COLUMN source_cursors.source_key IS 'The source, e.g. query:query.cond=AML or registry.';
COMMENT ON COLUMN source_cursors.description IS 'The source for people.';
COMMENT ON COLUMN source_cursors.last_success_run_id IS 'The last run of this source that succeeded.';
COMMENT ON COLUMN source_cursors.last_success_started_at IS 'When that run started (UTC).';
COMMENT ON COLUMN source_cursors.last_success_data_date IS 'The registry data date (dataTimestamp) that run read; the next incremental run asks from a day before it.';
COMMENT ON COLUMN source_cursors.updated_at IS 'When the cursor last moved (UTC).';

COMMENT ON TABLE version_findings IS 'Where a stored version breaks the registry''s own spec (a pattern, a type, a required field): the version is kept, the finding recorded.';
COMMENT ON COLUMN version_findings.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN version_findings.version IS 'The version (study_versions.version).';
COMMENT ON COLUMN version_findings.ordinal IS 'Position among the version''s findings, 0-based.';
COMMENT ON COLUMN version_findings.path IS 'JSON pointer of the offending value.';
COMMENT ON COLUMN version_findings.rule IS 'The rule broken, as the model names it (string_pattern_mismatch, int_type, missing, ...).';
COMMENT ON COLUMN version_findings.value IS 'The offending value, as JSON.';
COMMENT ON COLUMN version_findings.message IS 'The validator''s message.';

COMMENT ON TABLE version_drift IS 'Schema drift in each stored version: keys and enum values the spec does not know, kept in the record.';
COMMENT ON COLUMN version_drift.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN version_drift.version IS 'The version (study_versions.version).';
COMMENT ON COLUMN version_drift.pointer IS 'JSON pointer of the unknown key or value.';
COMMENT ON COLUMN version_drift.kind IS 'unknown_field or unknown_enum.';
COMMENT ON COLUMN version_drift.value IS 'The unknown key, or the unknown enum value.';

COMMENT ON VIEW status_history IS 'Overall status periods per study on the registry''s clock: consecutive versions (by position) with the same status form one period.';
COMMENT ON COLUMN status_history.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN status_history.period IS 'Period number within the study, 1, 2, ... in time order.';
COMMENT ON COLUMN status_history.status IS 'The overall status during the period (study_versions.overall_status).';
COMMENT ON COLUMN status_history.status_from IS 'valid_from of the first version with this status (00:00 UTC of its registry date).';
COMMENT ON COLUMN status_history.status_to IS 'valid_from of the first version with the next status; NULL while the status is current.';
COMMENT ON COLUMN status_history.status_from_date IS 'The registry date the status took effect.';
COMMENT ON COLUMN status_history.status_to_date IS 'The registry date the next status took effect; NULL while the status is current.';
COMMENT ON COLUMN status_history.days_in_status IS 'Whole elapsed days (24-hour spans, rounded down) from status_from to status_to, or to now for the current status; the same in every time zone.';
COMMENT ON COLUMN status_history.first_version IS 'First version of the period.';
COMMENT ON COLUMN status_history.last_version IS 'Last version of the period.';
COMMENT ON COLUMN status_history.is_current IS 'True for the period of the current version.';

COMMENT ON MACRO TABLE state_as_of IS 'state_as_of(DATE): each study as the registry showed it at the end of that day (its version with the latest position posted on or before it).';
COMMENT ON MACRO TABLE observed_state_as_of IS 'observed_state_as_of(TIMESTAMPTZ): each study as our runs had observed it before that instant.';
