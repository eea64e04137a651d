INSERT INTO intervention_other_names
SELECT nct_id, version, intervention_ordinal, generate_subscripts(names, 1), unnest(names)
FROM (
    SELECT nct_id, version, unnest(l).otherNames AS names, generate_subscripts(l, 1) AS intervention_ordinal
    FROM (SELECT nct_id, version, arms_module.interventions AS l FROM normalize_batch)
)
