-- Quarantined payloads can be re-run after a code fix (ctgov reprocess): each keeps when and
-- by which run it was resolved. A partial run says in runs.error what it left out.

ALTER TABLE rejected_records ADD COLUMN resolved_at TIMESTAMPTZ;
ALTER TABLE rejected_records ADD COLUMN resolved_run_id VARCHAR;

COMMENT ON COLUMN rejected_records.resolved_at IS 'When `ctgov reprocess` stored this payload as a version (NULL: still quarantined).';
COMMENT ON COLUMN rejected_records.resolved_run_id IS 'The reprocess run that stored it (runs.run_id).';
COMMENT ON COLUMN runs.error IS 'Why a failed run failed, or what a partial run left out and why (one line).';
