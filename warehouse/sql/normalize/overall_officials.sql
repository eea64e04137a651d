INSERT INTO overall_officials
SELECT nct_id, version, i, x.name, x.affiliation, x.role
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, contacts_module.overallOfficials AS l FROM normalize_batch)
)
