-- The head of each study: its current version on the registry's clock, with the record, the
-- hashes and the presence a run compares against. One indexed row per study, so a batch's
-- state is a lookup by key, not a scan of every version (a scan of the record column grows
-- with the warehouse and would make every batch of a 600,000-study reload slower than the
-- last). Kept by the writer in the same transaction as the versions.

CREATE TABLE study_heads (
    nct_id                   VARCHAR PRIMARY KEY,
    version                  INTEGER NOT NULL,
    max_version              INTEGER NOT NULL,
    position                 INTEGER NOT NULL,
    content_hash             VARCHAR NOT NULL,
    payload_hash             VARCHAR,
    registry_version         INTEGER,
    registry_date            DATE,
    observed_at              TIMESTAMPTZ,
    valid_from               TIMESTAMPTZ NOT NULL,
    markup                   VARCHAR NOT NULL,
    missing                  BOOLEAN NOT NULL DEFAULT false,
    record                   VARCHAR NOT NULL
);

INSERT INTO study_heads
SELECT v.nct_id, v.version, m.max_version, v.position, v.content_hash, v.payload_hash,
       v.registry_version, v.registry_date, v.observed_at, v.valid_from,
       coalesce(v.markup, 'markdown'), coalesce(p.last_presence = 'study_missing', false),
       CAST(v.record AS VARCHAR)
FROM study_versions AS v
JOIN (SELECT nct_id, max(version) AS max_version FROM study_versions GROUP BY nct_id) AS m
    USING (nct_id)
LEFT JOIN (
    SELECT nct_id, arg_max(event_type, event_id) AS last_presence
    FROM study_events
    WHERE event_type IN ('study_missing', 'study_reappeared')
    GROUP BY nct_id
) AS p USING (nct_id)
WHERE v.valid_to IS NULL;

COMMENT ON TABLE study_heads IS 'The current version of each study (the latest on the registry''s clock) with its record and hashes: what a run compares against, one indexed row per study.';
COMMENT ON COLUMN study_heads.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN study_heads.version IS 'The current version (study_versions.version).';
COMMENT ON COLUMN study_heads.max_version IS 'The highest version number the study has (new versions take the next one).';
COMMENT ON COLUMN study_heads.position IS 'The current version''s position (its count of versions).';
COMMENT ON COLUMN study_heads.content_hash IS 'The current version''s content hash.';
COMMENT ON COLUMN study_heads.payload_hash IS 'SHA-256 of the latest payload received with the current content.';
COMMENT ON COLUMN study_heads.registry_version IS 'The current version''s number in the registry''s history, when known.';
COMMENT ON COLUMN study_heads.registry_date IS 'The current version''s registry date.';
COMMENT ON COLUMN study_heads.observed_at IS 'When a run first saw the current content; NULL if only backfilled.';
COMMENT ON COLUMN study_heads.valid_from IS 'The current version''s valid_from.';
COMMENT ON COLUMN study_heads.markup IS 'markdown or html: how record''s markup fields are written.';
COMMENT ON COLUMN study_heads.missing IS 'True while the registry no longer returns the study (after study_missing, until study_reappeared).';
COMMENT ON COLUMN study_heads.record IS 'The current version''s record as text (study_versions.record; validated JSON when stored there).';
