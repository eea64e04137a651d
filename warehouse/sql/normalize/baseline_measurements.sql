INSERT INTO baseline_measurements
WITH measures AS (
    SELECT nct_id, version, unnest(l) AS m, generate_subscripts(l, 1) AS measure_ordinal
    FROM (SELECT nct_id, version, baseline_module.measures AS l FROM normalize_batch)
),
classes AS (
    SELECT nct_id, version, measure_ordinal, m.title AS title, m.description AS description,
        m.populationDescription AS population_description, m.paramType AS param_type,
        m.dispersionType AS dispersion_type, m.unitOfMeasure AS unit_of_measure,
        unnest(m.classes) AS c, generate_subscripts(m.classes, 1) AS class_ordinal
    FROM measures
),
categories AS (
    SELECT * EXCLUDE (c), c.title AS class_title,
        unnest(c.categories) AS k, generate_subscripts(c.categories, 1) AS category_ordinal
    FROM classes
),
measurements AS (
    SELECT * EXCLUDE (k), k.title AS category_title,
        unnest(k.measurements) AS v, generate_subscripts(k.measurements, 1) AS ordinal
    FROM categories
)
SELECT nct_id, version, measure_ordinal, title, description, population_description, param_type,
    dispersion_type, unit_of_measure, class_ordinal, class_title, category_ordinal, category_title,
    ordinal, v.groupId, v.value, TRY_CAST(v.value AS DOUBLE), v.spread, v.lowerLimit, v.upperLimit,
    v.comment
FROM measurements
