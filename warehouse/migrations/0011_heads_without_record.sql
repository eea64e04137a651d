-- The head keeps what a run compares against (hashes, numbers, presence), not the record:
-- every current record was stored twice (here and in study_versions), so a bulk load wrote
-- each study's JSON twice (measured: ~30 % of the writer's time at 30,000 studies). The few
-- records a batch needs (studies whose payload changed) are read from study_versions by row
-- id (warehouse/state.py).

ALTER TABLE study_heads DROP COLUMN record;

COMMENT ON TABLE study_heads IS 'The current version of each study (the latest on the registry''s clock) with its hashes and presence: what a run compares against, one indexed row per study (the record is study_versions.record).';
