INSERT INTO baseline_counts
SELECT nct_id, version, denom_ordinal, units, i, x.groupId, x.value, TRY_CAST(x.value AS BIGINT)
FROM (
    SELECT nct_id, version, denom_ordinal, d.units AS units, unnest(d.counts) AS x, generate_subscripts(d.counts, 1) AS i
    FROM (
        SELECT nct_id, version, unnest(l) AS d, generate_subscripts(l, 1) AS denom_ordinal
        FROM (SELECT nct_id, version, baseline_module.denoms AS l FROM normalize_batch)
    )
)
