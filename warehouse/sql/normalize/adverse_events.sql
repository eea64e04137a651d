-- One row per event and group; an event listed without stats keeps one row with a NULL group.
INSERT INTO adverse_events
WITH events AS (
    SELECT nct_id, version, event_type, unnest(l) AS e, generate_subscripts(l, 1) AS event_ordinal
    FROM (
        SELECT nct_id, version, 'SERIOUS' AS event_type, events_module.seriousEvents AS l FROM normalize_batch
        UNION ALL
        SELECT nct_id, version, 'OTHER', events_module.otherEvents FROM normalize_batch
    )
)
SELECT nct_id, version, event_type, event_ordinal, term, organ_system, source_vocabulary,
    assessment_type, notes, stat_ordinal, x.groupId, x.numEvents, x.numAffected, x.numAtRisk
FROM (
    SELECT nct_id, version, event_type, event_ordinal,
        e.term AS term, e.organSystem AS organ_system, e.sourceVocabulary AS source_vocabulary,
        e.assessmentType AS assessment_type, e.notes AS notes,
        unnest(CASE WHEN len(e.stats) > 0 THEN e.stats ELSE [NULL] END) AS x,
        unnest(CASE WHEN len(e.stats) > 0 THEN generate_series(1, len(e.stats)) ELSE [NULL] END) AS stat_ordinal
    FROM events
)
