INSERT INTO see_also_links
SELECT nct_id, version, i, x.label, x.url
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, references_module.seeAlsoLinks AS l FROM normalize_batch)
)
