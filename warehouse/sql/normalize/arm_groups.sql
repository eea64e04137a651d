INSERT INTO arm_groups
SELECT nct_id, version, i, x.label, x.type, x.description, x.interventionNames
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, arms_module.armGroups AS l FROM normalize_batch)
)
