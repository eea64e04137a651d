-- Every version, with its record, of the studies whose history a batch brings (state_chains).
SELECT v.nct_id, v.version, v.content_hash, v.payload_hash, v.registry_version,
       v.registry_date, v.observed_at, v.valid_from, coalesce(v.markup, 'markdown'),
       v.position, v.valid_to, CAST(v.record AS VARCHAR)
FROM study_versions AS v
SEMI JOIN state_chains AS c ON c.nct_id = v.nct_id
ORDER BY v.nct_id, v.position
