-- Which stored version holds each registry version the batch stored or linked.
UPDATE registry_history AS h
SET version = l.version, skipped = NULL
FROM staged_history_links AS l
WHERE h.nct_id = l.nct_id AND h.registry_version = l.registry_version
