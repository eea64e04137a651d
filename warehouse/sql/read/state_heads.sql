-- The head of each of a batch's studies (state_ids): what the planner compares against.
SELECT h.nct_id, h.version, h.content_hash, h.payload_hash, h.registry_version,
       h.registry_date, h.observed_at, h.valid_from, h.markup, h.position, h.missing,
       h.max_version
FROM study_heads AS h
SEMI JOIN state_ids AS i ON i.nct_id = h.nct_id
