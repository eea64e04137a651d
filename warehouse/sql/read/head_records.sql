-- The current record of each given study.
SELECT v.nct_id, v.record
FROM study_heads AS h
JOIN study_versions AS v ON v.nct_id = h.nct_id AND v.version = h.version
WHERE list_contains($ids, h.nct_id)
