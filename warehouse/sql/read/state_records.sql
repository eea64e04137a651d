-- The wanted versions' records in one join (past POINT_LOOKUPS of them in a batch).
SELECT v.nct_id, v.version, CAST(v.record AS VARCHAR), coalesce(v.markup, 'markdown')
FROM study_versions AS v
SEMI JOIN wanted_versions AS w ON w.nct_id = v.nct_id AND w.version = v.version
