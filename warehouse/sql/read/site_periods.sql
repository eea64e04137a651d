-- A trial's status periods on the registry's clock (the status_history view).
SELECT period, status, status_from_date, status_to_date, first_version, last_version, is_current
FROM status_history
WHERE nct_id = $nct_id
ORDER BY period
