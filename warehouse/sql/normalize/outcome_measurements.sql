INSERT INTO outcome_measurements
WITH classes AS (
    SELECT nct_id, version, outcome_ordinal, unnest(l) AS c, generate_subscripts(l, 1) AS class_ordinal
    FROM (
        SELECT nct_id, version, unnest(m).classes AS l, generate_subscripts(m, 1) AS outcome_ordinal
        FROM (SELECT nct_id, version, measures_module.outcomeMeasures AS m FROM normalize_batch)
    )
),
categories AS (
    SELECT nct_id, version, outcome_ordinal, class_ordinal, c.title AS class_title,
        unnest(c.categories) AS k, generate_subscripts(c.categories, 1) AS category_ordinal
    FROM classes
),
measurements AS (
    SELECT * EXCLUDE (k), k.title AS category_title,
        unnest(k.measurements) AS v, generate_subscripts(k.measurements, 1) AS ordinal
    FROM categories
)
SELECT nct_id, version, outcome_ordinal, class_ordinal, class_title, category_ordinal, category_title,
    ordinal, v.groupId, v.value, TRY_CAST(v.value AS DOUBLE), v.spread, v.lowerLimit, v.upperLimit,
    v.comment
FROM measurements
