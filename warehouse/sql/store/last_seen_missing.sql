-- Studies (among $1) whose most recent observation before run $2 was 'missing'.
SELECT nct_id
FROM observations
WHERE list_contains($1, nct_id)
  AND run_id <> $2
QUALIFY row_number() OVER (PARTITION BY nct_id ORDER BY observed_at DESC) = 1
    AND outcome = 'missing'
