-- Tracked studies with what the warehouse holds of each: current status and title.
SELECT t.nct_id, t.how, t.why, t.query_name, t.score, t.closest, t.since, t.untracked_at,
       v.overall_status, v.brief_title
FROM tracked_studies AS t
LEFT JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.valid_to IS NULL
WHERE $all OR t.untracked_at IS NULL
ORDER BY CASE t.how WHEN 'seed' THEN 0 WHEN 'manual' THEN 1 WHEN 'similarity' THEN 2 ELSE 3 END,
         t.since, t.nct_id
