-- Changes and events of held versions whose predecessor changed (an older version was
-- slotted in before them); the batch stages their new ones. Presence events stay.
DELETE FROM study_changes AS c
USING replaced_versions AS r
WHERE c.nct_id = r.nct_id AND c.to_version = r.version;
DELETE FROM study_events AS e
USING replaced_versions AS r
WHERE e.nct_id = r.nct_id AND e.version = r.version
  AND e.event_type NOT IN ('study_missing', 'study_reappeared');
