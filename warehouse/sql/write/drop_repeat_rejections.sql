-- A reprocess run's rejections of payloads already quarantined: returned, then not kept twice.
DELETE FROM rejected_records
WHERE run_id = $run_id AND list_contains($digests, md5(payload))
RETURNING md5(payload)
