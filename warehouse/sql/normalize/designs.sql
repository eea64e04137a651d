-- One row per version that has designInfo. The *_masked flags stay NULL when whoMasked is
-- absent, so "not masked" and "not said" are not confused.
INSERT INTO designs
SELECT
    nct_id,
    version,
    di.allocation,
    di.interventionModel,
    di.interventionModelDescription,
    di.primaryPurpose,
    di.observationalModel,
    di.timePerspective,
    di.maskingInfo.masking,
    di.maskingInfo.maskingDescription,
    di.maskingInfo.whoMasked,
    list_contains(di.maskingInfo.whoMasked, 'PARTICIPANT'),
    list_contains(di.maskingInfo.whoMasked, 'CARE_PROVIDER'),
    list_contains(di.maskingInfo.whoMasked, 'INVESTIGATOR'),
    list_contains(di.maskingInfo.whoMasked, 'OUTCOMES_ASSESSOR')
FROM (SELECT nct_id, version, design_module.designInfo AS di FROM normalize_batch)
WHERE di IS NOT NULL
