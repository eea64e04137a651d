INSERT INTO eligibilities
SELECT
    nct_id,
    version,
    e.eligibilityCriteria,
    e.sex,
    e.genderBased,
    e.genderDescription,
    e.minimumAge,
    e.maximumAge,
    ctgov_age_years(e.minimumAge),
    ctgov_age_years(e.maximumAge),
    e.healthyVolunteers,
    e.stdAges,
    e.studyPopulation,
    e.samplingMethod
FROM (SELECT nct_id, version, eligibility_module AS e FROM normalize_batch)
WHERE e IS NOT NULL
