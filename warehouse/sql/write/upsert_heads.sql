-- The new head of each study whose current version changed.
INSERT OR REPLACE INTO study_heads
    (nct_id, version, max_version, position, content_hash, payload_hash, registry_version,
     registry_date, observed_at, valid_from, markup, missing)
SELECT nct_id, version, max_version, position, content_hash, payload_hash, registry_version,
       registry_date, observed_at, valid_from, markup, missing
FROM staged_heads
