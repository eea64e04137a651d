-- The URL follows the registry's CDN layout: large-docs/<last two digits of the NCT ID>/<NCT ID>/<file>.
INSERT INTO documents
SELECT
    nct_id, version, i,
    x.typeAbbrev, x.hasProtocol, x.hasSap, x.hasIcf, x.label,
    TRY_CAST(x.date AS DATE),
    TRY_CAST(x.uploadDate AS TIMESTAMP),
    x.filename,
    x.size,
    'https://cdn.clinicaltrials.gov/large-docs/' || right(nct_id, 2) || '/' || nct_id || '/' || x.filename
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, documents_module.largeDocs AS l FROM normalize_batch)
)
