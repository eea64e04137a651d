-- What the registry sent that the models do not know (unknown fields and enum values) and
-- what broke the spec's own rules (validation findings), one row per pointer, kind and value.
-- $since: only versions observed on or after it (NULL: all).
WITH items AS (
    SELECT d.kind, d.pointer, d.value, d.nct_id, v.registry_date, v.observed_at
    FROM version_drift d
    JOIN study_versions v USING (nct_id, version)
    UNION ALL
    SELECT 'finding:' || f.rule, f.path, coalesce(CAST(f.value AS VARCHAR), ''), f.nct_id,
           v.registry_date, v.observed_at
    FROM version_findings f
    JOIN study_versions v USING (nct_id, version)
)
SELECT kind,
       pointer,
       value,
       count(DISTINCT nct_id) AS studies,
       count(*) AS versions,
       min(registry_date) AS first_posted,
       max(registry_date) AS last_posted,
       min(observed_at) AS first_seen,
       max(observed_at) AS last_seen,
       min(nct_id) AS example
FROM items
WHERE $since IS NULL OR observed_at >= $since
GROUP BY kind, pointer, value
ORDER BY studies DESC, kind, pointer, value
