-- The studies a saved query's sync run stored are tracked by that query (unless tracked
-- already some other way).
INSERT INTO tracked_studies (nct_id, how, why, query_name, score, closest, since, untracked_at)
SELECT DISTINCT nct_id, 'query', 'returned by saved query ' || $query_name, $query_name,
       NULL, NULL, $since, NULL
FROM observations
WHERE run_id = $run_id AND outcome IN ('new', 'changed', 'unchanged')
ON CONFLICT (nct_id) DO NOTHING
