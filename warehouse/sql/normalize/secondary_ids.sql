-- List tables unnest in the SELECT list, in lockstep with generate_subscripts for the ordinal:
-- DuckDB runs this many times faster than a lateral join over unnest().
INSERT INTO secondary_ids
SELECT nct_id, version, i, x.id, x.type, x.domain, x.link
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, identification_module.secondaryIdInfos AS l FROM normalize_batch)
)
