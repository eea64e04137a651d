INSERT INTO keywords
SELECT nct_id, version, i, x, lower(x)
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, conditions_module.keywords AS l FROM normalize_batch)
)
