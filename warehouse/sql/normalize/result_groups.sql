INSERT INTO result_groups
WITH group_lists AS (
    SELECT nct_id, version, 'PARTICIPANT_FLOW' AS result_type, NULL::INTEGER AS outcome_ordinal,
        flow_module.groups AS l
    FROM normalize_batch
    UNION ALL
    SELECT nct_id, version, 'BASELINE', NULL, baseline_module.groups
    FROM normalize_batch
    UNION ALL
    SELECT nct_id, version, 'OUTCOME', generate_subscripts(m, 1), unnest(m).groups
    FROM (SELECT nct_id, version, measures_module.outcomeMeasures AS m FROM normalize_batch)
)
SELECT nct_id, version, result_type, outcome_ordinal, i, x.id, x.title, x.description,
       NULL, NULL, NULL, NULL, NULL, NULL
FROM (
    SELECT nct_id, version, result_type, outcome_ordinal, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM group_lists
)
UNION ALL
SELECT nct_id, version, 'ADVERSE_EVENT', NULL, i, x.id, x.title, x.description,
       x.deathsNumAffected, x.deathsNumAtRisk, x.seriousNumAffected, x.seriousNumAtRisk,
       x.otherNumAffected, x.otherNumAtRisk
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, events_module.eventGroups AS l FROM normalize_batch)
)
