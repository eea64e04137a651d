-- Track a study (or track it again after an untrack). A tracked study keeps how, why and
-- since, unless the new reason is stronger: a seed (listed in watchlist.toml) always reads
-- as a seed, being chosen (similarity, then manual) outranks being returned by a query.
INSERT INTO tracked_studies AS t
    (nct_id, how, why, query_name, score, closest, since, untracked_at)
VALUES ($nct_id, $how, $why, $query_name, $score, $closest, $since, NULL)
ON CONFLICT (nct_id) DO UPDATE SET
    how          = CASE WHEN (t.untracked_at IS NULL AND list_position(['query', 'similarity', 'manual', 'seed'], t.how) >= list_position(['query', 'similarity', 'manual', 'seed'], excluded.how)) THEN t.how ELSE excluded.how END,
    why          = CASE WHEN (t.untracked_at IS NULL AND list_position(['query', 'similarity', 'manual', 'seed'], t.how) >= list_position(['query', 'similarity', 'manual', 'seed'], excluded.how)) THEN t.why ELSE excluded.why END,
    query_name   = CASE WHEN (t.untracked_at IS NULL AND list_position(['query', 'similarity', 'manual', 'seed'], t.how) >= list_position(['query', 'similarity', 'manual', 'seed'], excluded.how)) THEN t.query_name ELSE excluded.query_name END,
    score        = CASE WHEN (t.untracked_at IS NULL AND list_position(['query', 'similarity', 'manual', 'seed'], t.how) >= list_position(['query', 'similarity', 'manual', 'seed'], excluded.how)) THEN t.score ELSE excluded.score END,
    closest      = CASE WHEN (t.untracked_at IS NULL AND list_position(['query', 'similarity', 'manual', 'seed'], t.how) >= list_position(['query', 'similarity', 'manual', 'seed'], excluded.how)) THEN t.closest ELSE excluded.closest END,
    since        = CASE WHEN (t.untracked_at IS NULL AND list_position(['query', 'similarity', 'manual', 'seed'], t.how) >= list_position(['query', 'similarity', 'manual', 'seed'], excluded.how)) OR (t.untracked_at IS NULL AND t.how = excluded.how)
                        THEN t.since ELSE excluded.since END,
    untracked_at = NULL
