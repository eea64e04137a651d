-- Stop tracking a study; the row (how and why it was tracked) and every version stay.
UPDATE tracked_studies SET untracked_at = $at
WHERE nct_id = $nct_id AND untracked_at IS NULL
RETURNING how
