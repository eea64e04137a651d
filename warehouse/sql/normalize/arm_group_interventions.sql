-- Links come from interventions[].armGroupLabels (as AACT does); the arm is found by its label
-- within the same version, and a label no arm carries is kept with a NULL arm_group_ordinal.
INSERT INTO arm_group_interventions
WITH interventions AS (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, arms_module.interventions AS l FROM normalize_batch)
),
links AS (
    SELECT nct_id, version, i AS intervention_ordinal, unnest(x.armGroupLabels) AS label,
        x.type AS intervention_type, x.name AS intervention_name
    FROM interventions
),
arms AS (
    SELECT nct_id, version, unnest(l).label AS label, generate_subscripts(l, 1) AS arm_ordinal
    FROM (SELECT nct_id, version, arms_module.armGroups AS l FROM normalize_batch)
)
SELECT links.nct_id, links.version, links.intervention_ordinal, links.label, arms.arm_ordinal,
    links.intervention_type, links.intervention_name
FROM links
LEFT JOIN arms
    ON arms.nct_id = links.nct_id AND arms.version = links.version AND arms.label = links.label
