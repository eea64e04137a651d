-- Which studies are tracked, and how each came to be: listed in watchlist.toml (seed), kept
-- current by a saved query's sync (query), added from a discovery ranking (similarity) or by
-- hand (manual). The watchlist ingest fetches the seeds and every study tracked by
-- similarity or by hand; untracking keeps the row (and every stored version), dated.

CREATE TABLE tracked_studies (
    nct_id                   VARCHAR PRIMARY KEY,
    how                      VARCHAR NOT NULL CHECK (how IN ('seed', 'query', 'similarity', 'manual')),
    why                      VARCHAR NOT NULL,
    query_name               VARCHAR,
    score                    DOUBLE,
    closest                  VARCHAR,
    since                    TIMESTAMPTZ NOT NULL,
    untracked_at             TIMESTAMPTZ
);

COMMENT ON TABLE tracked_studies IS 'Why each study is tracked: seed (watchlist.toml), query (a saved query''s sync), similarity (ctgov discover --add) or manual; untracked_at set by ctgov untrack.';
COMMENT ON COLUMN tracked_studies.nct_id IS 'The tracked study.';
COMMENT ON COLUMN tracked_studies.how IS 'seed, query, similarity or manual.';
COMMENT ON COLUMN tracked_studies.why IS 'In words: the discovery ranking''s reasons, the query, or the note given.';
COMMENT ON COLUMN tracked_studies.query_name IS 'The saved query (watchlist.toml [[queries]] name) that found or keeps it, if any.';
COMMENT ON COLUMN tracked_studies.score IS 'The similarity score when it was added from a discovery ranking.';
COMMENT ON COLUMN tracked_studies.closest IS 'The watched trial it was most similar to when added.';
COMMENT ON COLUMN tracked_studies.since IS 'When it started being tracked this way (UTC).';
COMMENT ON COLUMN tracked_studies.untracked_at IS 'When ctgov untrack stopped tracking it (NULL: tracked).';
