INSERT INTO sponsors
SELECT nct_id, version, 'lead', 1, lead.name, lead.class
FROM (SELECT nct_id, version, sponsor_module.leadSponsor AS lead FROM normalize_batch)
WHERE lead IS NOT NULL
UNION ALL
SELECT nct_id, version, 'collaborator', i, x.name, x.class
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, sponsor_module.collaborators AS l FROM normalize_batch)
)
