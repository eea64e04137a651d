-- "missing" meant two things: a tracked study the registry stopped returning, and an ID the
-- registry has never had (not posted yet, or a typo). The second is now its own outcome,
-- not_found, counted apart, so a typo never reads as a removed trial and never makes a study
-- "reappear" when it is first posted.

ALTER TABLE runs ADD COLUMN not_found_count INTEGER NOT NULL DEFAULT 0;

COMMENT ON COLUMN runs.not_found_count IS 'Requested IDs the registry has no study for (404) and that were never stored: not posted yet, or a typo.';
COMMENT ON COLUMN runs.missing_count IS 'Tracked studies (stored before) that the registry no longer returns (404).';
COMMENT ON COLUMN observations.outcome IS 'new, changed, unchanged, missing (a tracked study the registry no longer returns), not_found (never stored, the registry has no such study) or rejected.';
