-- What heads whose current version stays learnt: a link (observed, registry number, the
-- Markdown copy's markup), a new highest version number, a new position, presence. NULL
-- keeps a value.
UPDATE study_heads AS h
SET max_version      = coalesce(u.max_version, h.max_version),
    position         = coalesce(u.position, h.position),
    observed_at      = coalesce(h.observed_at, u.observed_at),
    registry_version = coalesce(u.registry_version, h.registry_version),
    payload_hash     = coalesce(u.payload_hash, h.payload_hash),
    markup           = coalesce(u.markup, h.markup),
    missing          = coalesce(u.missing, h.missing)
FROM staged_head_updates AS u
WHERE h.nct_id = u.nct_id
