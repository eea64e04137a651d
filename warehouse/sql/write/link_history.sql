-- Which stored version holds each entry of the touched studies' history index.
UPDATE registry_history AS h
SET version = v.version, skipped = NULL
FROM study_versions AS v
SEMI JOIN touched_history USING (nct_id)
WHERE h.nct_id = v.nct_id AND h.registry_version = v.registry_version
  AND h.version IS DISTINCT FROM v.version
