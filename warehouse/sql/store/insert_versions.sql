-- New versions from the staged Arrow batch; key columns are pulled from the raw JSON here,
-- once, so SQL users need not know the record's paths for everyday questions.
INSERT INTO study_versions
    (nct_id, version, content_hash, valid_from, valid_to, source, registry_version, run_id, record,
     overall_status, last_update_post_date, brief_title, phases, enrollment_count)
SELECT
    nct_id,
    version,
    content_hash,
    valid_from,
    NULL,
    source,
    registry_version,
    run_id,
    record::JSON,
    record ->> '$.protocolSection.statusModule.overallStatus',
    TRY_CAST(record ->> '$.protocolSection.statusModule.lastUpdatePostDateStruct.date' AS DATE),
    record ->> '$.protocolSection.identificationModule.briefTitle',
    CAST(json_extract(record, '$.protocolSection.designModule.phases') AS VARCHAR[]),
    TRY_CAST(record ->> '$.protocolSection.designModule.enrollmentInfo.count' AS BIGINT)
FROM staged_versions
