-- New versions from the staged Arrow batch; key columns are pulled from the raw JSON here,
-- once, so SQL users need not know the record's paths for everyday questions. One
-- json_extract with a list of paths parses each record once for all five columns.
INSERT INTO study_versions
    (nct_id, version, content_hash, valid_from, valid_to, source, registry_version, run_id, record,
     overall_status, last_update_post_date, brief_title, phases, enrollment_count,
     registry_date, observed_at, markup, payload_hash, registry_record)
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
    k[1] ->> '$',
    TRY_CAST(k[2] ->> '$' AS DATE),
    k[3] ->> '$',
    CAST(k[4] AS VARCHAR[]),
    TRY_CAST(k[5] ->> '$' AS BIGINT),
    registry_date,
    observed_at,
    markup,
    payload_hash,
    registry_record::JSON
FROM (
    SELECT
        *,
        json_extract(record, [
            '$.protocolSection.statusModule.overallStatus',
            '$.protocolSection.statusModule.lastUpdatePostDateStruct.date',
            '$.protocolSection.identificationModule.briefTitle',
            '$.protocolSection.designModule.phases',
            '$.protocolSection.designModule.enrollmentInfo.count'
        ]) AS k
    FROM staged_versions
)
