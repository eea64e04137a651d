-- What a batch learnt about versions it already held: that a run observed one (observed_at,
-- the payload's hash), its number in the registry's history, or its observed Markdown copy
-- (which becomes record, the HTML copy moving to registry_record). NULL means "unchanged".
UPDATE study_versions AS v
SET observed_at      = coalesce(v.observed_at, l.observed_at),
    registry_version = coalesce(l.registry_version, v.registry_version),
    payload_hash     = coalesce(l.payload_hash, v.payload_hash),
    record           = coalesce(CAST(l.record AS JSON), v.record),
    markup           = coalesce(l.markup, v.markup),
    registry_record  = coalesce(CAST(l.registry_record AS JSON), v.registry_record)
FROM staged_links AS l
WHERE v.nct_id = l.nct_id AND v.version = l.version
