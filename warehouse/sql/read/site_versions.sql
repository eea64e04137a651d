-- A trial's versions on the registry's clock, with what its charts show: key dates planned or
-- actual, enrollment estimated or actual, and its sites (all, and recruiting).
SELECT
    v.version,
    v.position,
    v.registry_version,
    v.registry_date,
    v.observed_at,
    v.source,
    v.overall_status,
    s.start_date,
    s.start_date_text,
    s.start_date_type,
    s.primary_completion_date,
    s.primary_completion_date_text,
    s.primary_completion_date_type,
    s.completion_date,
    s.completion_date_text,
    s.completion_date_type,
    s.enrollment,
    s.enrollment_type,
    (SELECT count(*) FROM locations l WHERE l.nct_id = v.nct_id AND l.version = v.version)
        AS sites,
    (
        SELECT count(*) FROM locations l
        WHERE l.nct_id = v.nct_id AND l.version = v.version AND l.status = 'RECRUITING'
    ) AS recruiting_sites
FROM study_versions v
LEFT JOIN studies s ON s.nct_id = v.nct_id AND s.version = v.version
WHERE v.nct_id = $nct_id
ORDER BY v.position
