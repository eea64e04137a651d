-- A run's progress after each written batch: its source's cursor, so an interrupted run
-- resumes after the last batch it wrote.
INSERT INTO run_progress AS p (run_id, source_key, cursor, batches, studies, total, updated_at,
                               done)
VALUES ($run_id, $source_key, CAST($cursor AS JSON), 1, $studies, $total, $updated_at, $done)
ON CONFLICT (run_id) DO UPDATE SET
    cursor = excluded.cursor,
    batches = p.batches + 1,
    studies = p.studies + excluded.studies,
    total = coalesce(excluded.total, p.total),
    updated_at = excluded.updated_at,
    done = excluded.done
