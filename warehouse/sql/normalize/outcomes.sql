INSERT INTO outcomes
SELECT nct_id, version, outcome_type, i, x.measure, x.description, x.timeFrame
FROM (
    SELECT nct_id, version, outcome_type, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (
        SELECT nct_id, version, 'PRIMARY' AS outcome_type, outcomes_module.primaryOutcomes AS l FROM normalize_batch
        UNION ALL
        SELECT nct_id, version, 'SECONDARY', outcomes_module.secondaryOutcomes FROM normalize_batch
        UNION ALL
        SELECT nct_id, version, 'OTHER', outcomes_module.otherOutcomes FROM normalize_batch
    )
)
