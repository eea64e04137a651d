INSERT INTO participant_flow
WITH periods AS (
    SELECT nct_id, version, unnest(l) AS period, generate_subscripts(l, 1) AS period_ordinal
    FROM (SELECT nct_id, version, flow_module.periods AS l FROM normalize_batch)
),
items AS (
    SELECT nct_id, version, period_ordinal, period.title AS period_title, 'MILESTONE' AS flow_kind,
        unnest(period.milestones) AS item, generate_subscripts(period.milestones, 1) AS flow_ordinal
    FROM periods
    UNION ALL
    SELECT nct_id, version, period_ordinal, period.title, 'DROP_WITHDRAW',
        unnest(list_transform(period.dropWithdraws,
            lambda d: {'type': d.type, 'comment': d.comment, 'achievements': d.reasons})),
        generate_subscripts(period.dropWithdraws, 1)
    FROM periods
),
stats AS (
    SELECT nct_id, version, period_ordinal, period_title, flow_kind, flow_ordinal,
        item.type AS flow_type, item.comment AS flow_comment,
        unnest(item.achievements) AS x, generate_subscripts(item.achievements, 1) AS i
    FROM items
)
SELECT nct_id, version, period_ordinal, period_title, flow_kind, flow_ordinal, flow_type, flow_comment,
    i, x.groupId, x.numSubjects, TRY_CAST(x.numSubjects AS BIGINT), x.numUnits, x.comment
FROM stats
