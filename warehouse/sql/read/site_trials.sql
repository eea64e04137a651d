-- The site's index: the studies asked for ($ids), else the tracked ones that are stored, else
-- every study; each with its recent activity. $since / $until: the window of "recent" events on
-- the registry's clock (presence events, which only our runs can date, by the day recorded).
WITH tracked AS (
    SELECT nct_id, how FROM tracked_studies WHERE untracked_at IS NULL
),
scope AS (
    SELECT c.*
    FROM current_studies c
    WHERE CASE
        WHEN $ids IS NOT NULL THEN list_contains($ids, c.nct_id)
        WHEN EXISTS (SELECT 1 FROM tracked t JOIN current_studies s USING (nct_id))
            THEN c.nct_id IN (SELECT nct_id FROM tracked)
        ELSE true
    END
)
SELECT
    c.nct_id,
    c.brief_title,
    c.overall_status,
    array_to_string(c.phases, '/') AS phase,
    c.last_update_post_date,
    (SELECT max(v.observed_at) FROM study_versions v WHERE v.nct_id = c.nct_id) AS last_observed,
    (
        SELECT count(*)
        FROM study_events e
        WHERE e.nct_id = c.nct_id
          AND coalesce(e.registry_date, CAST(timezone('UTC', e.occurred_at) AS DATE))
              BETWEEN $since AND $until
    ) AS recent_events,
    c.version,
    c.missing_since,
    t.how AS tracked_how
FROM scope c
LEFT JOIN tracked t ON t.nct_id = c.nct_id
ORDER BY c.nct_id
