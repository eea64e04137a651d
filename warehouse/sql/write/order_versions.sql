-- Each touched study's versions on the registry's clock: position 1 = oldest, and each
-- version's valid_to is the next one's valid_from (NULL for the current version).
UPDATE study_versions AS v
SET position = o.position, valid_to = o.next_from
FROM (
    SELECT nct_id, version,
           CAST(row_number() OVER w AS INTEGER) AS position,
           lead(valid_from) OVER w AS next_from
    FROM study_versions
    SEMI JOIN touched_studies USING (nct_id)
    WINDOW w AS (
        PARTITION BY nct_id
        ORDER BY valid_from, registry_version NULLS LAST, observed_at NULLS LAST, version
    )
) AS o
WHERE v.nct_id = o.nct_id AND v.version = o.version
  AND (v.position IS DISTINCT FROM o.position OR v.valid_to IS DISTINCT FROM o.next_from)
