-- Unresolved quarantined payloads, one per distinct payload, oldest first.
SELECT any_value(nct_id ORDER BY rejected_at) AS nct_id,
       any_value(error ORDER BY rejected_at) AS error,
       payload
FROM rejected_records
WHERE resolved_at IS NULL AND payload IS NOT NULL
GROUP BY payload
ORDER BY min(rejected_at)
