INSERT INTO outcome_counts
WITH denoms AS (
    SELECT nct_id, version, outcome_ordinal, unnest(l) AS d, generate_subscripts(l, 1) AS denom_ordinal
    FROM (
        SELECT nct_id, version, unnest(m).denoms AS l, generate_subscripts(m, 1) AS outcome_ordinal
        FROM (SELECT nct_id, version, measures_module.outcomeMeasures AS m FROM normalize_batch)
    )
)
SELECT nct_id, version, outcome_ordinal, denom_ordinal, units, i, x.groupId, x.value, TRY_CAST(x.value AS BIGINT)
FROM (
    SELECT nct_id, version, outcome_ordinal, denom_ordinal, d.units AS units,
        unnest(d.counts) AS x, generate_subscripts(d.counts, 1) AS i
    FROM denoms
)
