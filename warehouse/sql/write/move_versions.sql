-- Held versions whose place on the registry's clock moved (the previous current version now
-- ends where the new one begins; older versions slotted in before others): the planner gives
-- each its new position and valid_to.
UPDATE study_versions AS v
SET position = m.position, valid_to = m.valid_to
FROM staged_moves AS m
WHERE v.nct_id = m.nct_id AND v.version = m.version
