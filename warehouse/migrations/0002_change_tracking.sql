-- Change tracking: field-level changes and typed events per study version, plus two views
-- (status_history, current_studies). Rows are written by warehouse/tracking.py inside the
-- snapshot store's batch transaction; docs/changes.md describes paths, ops and event details.

CREATE TABLE study_changes (
    nct_id                   VARCHAR NOT NULL,
    from_version             INTEGER NOT NULL,
    to_version               INTEGER NOT NULL,
    ordinal                  INTEGER NOT NULL,          -- position in the diff, 0-based
    path                     VARCHAR NOT NULL,          -- JSON pointer (docs/changes.md)
    op                       VARCHAR NOT NULL,          -- added | removed | changed
    label                    VARCHAR NOT NULL,
    element_key              JSON,
    old_value                JSON,
    new_value                JSON,
    PRIMARY KEY (nct_id, to_version, ordinal)
);

CREATE SEQUENCE study_events_event_id_seq START 1;

CREATE TABLE study_events (
    event_id                 BIGINT PRIMARY KEY DEFAULT nextval('study_events_event_id_seq'),
    nct_id                   VARCHAR NOT NULL,
    version                  INTEGER,
    run_id                   VARCHAR,
    ordinal                  INTEGER NOT NULL,
    event_type               VARCHAR NOT NULL,
    details                  JSON NOT NULL,
    occurred_at              TIMESTAMPTZ NOT NULL
);

CREATE VIEW status_history AS
WITH ordered AS (
    SELECT
        nct_id,
        version,
        overall_status,
        valid_from,
        CASE
            WHEN row_number() OVER w = 1 THEN 1
            WHEN lag(overall_status) OVER w IS DISTINCT FROM overall_status THEN 1
            ELSE 0
        END AS starts_period
    FROM study_versions
    WINDOW w AS (PARTITION BY nct_id ORDER BY version)
),
numbered AS (
    SELECT *, sum(starts_period) OVER (PARTITION BY nct_id ORDER BY version) AS period
    FROM ordered
),
periods AS (
    SELECT
        nct_id,
        period,
        arg_min(overall_status, version) AS status,
        min(valid_from) AS status_from,
        min(version) AS first_version,
        max(version) AS last_version
    FROM numbered
    GROUP BY nct_id, period
),
bounded AS (
    SELECT *, lead(status_from) OVER (PARTITION BY nct_id ORDER BY period) AS status_to
    FROM periods
)
SELECT
    nct_id,
    CAST(period AS INTEGER) AS period,
    status,
    status_from,
    status_to,
    CAST(date_diff('day', status_from, coalesce(status_to, now())) AS INTEGER) AS days_in_status,
    first_version,
    last_version,
    status_to IS NULL AS is_current
FROM bounded;

CREATE VIEW current_studies AS
WITH presence AS (
    SELECT
        nct_id,
        arg_max(event_type, event_id) AS last_presence_event,
        arg_max(occurred_at, event_id) AS last_presence_at
    FROM study_events
    WHERE event_type IN ('study_missing', 'study_reappeared')
    GROUP BY nct_id
)
SELECT
    v.nct_id,
    v.version,
    v.valid_from AS current_since,
    v.overall_status,
    v.brief_title,
    v.phases,
    v.enrollment_count,
    v.record ->> '$.protocolSection.designModule.enrollmentInfo.type' AS enrollment_type,
    v.record ->> '$.protocolSection.designModule.studyType' AS study_type,
    v.record ->> '$.protocolSection.sponsorCollaboratorsModule.leadSponsor.name' AS lead_sponsor,
    v.record ->> '$.protocolSection.statusModule.startDateStruct.date' AS start_date,
    v.record ->> '$.protocolSection.statusModule.primaryCompletionDateStruct.date'
        AS primary_completion_date,
    v.record ->> '$.protocolSection.statusModule.completionDateStruct.date' AS completion_date,
    coalesce(TRY_CAST(v.record ->> '$.hasResults' AS BOOLEAN), false) AS has_results,
    v.last_update_post_date,
    v.content_hash,
    v.run_id,
    CASE WHEN p.last_presence_event = 'study_missing' THEN p.last_presence_at END AS missing_since
FROM study_versions AS v
LEFT JOIN presence AS p USING (nct_id)
WHERE v.valid_to IS NULL;

COMMENT ON TABLE study_changes IS 'Field-level changes between consecutive versions of a study: one row per added, removed or changed value (list elements matched by natural key; reorders are not changes).';
COMMENT ON COLUMN study_changes.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN study_changes.from_version IS 'The version the change starts from (study_versions.version).';
COMMENT ON COLUMN study_changes.to_version IS 'The version the change leads to (study_versions.version).';
COMMENT ON COLUMN study_changes.ordinal IS 'Position of the change in the diff, 0-based (document order of the new version).';
COMMENT ON COLUMN study_changes.path IS 'JSON pointer into the record; list indices are the element''s index in the new version, or in the old one for a removed element.';
COMMENT ON COLUMN study_changes.op IS 'added, removed or changed.';
COMMENT ON COLUMN study_changes.label IS 'The path for humans: field names joined by dots, list elements by their natural key, e.g. locations[Mayo Clinic | Rochester | United States].status.';
COMMENT ON COLUMN study_changes.element_key IS 'Natural key of the innermost keyed list element on the path, e.g. {"facility":…,"city":…,"country":…}; NULL outside keyed lists.';
COMMENT ON COLUMN study_changes.old_value IS 'The value before; NULL when added (a JSON null is stored as the JSON value null).';
COMMENT ON COLUMN study_changes.new_value IS 'The value after; NULL when removed (a JSON null is stored as the JSON value null).';

COMMENT ON TABLE study_events IS 'Typed events per study version (status_changed, site_added, ...) and presence events from runs (study_missing, study_reappeared).';
COMMENT ON COLUMN study_events.event_id IS 'Increasing identifier: the order in which events were recorded.';
COMMENT ON COLUMN study_events.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN study_events.version IS 'The version the event belongs to (for study_missing: the last version seen); NULL if the study has none.';
COMMENT ON COLUMN study_events.run_id IS 'The run that recorded the event.';
COMMENT ON COLUMN study_events.ordinal IS 'Position among the events of this study recorded by this run, 0-based.';
COMMENT ON COLUMN study_events.event_type IS 'first_seen, status_changed, why_stopped_set, enrollment_changed, date_shifted, site_added, site_removed, site_status_changed, eligibility_changed, arm_or_intervention_added, arm_or_intervention_removed, outcome_added, outcome_removed, outcome_reworded, results_posted, sponsor_or_collaborator_changed, study_missing or study_reappeared.';
COMMENT ON COLUMN study_events.details IS 'JSON object with the facts of the event; its keys per type are listed in docs/changes.md.';
COMMENT ON COLUMN study_events.occurred_at IS 'When the run observed it (UTC): the valid_from of the version, or the observation time of a presence event.';

COMMENT ON VIEW status_history IS 'Overall status periods per study from study_versions: consecutive versions with the same status form one period.';
COMMENT ON COLUMN status_history.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN status_history.period IS 'Period number within the study, 1, 2, ... in time order.';
COMMENT ON COLUMN status_history.status IS 'The overall status during the period (study_versions.overall_status).';
COMMENT ON COLUMN status_history.status_from IS 'valid_from of the first version with this status.';
COMMENT ON COLUMN status_history.status_to IS 'valid_from of the first version with the next status; NULL while the status is current.';
COMMENT ON COLUMN status_history.days_in_status IS 'Whole days from status_from to status_to, or to now for the current status.';
COMMENT ON COLUMN status_history.first_version IS 'First version of the period.';
COMMENT ON COLUMN status_history.last_version IS 'Last version of the period.';
COMMENT ON COLUMN status_history.is_current IS 'True for the period of the current version.';

COMMENT ON VIEW current_studies IS 'The current version of each study (valid_to IS NULL) with its key columns.';
COMMENT ON COLUMN current_studies.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN current_studies.version IS 'The current version number.';
COMMENT ON COLUMN current_studies.current_since IS 'valid_from of the current version.';
COMMENT ON COLUMN current_studies.overall_status IS 'protocolSection.statusModule.overallStatus.';
COMMENT ON COLUMN current_studies.brief_title IS 'protocolSection.identificationModule.briefTitle.';
COMMENT ON COLUMN current_studies.phases IS 'protocolSection.designModule.phases.';
COMMENT ON COLUMN current_studies.enrollment_count IS 'protocolSection.designModule.enrollmentInfo.count.';
COMMENT ON COLUMN current_studies.enrollment_type IS 'ESTIMATED or ACTUAL (protocolSection.designModule.enrollmentInfo.type).';
COMMENT ON COLUMN current_studies.study_type IS 'INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS.';
COMMENT ON COLUMN current_studies.lead_sponsor IS 'Name of the lead sponsor.';
COMMENT ON COLUMN current_studies.start_date IS 'Start date as the registry wrote it (yyyy, yyyy-MM or yyyy-MM-dd).';
COMMENT ON COLUMN current_studies.primary_completion_date IS 'Primary completion date as the registry wrote it.';
COMMENT ON COLUMN current_studies.completion_date IS 'Completion date as the registry wrote it.';
COMMENT ON COLUMN current_studies.has_results IS 'Whether results are posted (hasResults).';
COMMENT ON COLUMN current_studies.last_update_post_date IS 'protocolSection.statusModule.lastUpdatePostDateStruct.date.';
COMMENT ON COLUMN current_studies.content_hash IS 'SHA-256 of the current record as canonical JSON.';
COMMENT ON COLUMN current_studies.run_id IS 'The run that created the current version.';
COMMENT ON COLUMN current_studies.missing_since IS 'When the registry stopped returning the study (latest study_missing not followed by study_reappeared); NULL while it is returned.';
