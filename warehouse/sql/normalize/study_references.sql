INSERT INTO study_references
SELECT nct_id, version, i, x.pmid, x.type, x.citation, list_transform(x.retractions, lambda r: r.pmid)
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, references_module.references AS l FROM normalize_batch)
)
