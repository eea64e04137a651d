INSERT INTO mesh_terms
SELECT nct_id, version, browse, mesh_type, i, x.id, x.term, lower(x.term)
FROM (
    SELECT nct_id, version, browse, mesh_type, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (
        SELECT nct_id, version, 'condition' AS browse, 'mesh' AS mesh_type, condition_browse_module.meshes AS l FROM normalize_batch
        UNION ALL
        SELECT nct_id, version, 'condition', 'ancestor', condition_browse_module.ancestors FROM normalize_batch
        UNION ALL
        SELECT nct_id, version, 'intervention', 'mesh', intervention_browse_module.meshes FROM normalize_batch
        UNION ALL
        SELECT nct_id, version, 'intervention', 'ancestor', intervention_browse_module.ancestors FROM normalize_batch
    )
)
