-- The row ids of the wanted versions, read from the narrow key columns only.
SELECT v.rowid, v.nct_id, v.version
FROM study_versions AS v
SEMI JOIN wanted_versions AS w ON w.nct_id = v.nct_id AND w.version = v.version
