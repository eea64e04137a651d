-- The current record of each given study.
SELECT nct_id, record FROM study_heads WHERE list_contains($ids, nct_id)
