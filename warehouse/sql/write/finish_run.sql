-- Close a run with counts derived from its observations.
UPDATE runs
SET finished_at     = $finished_at,
    status          = $status,
    error           = $error,
    fetched_count   = coalesce($fetched, counts.fetched),
    new_count       = counts.new,
    changed_count   = counts.changed,
    unchanged_count = counts.unchanged,
    missing_count   = counts.missing,
    not_found_count = counts.not_found,
    rejected_count  = counts.rejected,
    drift_count     = $drift,
    backfilled_count = (
        SELECT count(*) FROM study_versions WHERE run_id = $run_id AND source = 'registry'
    )
FROM (
    SELECT
        count(*) FILTER (WHERE outcome IN ('new', 'changed', 'unchanged')) AS fetched,
        count(*) FILTER (WHERE outcome = 'new')       AS new,
        count(*) FILTER (WHERE outcome = 'changed')   AS changed,
        count(*) FILTER (WHERE outcome = 'unchanged') AS unchanged,
        count(*) FILTER (WHERE outcome = 'missing')   AS missing,
        count(*) FILTER (WHERE outcome = 'not_found') AS not_found,
        count(*) FILTER (WHERE outcome = 'rejected')  AS rejected
    FROM observations
    WHERE run_id = $run_id
) AS counts
WHERE runs.run_id = $run_id
