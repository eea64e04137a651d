-- The current version of each study that gets a new one in this batch ends where the new begins.
UPDATE study_versions AS sv
SET valid_to = $valid_to
FROM staged_versions AS s
WHERE sv.nct_id = s.nct_id
  AND sv.valid_to IS NULL
