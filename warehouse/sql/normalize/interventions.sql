INSERT INTO interventions
SELECT nct_id, version, i, x.type, x.name, x.description, x.armGroupLabels, x.otherNames
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, arms_module.interventions AS l FROM normalize_batch)
)
