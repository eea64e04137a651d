-- New versions from the staged Arrow batch. The key columns (overall_status, ...) come from
-- the planner, which has each record parsed already; the cast to JSON validates the text.
INSERT INTO study_versions
    (nct_id, version, content_hash, valid_from, valid_to, source, registry_version, run_id, record,
     overall_status, last_update_post_date, brief_title, phases, enrollment_count,
     registry_date, observed_at, markup, payload_hash, registry_record, position)
SELECT
    nct_id, version, content_hash, valid_from, valid_to, source, registry_version, run_id,
    record::JSON, overall_status, last_update_post_date, brief_title, phases, enrollment_count,
    registry_date, observed_at, markup, payload_hash, registry_record::JSON, position
FROM staged_versions
