-- Stamp the quarantined payloads ($digests, md5 of the text) that reprocess run $run_id stored.
UPDATE rejected_records
SET resolved_at = now(), resolved_run_id = $run_id
WHERE resolved_at IS NULL AND list_contains($digests, md5(payload))
