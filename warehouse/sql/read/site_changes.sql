-- A trial's field-level changes, newest version first, in each diff's own order.
SELECT c.from_version, c.to_version, c.op, c.label, c.old_value, c.new_value
FROM study_changes c
JOIN study_versions v ON v.nct_id = c.nct_id AND v.version = c.to_version
WHERE c.nct_id = $nct_id
ORDER BY v.position DESC, c.ordinal
