-- Normalized, AACT-style tables for every stored version of every study.
-- Each row is keyed by (nct_id, version) of study_versions and derived from its raw record by
-- warehouse/normalize.py with the SQL in warehouse/sql/normalize/. The raw JSON stays the source
-- of truth: anything not given a column here is still in study_versions.record.
-- ordinal columns are 1-based positions in the registry's lists, so the order is kept.

CREATE MACRO ctgov_partial_date(d) AS
    TRY_CAST(CASE length(d) WHEN 4 THEN d || '-01-01' WHEN 7 THEN d || '-01' ELSE d END AS DATE);

CREATE MACRO ctgov_age_years(age) AS
    round(
        TRY_CAST(regexp_extract(age, '^\s*([0-9]+(\.[0-9]+)?)', 1) AS DOUBLE)
        * CASE rtrim(lower(regexp_extract(age, '([A-Za-z]+)\s*$', 1)), 's')
            WHEN 'year' THEN 1.0
            WHEN 'month' THEN 1.0 / 12
            WHEN 'week' THEN 7.0 / 365.25
            WHEN 'day' THEN 1.0 / 365.25
            WHEN 'hour' THEN 1.0 / 8766
            WHEN 'minute' THEN 1.0 / 525960
          END,
        4);

CREATE MACRO ctgov_months_between(from_date, to_date) AS
    CAST(round(date_diff('day', from_date, to_date) / 30.4375) AS INTEGER);

COMMENT ON MACRO ctgov_partial_date IS 'Registry date text (yyyy, yyyy-MM or yyyy-MM-dd) as a DATE on the first day of the period; NULL when not a date.';
COMMENT ON MACRO ctgov_age_years IS 'Registry age text (e.g. ''18 Years'', ''6 Months'') in years, rounded to 4 decimals; NULL for ''N/A'' or unparsable text.';
COMMENT ON MACRO ctgov_months_between IS 'Whole months between two dates: days / 30.4375, rounded (AACT''s convention).';

CREATE TABLE studies (
    nct_id                              VARCHAR NOT NULL,
    version                             INTEGER NOT NULL,
    nct_id_aliases                      VARCHAR[],
    org_study_id                        VARCHAR,
    org_study_id_type                   VARCHAR,
    org_study_id_link                   VARCHAR,
    organization_name                   VARCHAR,
    organization_class                  VARCHAR,
    brief_title                         VARCHAR,
    official_title                      VARCHAR,
    acronym                             VARCHAR,
    status_verified_date                DATE,
    status_verified_date_text           VARCHAR,
    overall_status                      VARCHAR,
    last_known_status                   VARCHAR,
    delayed_posting                     BOOLEAN,
    why_stopped                         VARCHAR,
    has_expanded_access                 BOOLEAN,
    expanded_access_nct_id              VARCHAR,
    expanded_access_status              VARCHAR,
    start_date                          DATE,
    start_date_text                     VARCHAR,
    start_date_type                     VARCHAR,
    primary_completion_date             DATE,
    primary_completion_date_text        VARCHAR,
    primary_completion_date_type        VARCHAR,
    completion_date                     DATE,
    completion_date_text                VARCHAR,
    completion_date_type                VARCHAR,
    study_first_submit_date             DATE,
    study_first_submit_qc_date          DATE,
    study_first_post_date               DATE,
    study_first_post_date_type          VARCHAR,
    results_waived                      BOOLEAN,
    results_first_submit_date           DATE,
    results_first_submit_qc_date        DATE,
    results_first_post_date             DATE,
    results_first_post_date_type        VARCHAR,
    disp_first_submit_date              DATE,
    disp_first_submit_qc_date           DATE,
    disp_first_post_date                DATE,
    disp_first_post_date_type           VARCHAR,
    last_update_submit_date             DATE,
    last_update_post_date               DATE,
    last_update_post_date_type          VARCHAR,
    responsible_party_type              VARCHAR,
    responsible_party_investigator_name VARCHAR,
    responsible_party_investigator_title VARCHAR,
    responsible_party_investigator_affiliation VARCHAR,
    responsible_party_old_name_title    VARCHAR,
    responsible_party_old_organization  VARCHAR,
    has_dmc                             BOOLEAN,
    is_fda_regulated_drug               BOOLEAN,
    is_fda_regulated_device             BOOLEAN,
    is_unapproved_device                BOOLEAN,
    is_ppsd                             BOOLEAN,
    is_us_export                        BOOLEAN,
    fdaaa801_violation                  BOOLEAN,
    brief_summary                       VARCHAR,
    detailed_description                VARCHAR,
    study_type                          VARCHAR,
    phases                              VARCHAR[],
    phase                               VARCHAR,
    patient_registry                    BOOLEAN,
    target_duration                     VARCHAR,
    expanded_access_individual          BOOLEAN,
    expanded_access_intermediate        BOOLEAN,
    expanded_access_treatment           BOOLEAN,
    biospec_retention                   VARCHAR,
    biospec_description                 VARCHAR,
    enrollment                          BIGINT,
    enrollment_type                     VARCHAR,
    ipd_sharing                         VARCHAR,
    ipd_description                     VARCHAR,
    ipd_info_types                      VARCHAR[],
    ipd_time_frame                      VARCHAR,
    ipd_access_criteria                 VARCHAR,
    ipd_url                             VARCHAR,
    has_results                         BOOLEAN,
    no_sap                              BOOLEAN,
    version_holder                      DATE,
    removed_countries                   VARCHAR[],
    flow_recruitment_details            VARCHAR,
    flow_pre_assignment_details         VARCHAR,
    flow_type_units_analyzed            VARCHAR,
    baseline_population_description     VARCHAR,
    baseline_type_units_analyzed        VARCHAR,
    ae_frequency_threshold              VARCHAR,
    ae_time_frame                       VARCHAR,
    ae_description                      VARCHAR,
    ae_all_cause_mortality_comment      VARCHAR,
    limitations_and_caveats             VARCHAR,
    agreement_pi_sponsor_employee       BOOLEAN,
    agreement_restriction_type          VARCHAR,
    agreement_restrictive               BOOLEAN,
    agreement_other_details             VARCHAR,
    results_contact_title               VARCHAR,
    results_contact_organization        VARCHAR,
    results_contact_email               VARCHAR,
    results_contact_phone               VARCHAR,
    results_contact_phone_ext           VARCHAR
);

CREATE TABLE calculated_values (
    nct_id                              VARCHAR NOT NULL,
    version                             INTEGER NOT NULL,
    number_of_facilities                INTEGER NOT NULL,
    number_of_countries                 INTEGER NOT NULL,
    has_us_facility                     BOOLEAN,
    has_single_facility                 BOOLEAN,
    number_of_arm_groups                INTEGER NOT NULL,
    number_of_primary_outcomes          INTEGER NOT NULL,
    number_of_secondary_outcomes        INTEGER NOT NULL,
    number_of_other_outcomes            INTEGER NOT NULL,
    actual_duration_months              INTEGER,
    months_to_report_results            INTEGER,
    minimum_age_years                   DOUBLE,
    maximum_age_years                   DOUBLE,
    number_of_sae_subjects              BIGINT,
    number_of_nsae_subjects             BIGINT
);

CREATE TABLE secondary_ids (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    secondary_id    VARCHAR,
    id_type         VARCHAR,
    domain          VARCHAR,
    link            VARCHAR
);

CREATE TABLE conditions (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    name            VARCHAR,
    downcase_name   VARCHAR
);

CREATE TABLE keywords (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    name            VARCHAR,
    downcase_name   VARCHAR
);

CREATE TABLE designs (
    nct_id                          VARCHAR NOT NULL,
    version                         INTEGER NOT NULL,
    allocation                      VARCHAR,
    intervention_model              VARCHAR,
    intervention_model_description  VARCHAR,
    primary_purpose                 VARCHAR,
    observational_model             VARCHAR,
    time_perspective                VARCHAR,
    masking                         VARCHAR,
    masking_description             VARCHAR,
    who_masked                      VARCHAR[],
    subject_masked                  BOOLEAN,
    caregiver_masked                BOOLEAN,
    investigator_masked             BOOLEAN,
    outcomes_assessor_masked        BOOLEAN
);

CREATE TABLE eligibilities (
    nct_id              VARCHAR NOT NULL,
    version             INTEGER NOT NULL,
    criteria            VARCHAR,
    sex                 VARCHAR,
    gender_based        BOOLEAN,
    gender_description  VARCHAR,
    minimum_age         VARCHAR,
    maximum_age         VARCHAR,
    minimum_age_years   DOUBLE,
    maximum_age_years   DOUBLE,
    healthy_volunteers  BOOLEAN,
    std_ages            VARCHAR[],
    study_population    VARCHAR,
    sampling_method     VARCHAR
);

CREATE TABLE sponsors (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    lead_or_collaborator VARCHAR NOT NULL,
    ordinal         INTEGER NOT NULL,
    name            VARCHAR,
    agency_class    VARCHAR
);

CREATE TABLE interventions (
    nct_id              VARCHAR NOT NULL,
    version             INTEGER NOT NULL,
    ordinal             INTEGER NOT NULL,
    intervention_type   VARCHAR,
    name                VARCHAR,
    description         VARCHAR,
    arm_group_labels    VARCHAR[],
    other_names         VARCHAR[]
);

CREATE TABLE intervention_other_names (
    nct_id                  VARCHAR NOT NULL,
    version                 INTEGER NOT NULL,
    intervention_ordinal    INTEGER NOT NULL,
    ordinal                 INTEGER NOT NULL,
    name                    VARCHAR
);

CREATE TABLE arm_groups (
    nct_id              VARCHAR NOT NULL,
    version             INTEGER NOT NULL,
    ordinal             INTEGER NOT NULL,
    label               VARCHAR,
    group_type          VARCHAR,
    description         VARCHAR,
    intervention_names  VARCHAR[]
);

CREATE TABLE arm_group_interventions (
    nct_id                  VARCHAR NOT NULL,
    version                 INTEGER NOT NULL,
    intervention_ordinal    INTEGER NOT NULL,
    arm_group_label         VARCHAR,
    arm_group_ordinal       INTEGER,
    intervention_type       VARCHAR,
    intervention_name       VARCHAR
);

CREATE TABLE outcomes (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    outcome_type    VARCHAR NOT NULL,
    ordinal         INTEGER NOT NULL,
    measure         VARCHAR,
    description     VARCHAR,
    time_frame      VARCHAR
);

CREATE TABLE locations (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    facility        VARCHAR,
    status          VARCHAR,
    city            VARCHAR,
    state           VARCHAR,
    zip             VARCHAR,
    country         VARCHAR,
    latitude        DOUBLE,
    longitude       DOUBLE
);

CREATE TABLE location_contacts (
    nct_id              VARCHAR NOT NULL,
    version             INTEGER NOT NULL,
    location_ordinal    INTEGER NOT NULL,
    ordinal             INTEGER NOT NULL,
    name                VARCHAR,
    role                VARCHAR,
    phone               VARCHAR,
    phone_ext           VARCHAR,
    email               VARCHAR
);

CREATE TABLE central_contacts (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    name            VARCHAR,
    role            VARCHAR,
    phone           VARCHAR,
    phone_ext       VARCHAR,
    email           VARCHAR
);

CREATE TABLE overall_officials (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    name            VARCHAR,
    affiliation     VARCHAR,
    role            VARCHAR
);

CREATE TABLE study_references (
    nct_id              VARCHAR NOT NULL,
    version             INTEGER NOT NULL,
    ordinal             INTEGER NOT NULL,
    pmid                VARCHAR,
    reference_type      VARCHAR,
    citation            VARCHAR,
    retraction_pmids    VARCHAR[]
);

CREATE TABLE see_also_links (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    label           VARCHAR,
    url             VARCHAR
);

CREATE TABLE mesh_terms (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    browse          VARCHAR NOT NULL,
    mesh_type       VARCHAR NOT NULL,
    ordinal         INTEGER NOT NULL,
    mesh_id         VARCHAR,
    term            VARCHAR,
    downcase_term   VARCHAR
);

CREATE TABLE documents (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    type_abbrev     VARCHAR,
    has_protocol    BOOLEAN,
    has_sap         BOOLEAN,
    has_icf         BOOLEAN,
    label           VARCHAR,
    document_date   DATE,
    upload_date     TIMESTAMP,
    filename        VARCHAR,
    size_bytes      BIGINT,
    url             VARCHAR
);

CREATE TABLE result_groups (
    nct_id              VARCHAR NOT NULL,
    version             INTEGER NOT NULL,
    result_type         VARCHAR NOT NULL,
    outcome_ordinal     INTEGER,
    ordinal             INTEGER NOT NULL,
    group_id            VARCHAR,
    title               VARCHAR,
    description         VARCHAR,
    deaths_num_affected BIGINT,
    deaths_num_at_risk  BIGINT,
    serious_num_affected BIGINT,
    serious_num_at_risk BIGINT,
    other_num_affected  BIGINT,
    other_num_at_risk   BIGINT
);

CREATE TABLE participant_flow (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    period_ordinal  INTEGER NOT NULL,
    period_title    VARCHAR,
    flow_kind       VARCHAR NOT NULL,
    flow_ordinal    INTEGER NOT NULL,
    flow_type       VARCHAR,
    flow_comment    VARCHAR,
    ordinal         INTEGER NOT NULL,
    group_id        VARCHAR,
    num_subjects    VARCHAR,
    subject_count   BIGINT,
    num_units       VARCHAR,
    comment         VARCHAR
);

CREATE TABLE baseline_counts (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    denom_ordinal   INTEGER NOT NULL,
    units           VARCHAR,
    ordinal         INTEGER NOT NULL,
    group_id        VARCHAR,
    value           VARCHAR,
    count           BIGINT
);

CREATE TABLE baseline_measurements (
    nct_id                  VARCHAR NOT NULL,
    version                 INTEGER NOT NULL,
    measure_ordinal         INTEGER NOT NULL,
    title                   VARCHAR,
    description             VARCHAR,
    population_description  VARCHAR,
    param_type              VARCHAR,
    dispersion_type         VARCHAR,
    unit_of_measure         VARCHAR,
    class_ordinal           INTEGER NOT NULL,
    class_title             VARCHAR,
    category_ordinal        INTEGER NOT NULL,
    category_title          VARCHAR,
    ordinal                 INTEGER NOT NULL,
    group_id                VARCHAR,
    value                   VARCHAR,
    value_num               DOUBLE,
    spread                  VARCHAR,
    lower_limit             VARCHAR,
    upper_limit             VARCHAR,
    comment                 VARCHAR
);

CREATE TABLE outcome_measures (
    nct_id                  VARCHAR NOT NULL,
    version                 INTEGER NOT NULL,
    ordinal                 INTEGER NOT NULL,
    outcome_type            VARCHAR,
    title                   VARCHAR,
    description             VARCHAR,
    population_description  VARCHAR,
    reporting_status        VARCHAR,
    anticipated_posting_date DATE,
    param_type              VARCHAR,
    dispersion_type         VARCHAR,
    unit_of_measure         VARCHAR,
    calculate_pct           BOOLEAN,
    time_frame              VARCHAR,
    type_units_analyzed     VARCHAR,
    denom_units_selected    VARCHAR
);

CREATE TABLE outcome_counts (
    nct_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    outcome_ordinal INTEGER NOT NULL,
    denom_ordinal   INTEGER NOT NULL,
    units           VARCHAR,
    ordinal         INTEGER NOT NULL,
    group_id        VARCHAR,
    value           VARCHAR,
    count           BIGINT
);

CREATE TABLE outcome_measurements (
    nct_id              VARCHAR NOT NULL,
    version             INTEGER NOT NULL,
    outcome_ordinal     INTEGER NOT NULL,
    class_ordinal       INTEGER NOT NULL,
    class_title         VARCHAR,
    category_ordinal    INTEGER NOT NULL,
    category_title      VARCHAR,
    ordinal             INTEGER NOT NULL,
    group_id            VARCHAR,
    value               VARCHAR,
    value_num           DOUBLE,
    spread              VARCHAR,
    lower_limit         VARCHAR,
    upper_limit         VARCHAR,
    comment             VARCHAR
);

CREATE TABLE outcome_analyses (
    nct_id                      VARCHAR NOT NULL,
    version                     INTEGER NOT NULL,
    outcome_ordinal             INTEGER NOT NULL,
    ordinal                     INTEGER NOT NULL,
    group_ids                   VARCHAR[],
    group_description           VARCHAR,
    param_type                  VARCHAR,
    param_value                 VARCHAR,
    param_value_num             DOUBLE,
    dispersion_type             VARCHAR,
    dispersion_value            VARCHAR,
    statistical_method          VARCHAR,
    statistical_comment         VARCHAR,
    p_value                     VARCHAR,
    p_value_comment             VARCHAR,
    ci_num_sides                VARCHAR,
    ci_pct_value                VARCHAR,
    ci_lower_limit              VARCHAR,
    ci_upper_limit              VARCHAR,
    ci_lower_limit_comment      VARCHAR,
    ci_upper_limit_comment      VARCHAR,
    estimate_comment            VARCHAR,
    tested_non_inferiority      BOOLEAN,
    non_inferiority_type        VARCHAR,
    non_inferiority_comment     VARCHAR,
    other_analysis_description  VARCHAR
);

CREATE TABLE adverse_events (
    nct_id              VARCHAR NOT NULL,
    version             INTEGER NOT NULL,
    event_type          VARCHAR NOT NULL,
    event_ordinal       INTEGER NOT NULL,
    term                VARCHAR,
    organ_system        VARCHAR,
    source_vocabulary   VARCHAR,
    assessment_type     VARCHAR,
    notes               VARCHAR,
    stat_ordinal        INTEGER,
    group_id            VARCHAR,
    num_events          BIGINT,
    num_affected        BIGINT,
    num_at_risk         BIGINT
);

COMMENT ON TABLE studies IS 'One row per study version: identification, status, dates, sponsor party, oversight, description, design summary, IPD sharing and study-level results fields (AACT studies, brief_summaries, detailed_descriptions, responsible_parties, result_agreements, result_contacts).';
COMMENT ON COLUMN studies.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN studies.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN studies.nct_id_aliases IS 'protocolSection.identificationModule.nctIdAliases: obsolete NCT IDs merged into this study.';
COMMENT ON COLUMN studies.org_study_id IS 'protocolSection.identificationModule.orgStudyIdInfo.id: the sponsor''s own study ID.';
COMMENT ON COLUMN studies.org_study_id_type IS 'protocolSection.identificationModule.orgStudyIdInfo.type.';
COMMENT ON COLUMN studies.org_study_id_link IS 'protocolSection.identificationModule.orgStudyIdInfo.link.';
COMMENT ON COLUMN studies.organization_name IS 'protocolSection.identificationModule.organization.fullName: the organization that registered the study.';
COMMENT ON COLUMN studies.organization_class IS 'protocolSection.identificationModule.organization.class (NIH, FED, INDUSTRY, OTHER, ...).';
COMMENT ON COLUMN studies.brief_title IS 'protocolSection.identificationModule.briefTitle.';
COMMENT ON COLUMN studies.official_title IS 'protocolSection.identificationModule.officialTitle.';
COMMENT ON COLUMN studies.acronym IS 'protocolSection.identificationModule.acronym.';
COMMENT ON COLUMN studies.status_verified_date IS 'protocolSection.statusModule.statusVerifiedDate as a DATE (first day of the month).';
COMMENT ON COLUMN studies.status_verified_date_text IS 'protocolSection.statusModule.statusVerifiedDate as written (yyyy-MM).';
COMMENT ON COLUMN studies.overall_status IS 'protocolSection.statusModule.overallStatus (RECRUITING, COMPLETED, ...).';
COMMENT ON COLUMN studies.last_known_status IS 'protocolSection.statusModule.lastKnownStatus: the status before it became UNKNOWN.';
COMMENT ON COLUMN studies.delayed_posting IS 'protocolSection.statusModule.delayedPosting.';
COMMENT ON COLUMN studies.why_stopped IS 'protocolSection.statusModule.whyStopped: reason given for a suspended, terminated or withdrawn study.';
COMMENT ON COLUMN studies.has_expanded_access IS 'protocolSection.statusModule.expandedAccessInfo.hasExpandedAccess.';
COMMENT ON COLUMN studies.expanded_access_nct_id IS 'protocolSection.statusModule.expandedAccessInfo.nctId: the expanded access record.';
COMMENT ON COLUMN studies.expanded_access_status IS 'protocolSection.statusModule.expandedAccessInfo.statusForNctId.';
COMMENT ON COLUMN studies.start_date IS 'protocolSection.statusModule.startDateStruct.date as a DATE (first day of the month or year when partial).';
COMMENT ON COLUMN studies.start_date_text IS 'protocolSection.statusModule.startDateStruct.date as written (yyyy, yyyy-MM or yyyy-MM-dd).';
COMMENT ON COLUMN studies.start_date_type IS 'protocolSection.statusModule.startDateStruct.type: ACTUAL or ESTIMATED.';
COMMENT ON COLUMN studies.primary_completion_date IS 'protocolSection.statusModule.primaryCompletionDateStruct.date as a DATE (first day of the period when partial).';
COMMENT ON COLUMN studies.primary_completion_date_text IS 'protocolSection.statusModule.primaryCompletionDateStruct.date as written.';
COMMENT ON COLUMN studies.primary_completion_date_type IS 'protocolSection.statusModule.primaryCompletionDateStruct.type: ACTUAL or ESTIMATED.';
COMMENT ON COLUMN studies.completion_date IS 'protocolSection.statusModule.completionDateStruct.date as a DATE (first day of the period when partial).';
COMMENT ON COLUMN studies.completion_date_text IS 'protocolSection.statusModule.completionDateStruct.date as written.';
COMMENT ON COLUMN studies.completion_date_type IS 'protocolSection.statusModule.completionDateStruct.type: ACTUAL or ESTIMATED.';
COMMENT ON COLUMN studies.study_first_submit_date IS 'protocolSection.statusModule.studyFirstSubmitDate.';
COMMENT ON COLUMN studies.study_first_submit_qc_date IS 'protocolSection.statusModule.studyFirstSubmitQcDate: first submission that met QC criteria.';
COMMENT ON COLUMN studies.study_first_post_date IS 'protocolSection.statusModule.studyFirstPostDateStruct.date: first posted on ClinicalTrials.gov.';
COMMENT ON COLUMN studies.study_first_post_date_type IS 'protocolSection.statusModule.studyFirstPostDateStruct.type.';
COMMENT ON COLUMN studies.results_waived IS 'protocolSection.statusModule.resultsWaived.';
COMMENT ON COLUMN studies.results_first_submit_date IS 'protocolSection.statusModule.resultsFirstSubmitDate.';
COMMENT ON COLUMN studies.results_first_submit_qc_date IS 'protocolSection.statusModule.resultsFirstSubmitQcDate.';
COMMENT ON COLUMN studies.results_first_post_date IS 'protocolSection.statusModule.resultsFirstPostDateStruct.date: results first posted.';
COMMENT ON COLUMN studies.results_first_post_date_type IS 'protocolSection.statusModule.resultsFirstPostDateStruct.type.';
COMMENT ON COLUMN studies.disp_first_submit_date IS 'protocolSection.statusModule.dispFirstSubmitDate: certification/extension request first submitted.';
COMMENT ON COLUMN studies.disp_first_submit_qc_date IS 'protocolSection.statusModule.dispFirstSubmitQcDate.';
COMMENT ON COLUMN studies.disp_first_post_date IS 'protocolSection.statusModule.dispFirstPostDateStruct.date.';
COMMENT ON COLUMN studies.disp_first_post_date_type IS 'protocolSection.statusModule.dispFirstPostDateStruct.type.';
COMMENT ON COLUMN studies.last_update_submit_date IS 'protocolSection.statusModule.lastUpdateSubmitDate.';
COMMENT ON COLUMN studies.last_update_post_date IS 'protocolSection.statusModule.lastUpdatePostDateStruct.date.';
COMMENT ON COLUMN studies.last_update_post_date_type IS 'protocolSection.statusModule.lastUpdatePostDateStruct.type.';
COMMENT ON COLUMN studies.responsible_party_type IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.type (SPONSOR, PRINCIPAL_INVESTIGATOR, SPONSOR_INVESTIGATOR).';
COMMENT ON COLUMN studies.responsible_party_investigator_name IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.investigatorFullName.';
COMMENT ON COLUMN studies.responsible_party_investigator_title IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.investigatorTitle.';
COMMENT ON COLUMN studies.responsible_party_investigator_affiliation IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.investigatorAffiliation.';
COMMENT ON COLUMN studies.responsible_party_old_name_title IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.oldNameTitle (legacy records).';
COMMENT ON COLUMN studies.responsible_party_old_organization IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.oldOrganization (legacy records).';
COMMENT ON COLUMN studies.has_dmc IS 'protocolSection.oversightModule.oversightHasDmc: a data monitoring committee exists.';
COMMENT ON COLUMN studies.is_fda_regulated_drug IS 'protocolSection.oversightModule.isFdaRegulatedDrug.';
COMMENT ON COLUMN studies.is_fda_regulated_device IS 'protocolSection.oversightModule.isFdaRegulatedDevice.';
COMMENT ON COLUMN studies.is_unapproved_device IS 'protocolSection.oversightModule.isUnapprovedDevice.';
COMMENT ON COLUMN studies.is_ppsd IS 'protocolSection.oversightModule.isPpsd: pediatric postmarket surveillance of a device.';
COMMENT ON COLUMN studies.is_us_export IS 'protocolSection.oversightModule.isUsExport.';
COMMENT ON COLUMN studies.fdaaa801_violation IS 'protocolSection.oversightModule.fdaaa801Violation.';
COMMENT ON COLUMN studies.brief_summary IS 'protocolSection.descriptionModule.briefSummary (markdown).';
COMMENT ON COLUMN studies.detailed_description IS 'protocolSection.descriptionModule.detailedDescription (markdown).';
COMMENT ON COLUMN studies.study_type IS 'protocolSection.designModule.studyType: INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS.';
COMMENT ON COLUMN studies.phases IS 'protocolSection.designModule.phases (NA, EARLY_PHASE1, PHASE1 ... PHASE4).';
COMMENT ON COLUMN studies.phase IS 'protocolSection.designModule.phases joined with ''/'', e.g. PHASE1/PHASE2 (AACT style).';
COMMENT ON COLUMN studies.patient_registry IS 'protocolSection.designModule.patientRegistry (observational studies).';
COMMENT ON COLUMN studies.target_duration IS 'protocolSection.designModule.targetDuration (patient registries).';
COMMENT ON COLUMN studies.expanded_access_individual IS 'protocolSection.designModule.expandedAccessTypes.individual.';
COMMENT ON COLUMN studies.expanded_access_intermediate IS 'protocolSection.designModule.expandedAccessTypes.intermediate.';
COMMENT ON COLUMN studies.expanded_access_treatment IS 'protocolSection.designModule.expandedAccessTypes.treatment.';
COMMENT ON COLUMN studies.biospec_retention IS 'protocolSection.designModule.bioSpec.retention.';
COMMENT ON COLUMN studies.biospec_description IS 'protocolSection.designModule.bioSpec.description.';
COMMENT ON COLUMN studies.enrollment IS 'protocolSection.designModule.enrollmentInfo.count.';
COMMENT ON COLUMN studies.enrollment_type IS 'protocolSection.designModule.enrollmentInfo.type: ACTUAL or ESTIMATED.';
COMMENT ON COLUMN studies.ipd_sharing IS 'protocolSection.ipdSharingStatementModule.ipdSharing: YES, NO or UNDECIDED.';
COMMENT ON COLUMN studies.ipd_description IS 'protocolSection.ipdSharingStatementModule.description.';
COMMENT ON COLUMN studies.ipd_info_types IS 'protocolSection.ipdSharingStatementModule.infoTypes.';
COMMENT ON COLUMN studies.ipd_time_frame IS 'protocolSection.ipdSharingStatementModule.timeFrame.';
COMMENT ON COLUMN studies.ipd_access_criteria IS 'protocolSection.ipdSharingStatementModule.accessCriteria.';
COMMENT ON COLUMN studies.ipd_url IS 'protocolSection.ipdSharingStatementModule.url.';
COMMENT ON COLUMN studies.has_results IS 'hasResults: results are posted.';
COMMENT ON COLUMN studies.no_sap IS 'documentSection.largeDocumentModule.noSap: no statistical analysis plan is posted.';
COMMENT ON COLUMN studies.version_holder IS 'derivedSection.miscInfoModule.versionHolder: the registry data release the record comes from.';
COMMENT ON COLUMN studies.removed_countries IS 'derivedSection.miscInfoModule.removedCountries: countries that once had locations.';
COMMENT ON COLUMN studies.flow_recruitment_details IS 'resultsSection.participantFlowModule.recruitmentDetails.';
COMMENT ON COLUMN studies.flow_pre_assignment_details IS 'resultsSection.participantFlowModule.preAssignmentDetails.';
COMMENT ON COLUMN studies.flow_type_units_analyzed IS 'resultsSection.participantFlowModule.typeUnitsAnalyzed.';
COMMENT ON COLUMN studies.baseline_population_description IS 'resultsSection.baselineCharacteristicsModule.populationDescription.';
COMMENT ON COLUMN studies.baseline_type_units_analyzed IS 'resultsSection.baselineCharacteristicsModule.typeUnitsAnalyzed.';
COMMENT ON COLUMN studies.ae_frequency_threshold IS 'resultsSection.adverseEventsModule.frequencyThreshold (percent) for other adverse events.';
COMMENT ON COLUMN studies.ae_time_frame IS 'resultsSection.adverseEventsModule.timeFrame.';
COMMENT ON COLUMN studies.ae_description IS 'resultsSection.adverseEventsModule.description.';
COMMENT ON COLUMN studies.ae_all_cause_mortality_comment IS 'resultsSection.adverseEventsModule.allCauseMortalityComment.';
COMMENT ON COLUMN studies.limitations_and_caveats IS 'resultsSection.moreInfoModule.limitationsAndCaveats.description.';
COMMENT ON COLUMN studies.agreement_pi_sponsor_employee IS 'resultsSection.moreInfoModule.certainAgreement.piSponsorEmployee.';
COMMENT ON COLUMN studies.agreement_restriction_type IS 'resultsSection.moreInfoModule.certainAgreement.restrictionType.';
COMMENT ON COLUMN studies.agreement_restrictive IS 'resultsSection.moreInfoModule.certainAgreement.restrictiveAgreement.';
COMMENT ON COLUMN studies.agreement_other_details IS 'resultsSection.moreInfoModule.certainAgreement.otherDetails.';
COMMENT ON COLUMN studies.results_contact_title IS 'resultsSection.moreInfoModule.pointOfContact.title.';
COMMENT ON COLUMN studies.results_contact_organization IS 'resultsSection.moreInfoModule.pointOfContact.organization.';
COMMENT ON COLUMN studies.results_contact_email IS 'resultsSection.moreInfoModule.pointOfContact.email.';
COMMENT ON COLUMN studies.results_contact_phone IS 'resultsSection.moreInfoModule.pointOfContact.phone.';
COMMENT ON COLUMN studies.results_contact_phone_ext IS 'resultsSection.moreInfoModule.pointOfContact.phoneExt.';

COMMENT ON TABLE calculated_values IS 'One row per study version: values derived from the record, like AACT calculated_values.';
COMMENT ON COLUMN calculated_values.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN calculated_values.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN calculated_values.number_of_facilities IS 'Number of entries in contactsLocationsModule.locations.';
COMMENT ON COLUMN calculated_values.number_of_countries IS 'Number of distinct location countries.';
COMMENT ON COLUMN calculated_values.has_us_facility IS 'A location is in the United States; NULL when the version lists no locations.';
COMMENT ON COLUMN calculated_values.has_single_facility IS 'Exactly one location; NULL when the version lists no locations.';
COMMENT ON COLUMN calculated_values.number_of_arm_groups IS 'Number of entries in armsInterventionsModule.armGroups.';
COMMENT ON COLUMN calculated_values.number_of_primary_outcomes IS 'Number of planned primary outcomes (outcomesModule.primaryOutcomes).';
COMMENT ON COLUMN calculated_values.number_of_secondary_outcomes IS 'Number of planned secondary outcomes.';
COMMENT ON COLUMN calculated_values.number_of_other_outcomes IS 'Number of planned other outcomes.';
COMMENT ON COLUMN calculated_values.actual_duration_months IS 'Months from start to primary completion (ctgov_months_between), only when primary completion is ACTUAL.';
COMMENT ON COLUMN calculated_values.months_to_report_results IS 'Months from primary completion to the first results submission (ctgov_months_between).';
COMMENT ON COLUMN calculated_values.minimum_age_years IS 'eligibilityModule.minimumAge in years (ctgov_age_years).';
COMMENT ON COLUMN calculated_values.maximum_age_years IS 'eligibilityModule.maximumAge in years (ctgov_age_years).';
COMMENT ON COLUMN calculated_values.number_of_sae_subjects IS 'Sum over adverse event groups of seriousNumAffected.';
COMMENT ON COLUMN calculated_values.number_of_nsae_subjects IS 'Sum over adverse event groups of otherNumAffected.';

COMMENT ON TABLE secondary_ids IS 'Secondary identifiers of a study version (identificationModule.secondaryIdInfos; AACT id_information).';
COMMENT ON COLUMN secondary_ids.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN secondary_ids.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN secondary_ids.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN secondary_ids.secondary_id IS 'secondaryIdInfos[].id.';
COMMENT ON COLUMN secondary_ids.id_type IS 'secondaryIdInfos[].type (NIH, FDA, EUDRACT_NUMBER, REGISTRY, OTHER_GRANT, ...).';
COMMENT ON COLUMN secondary_ids.domain IS 'secondaryIdInfos[].domain: the issuing registry or funder.';
COMMENT ON COLUMN secondary_ids.link IS 'secondaryIdInfos[].link.';

COMMENT ON TABLE conditions IS 'Conditions studied, as the sponsor wrote them (conditionsModule.conditions).';
COMMENT ON COLUMN conditions.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN conditions.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN conditions.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN conditions.name IS 'The condition text.';
COMMENT ON COLUMN conditions.downcase_name IS 'The condition in lower case, for matching.';

COMMENT ON TABLE keywords IS 'Keywords given by the sponsor (conditionsModule.keywords).';
COMMENT ON COLUMN keywords.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN keywords.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN keywords.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN keywords.name IS 'The keyword text.';
COMMENT ON COLUMN keywords.downcase_name IS 'The keyword in lower case, for matching.';

COMMENT ON TABLE designs IS 'Design of a study version (designModule.designInfo); one row when the version has design info.';
COMMENT ON COLUMN designs.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN designs.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN designs.allocation IS 'designInfo.allocation: RANDOMIZED, NON_RANDOMIZED or NA.';
COMMENT ON COLUMN designs.intervention_model IS 'designInfo.interventionModel (PARALLEL, CROSSOVER, SINGLE_GROUP, ...).';
COMMENT ON COLUMN designs.intervention_model_description IS 'designInfo.interventionModelDescription.';
COMMENT ON COLUMN designs.primary_purpose IS 'designInfo.primaryPurpose (TREATMENT, PREVENTION, ...).';
COMMENT ON COLUMN designs.observational_model IS 'designInfo.observationalModel (COHORT, CASE_CONTROL, ...).';
COMMENT ON COLUMN designs.time_perspective IS 'designInfo.timePerspective (PROSPECTIVE, RETROSPECTIVE, ...).';
COMMENT ON COLUMN designs.masking IS 'designInfo.maskingInfo.masking (NONE, SINGLE, DOUBLE, TRIPLE, QUADRUPLE).';
COMMENT ON COLUMN designs.masking_description IS 'designInfo.maskingInfo.maskingDescription.';
COMMENT ON COLUMN designs.who_masked IS 'designInfo.maskingInfo.whoMasked.';
COMMENT ON COLUMN designs.subject_masked IS 'PARTICIPANT is in whoMasked; NULL when whoMasked is absent.';
COMMENT ON COLUMN designs.caregiver_masked IS 'CARE_PROVIDER is in whoMasked; NULL when whoMasked is absent.';
COMMENT ON COLUMN designs.investigator_masked IS 'INVESTIGATOR is in whoMasked; NULL when whoMasked is absent.';
COMMENT ON COLUMN designs.outcomes_assessor_masked IS 'OUTCOMES_ASSESSOR is in whoMasked; NULL when whoMasked is absent.';

COMMENT ON TABLE eligibilities IS 'Eligibility of a study version (eligibilityModule); one row when the version has the module.';
COMMENT ON COLUMN eligibilities.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN eligibilities.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN eligibilities.criteria IS 'eligibilityCriteria (markdown).';
COMMENT ON COLUMN eligibilities.sex IS 'sex: ALL, FEMALE or MALE.';
COMMENT ON COLUMN eligibilities.gender_based IS 'genderBased: eligibility is based on gender identity.';
COMMENT ON COLUMN eligibilities.gender_description IS 'genderDescription.';
COMMENT ON COLUMN eligibilities.minimum_age IS 'minimumAge as written, e.g. ''18 Years''.';
COMMENT ON COLUMN eligibilities.maximum_age IS 'maximumAge as written.';
COMMENT ON COLUMN eligibilities.minimum_age_years IS 'minimumAge in years (ctgov_age_years); NULL when absent.';
COMMENT ON COLUMN eligibilities.maximum_age_years IS 'maximumAge in years (ctgov_age_years); NULL when absent (no upper limit).';
COMMENT ON COLUMN eligibilities.healthy_volunteers IS 'healthyVolunteers: accepts healthy volunteers.';
COMMENT ON COLUMN eligibilities.std_ages IS 'stdAges: CHILD, ADULT, OLDER_ADULT.';
COMMENT ON COLUMN eligibilities.study_population IS 'studyPopulation (observational studies).';
COMMENT ON COLUMN eligibilities.sampling_method IS 'samplingMethod (observational studies).';

COMMENT ON TABLE sponsors IS 'Lead sponsor and collaborators of a study version (sponsorCollaboratorsModule).';
COMMENT ON COLUMN sponsors.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN sponsors.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN sponsors.lead_or_collaborator IS 'lead (leadSponsor) or collaborator (collaborators[]).';
COMMENT ON COLUMN sponsors.ordinal IS '1 for the lead sponsor; position in collaborators for collaborators.';
COMMENT ON COLUMN sponsors.name IS 'Sponsor name.';
COMMENT ON COLUMN sponsors.agency_class IS 'Sponsor class (NIH, FED, INDUSTRY, OTHER, ...).';

COMMENT ON TABLE interventions IS 'Interventions of a study version (armsInterventionsModule.interventions).';
COMMENT ON COLUMN interventions.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN interventions.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN interventions.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN interventions.intervention_type IS 'type (DRUG, BIOLOGICAL, DEVICE, PROCEDURE, ...).';
COMMENT ON COLUMN interventions.name IS 'name.';
COMMENT ON COLUMN interventions.description IS 'description.';
COMMENT ON COLUMN interventions.arm_group_labels IS 'armGroupLabels: the arms that receive it.';
COMMENT ON COLUMN interventions.other_names IS 'otherNames: synonyms, brand names, codes.';

COMMENT ON TABLE intervention_other_names IS 'Other names of each intervention, one per row (interventions[].otherNames).';
COMMENT ON COLUMN intervention_other_names.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN intervention_other_names.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN intervention_other_names.intervention_ordinal IS 'The intervention (interventions.ordinal).';
COMMENT ON COLUMN intervention_other_names.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN intervention_other_names.name IS 'The other name.';

COMMENT ON TABLE arm_groups IS 'Arms or groups of a study version (armsInterventionsModule.armGroups; AACT design_groups).';
COMMENT ON COLUMN arm_groups.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN arm_groups.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN arm_groups.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN arm_groups.label IS 'label.';
COMMENT ON COLUMN arm_groups.group_type IS 'type (EXPERIMENTAL, ACTIVE_COMPARATOR, PLACEBO_COMPARATOR, ...).';
COMMENT ON COLUMN arm_groups.description IS 'description.';
COMMENT ON COLUMN arm_groups.intervention_names IS 'interventionNames as written, e.g. ''Drug: Palbociclib''.';

COMMENT ON TABLE arm_group_interventions IS 'Which intervention is given in which arm, from interventions[].armGroupLabels (AACT design_group_interventions).';
COMMENT ON COLUMN arm_group_interventions.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN arm_group_interventions.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN arm_group_interventions.intervention_ordinal IS 'The intervention (interventions.ordinal).';
COMMENT ON COLUMN arm_group_interventions.arm_group_label IS 'The arm label as the intervention names it.';
COMMENT ON COLUMN arm_group_interventions.arm_group_ordinal IS 'The arm (arm_groups.ordinal) with that label; NULL when no arm has that label.';
COMMENT ON COLUMN arm_group_interventions.intervention_type IS 'The intervention''s type.';
COMMENT ON COLUMN arm_group_interventions.intervention_name IS 'The intervention''s name.';

COMMENT ON TABLE outcomes IS 'Planned outcome measures of a study version (outcomesModule; AACT design_outcomes).';
COMMENT ON COLUMN outcomes.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN outcomes.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN outcomes.outcome_type IS 'PRIMARY, SECONDARY or OTHER (primaryOutcomes, secondaryOutcomes, otherOutcomes).';
COMMENT ON COLUMN outcomes.ordinal IS 'Position within its outcome_type list.';
COMMENT ON COLUMN outcomes.measure IS 'measure.';
COMMENT ON COLUMN outcomes.description IS 'description.';
COMMENT ON COLUMN outcomes.time_frame IS 'timeFrame.';

COMMENT ON TABLE locations IS 'Sites of a study version (contactsLocationsModule.locations; AACT facilities).';
COMMENT ON COLUMN locations.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN locations.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN locations.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN locations.facility IS 'facility name.';
COMMENT ON COLUMN locations.status IS 'Recruitment status at the site.';
COMMENT ON COLUMN locations.city IS 'city.';
COMMENT ON COLUMN locations.state IS 'state.';
COMMENT ON COLUMN locations.zip IS 'zip.';
COMMENT ON COLUMN locations.country IS 'country.';
COMMENT ON COLUMN locations.latitude IS 'geoPoint.lat.';
COMMENT ON COLUMN locations.longitude IS 'geoPoint.lon.';

COMMENT ON TABLE location_contacts IS 'Contacts at each site (locations[].contacts; AACT facility_contacts).';
COMMENT ON COLUMN location_contacts.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN location_contacts.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN location_contacts.location_ordinal IS 'The site (locations.ordinal).';
COMMENT ON COLUMN location_contacts.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN location_contacts.name IS 'name.';
COMMENT ON COLUMN location_contacts.role IS 'role (CONTACT, PRINCIPAL_INVESTIGATOR, SUB_INVESTIGATOR, ...).';
COMMENT ON COLUMN location_contacts.phone IS 'phone.';
COMMENT ON COLUMN location_contacts.phone_ext IS 'phoneExt.';
COMMENT ON COLUMN location_contacts.email IS 'email.';

COMMENT ON TABLE central_contacts IS 'Central contacts of a study version (contactsLocationsModule.centralContacts).';
COMMENT ON COLUMN central_contacts.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN central_contacts.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN central_contacts.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN central_contacts.name IS 'name.';
COMMENT ON COLUMN central_contacts.role IS 'role.';
COMMENT ON COLUMN central_contacts.phone IS 'phone.';
COMMENT ON COLUMN central_contacts.phone_ext IS 'phoneExt.';
COMMENT ON COLUMN central_contacts.email IS 'email.';

COMMENT ON TABLE overall_officials IS 'Overall officials of a study version (contactsLocationsModule.overallOfficials).';
COMMENT ON COLUMN overall_officials.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN overall_officials.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN overall_officials.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN overall_officials.name IS 'name.';
COMMENT ON COLUMN overall_officials.affiliation IS 'affiliation.';
COMMENT ON COLUMN overall_officials.role IS 'role (PRINCIPAL_INVESTIGATOR, STUDY_DIRECTOR, STUDY_CHAIR).';

COMMENT ON TABLE study_references IS 'Publications cited by a study version (referencesModule.references).';
COMMENT ON COLUMN study_references.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN study_references.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN study_references.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN study_references.pmid IS 'pmid: PubMed ID.';
COMMENT ON COLUMN study_references.reference_type IS 'type: BACKGROUND, RESULT or DERIVED.';
COMMENT ON COLUMN study_references.citation IS 'citation.';
COMMENT ON COLUMN study_references.retraction_pmids IS 'retractions[].pmid: PubMed IDs of retraction notices.';

COMMENT ON TABLE see_also_links IS 'Web links of a study version (referencesModule.seeAlsoLinks; AACT links).';
COMMENT ON COLUMN see_also_links.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN see_also_links.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN see_also_links.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN see_also_links.label IS 'label.';
COMMENT ON COLUMN see_also_links.url IS 'url.';

COMMENT ON TABLE mesh_terms IS 'MeSH terms the registry derived for conditions and interventions (derivedSection browse modules; AACT browse_conditions and browse_interventions).';
COMMENT ON COLUMN mesh_terms.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN mesh_terms.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN mesh_terms.browse IS 'condition (conditionBrowseModule) or intervention (interventionBrowseModule).';
COMMENT ON COLUMN mesh_terms.mesh_type IS 'mesh (meshes: the terms matched) or ancestor (ancestors: broader terms).';
COMMENT ON COLUMN mesh_terms.ordinal IS 'Position within its browse and mesh_type list.';
COMMENT ON COLUMN mesh_terms.mesh_id IS 'MeSH descriptor ID, e.g. D001943.';
COMMENT ON COLUMN mesh_terms.term IS 'MeSH term.';
COMMENT ON COLUMN mesh_terms.downcase_term IS 'The term in lower case, for matching.';

COMMENT ON TABLE documents IS 'Large documents posted with a study version: protocol, SAP, consent form (documentSection.largeDocumentModule.largeDocs; AACT provided_documents).';
COMMENT ON COLUMN documents.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN documents.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN documents.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN documents.type_abbrev IS 'typeAbbrev, e.g. Prot_SAP.';
COMMENT ON COLUMN documents.has_protocol IS 'hasProtocol.';
COMMENT ON COLUMN documents.has_sap IS 'hasSap: statistical analysis plan.';
COMMENT ON COLUMN documents.has_icf IS 'hasIcf: informed consent form.';
COMMENT ON COLUMN documents.label IS 'label.';
COMMENT ON COLUMN documents.document_date IS 'date: the document''s own date.';
COMMENT ON COLUMN documents.upload_date IS 'uploadDate.';
COMMENT ON COLUMN documents.filename IS 'filename.';
COMMENT ON COLUMN documents.size_bytes IS 'size in bytes.';
COMMENT ON COLUMN documents.url IS 'Where the registry serves the file: https://cdn.clinicaltrials.gov/large-docs/<last 2 digits of NCT>/<NCT>/<filename>.';

COMMENT ON TABLE result_groups IS 'Groups (arms) reported in the results: participant flow, baseline, each outcome measure, adverse events.';
COMMENT ON COLUMN result_groups.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN result_groups.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN result_groups.result_type IS 'PARTICIPANT_FLOW, BASELINE, OUTCOME or ADVERSE_EVENT.';
COMMENT ON COLUMN result_groups.outcome_ordinal IS 'For OUTCOME groups, the outcome measure (outcome_measures.ordinal); NULL otherwise.';
COMMENT ON COLUMN result_groups.ordinal IS 'Position in the groups list.';
COMMENT ON COLUMN result_groups.group_id IS 'id, e.g. FG000, BG000, OG000, EG000: how measurements refer to the group.';
COMMENT ON COLUMN result_groups.title IS 'title.';
COMMENT ON COLUMN result_groups.description IS 'description.';
COMMENT ON COLUMN result_groups.deaths_num_affected IS 'ADVERSE_EVENT groups: deathsNumAffected.';
COMMENT ON COLUMN result_groups.deaths_num_at_risk IS 'ADVERSE_EVENT groups: deathsNumAtRisk.';
COMMENT ON COLUMN result_groups.serious_num_affected IS 'ADVERSE_EVENT groups: seriousNumAffected.';
COMMENT ON COLUMN result_groups.serious_num_at_risk IS 'ADVERSE_EVENT groups: seriousNumAtRisk.';
COMMENT ON COLUMN result_groups.other_num_affected IS 'ADVERSE_EVENT groups: otherNumAffected.';
COMMENT ON COLUMN result_groups.other_num_at_risk IS 'ADVERSE_EVENT groups: otherNumAtRisk.';

COMMENT ON TABLE participant_flow IS 'Participant flow: milestones and drop-outs per period and group (resultsSection.participantFlowModule; AACT milestones and drop_withdrawals).';
COMMENT ON COLUMN participant_flow.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN participant_flow.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN participant_flow.period_ordinal IS 'The period (periods[] position).';
COMMENT ON COLUMN participant_flow.period_title IS 'periods[].title.';
COMMENT ON COLUMN participant_flow.flow_kind IS 'MILESTONE (milestones[]) or DROP_WITHDRAW (dropWithdraws[]).';
COMMENT ON COLUMN participant_flow.flow_ordinal IS 'Position of the milestone or drop-withdraw reason within its period.';
COMMENT ON COLUMN participant_flow.flow_type IS 'milestones[].type (e.g. STARTED, COMPLETED) or dropWithdraws[].type (e.g. Adverse Event).';
COMMENT ON COLUMN participant_flow.flow_comment IS 'milestones[].comment or dropWithdraws[].comment.';
COMMENT ON COLUMN participant_flow.ordinal IS 'Position in achievements[] or reasons[].';
COMMENT ON COLUMN participant_flow.group_id IS 'groupId: the result group (result_groups.group_id, PARTICIPANT_FLOW).';
COMMENT ON COLUMN participant_flow.num_subjects IS 'numSubjects as written.';
COMMENT ON COLUMN participant_flow.subject_count IS 'numSubjects as a number; NULL when not numeric.';
COMMENT ON COLUMN participant_flow.num_units IS 'numUnits.';
COMMENT ON COLUMN participant_flow.comment IS 'comment.';

COMMENT ON TABLE baseline_counts IS 'Number of participants analysed at baseline per group (baselineCharacteristicsModule.denoms; AACT baseline_counts).';
COMMENT ON COLUMN baseline_counts.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN baseline_counts.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN baseline_counts.denom_ordinal IS 'Position in denoms[].';
COMMENT ON COLUMN baseline_counts.units IS 'denoms[].units, e.g. Participants.';
COMMENT ON COLUMN baseline_counts.ordinal IS 'Position in counts[].';
COMMENT ON COLUMN baseline_counts.group_id IS 'groupId (result_groups.group_id, BASELINE).';
COMMENT ON COLUMN baseline_counts.value IS 'value as written.';
COMMENT ON COLUMN baseline_counts.count IS 'value as a number; NULL when not numeric.';

COMMENT ON TABLE baseline_measurements IS 'Baseline characteristics, one row per measurement (baselineCharacteristicsModule.measures[].classes[].categories[].measurements[]).';
COMMENT ON COLUMN baseline_measurements.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN baseline_measurements.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN baseline_measurements.measure_ordinal IS 'Position in measures[].';
COMMENT ON COLUMN baseline_measurements.title IS 'measures[].title, e.g. Age, Continuous.';
COMMENT ON COLUMN baseline_measurements.description IS 'measures[].description.';
COMMENT ON COLUMN baseline_measurements.population_description IS 'measures[].populationDescription.';
COMMENT ON COLUMN baseline_measurements.param_type IS 'measures[].paramType (COUNT_OF_PARTICIPANTS, MEAN, MEDIAN, ...).';
COMMENT ON COLUMN baseline_measurements.dispersion_type IS 'measures[].dispersionType (STANDARD_DEVIATION, FULL_RANGE, ...).';
COMMENT ON COLUMN baseline_measurements.unit_of_measure IS 'measures[].unitOfMeasure.';
COMMENT ON COLUMN baseline_measurements.class_ordinal IS 'Position in classes[].';
COMMENT ON COLUMN baseline_measurements.class_title IS 'classes[].title.';
COMMENT ON COLUMN baseline_measurements.category_ordinal IS 'Position in categories[].';
COMMENT ON COLUMN baseline_measurements.category_title IS 'categories[].title.';
COMMENT ON COLUMN baseline_measurements.ordinal IS 'Position in measurements[].';
COMMENT ON COLUMN baseline_measurements.group_id IS 'groupId (result_groups.group_id, BASELINE).';
COMMENT ON COLUMN baseline_measurements.value IS 'value as written.';
COMMENT ON COLUMN baseline_measurements.value_num IS 'value as a number; NULL when not numeric (e.g. NA).';
COMMENT ON COLUMN baseline_measurements.spread IS 'spread.';
COMMENT ON COLUMN baseline_measurements.lower_limit IS 'lowerLimit.';
COMMENT ON COLUMN baseline_measurements.upper_limit IS 'upperLimit.';
COMMENT ON COLUMN baseline_measurements.comment IS 'comment.';

COMMENT ON TABLE outcome_measures IS 'Reported outcome measures (resultsSection.outcomeMeasuresModule.outcomeMeasures; AACT outcomes).';
COMMENT ON COLUMN outcome_measures.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN outcome_measures.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN outcome_measures.ordinal IS 'Position in outcomeMeasures[]; outcome_ordinal in the other outcome tables.';
COMMENT ON COLUMN outcome_measures.outcome_type IS 'type: PRIMARY, SECONDARY, OTHER_PRE_SPECIFIED or POST_HOC.';
COMMENT ON COLUMN outcome_measures.title IS 'title.';
COMMENT ON COLUMN outcome_measures.description IS 'description.';
COMMENT ON COLUMN outcome_measures.population_description IS 'populationDescription.';
COMMENT ON COLUMN outcome_measures.reporting_status IS 'reportingStatus: POSTED or NOT_POSTED.';
COMMENT ON COLUMN outcome_measures.anticipated_posting_date IS 'anticipatedPostingDate (first day of the month).';
COMMENT ON COLUMN outcome_measures.param_type IS 'paramType (MEAN, MEDIAN, COUNT_OF_PARTICIPANTS, ...).';
COMMENT ON COLUMN outcome_measures.dispersion_type IS 'dispersionType.';
COMMENT ON COLUMN outcome_measures.unit_of_measure IS 'unitOfMeasure.';
COMMENT ON COLUMN outcome_measures.calculate_pct IS 'calculatePct.';
COMMENT ON COLUMN outcome_measures.time_frame IS 'timeFrame.';
COMMENT ON COLUMN outcome_measures.type_units_analyzed IS 'typeUnitsAnalyzed.';
COMMENT ON COLUMN outcome_measures.denom_units_selected IS 'denomUnitsSelected.';

COMMENT ON TABLE outcome_counts IS 'Number of participants analysed per group for each outcome measure (outcomeMeasures[].denoms; AACT outcome_counts).';
COMMENT ON COLUMN outcome_counts.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN outcome_counts.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN outcome_counts.outcome_ordinal IS 'The outcome measure (outcome_measures.ordinal).';
COMMENT ON COLUMN outcome_counts.denom_ordinal IS 'Position in denoms[].';
COMMENT ON COLUMN outcome_counts.units IS 'denoms[].units.';
COMMENT ON COLUMN outcome_counts.ordinal IS 'Position in counts[].';
COMMENT ON COLUMN outcome_counts.group_id IS 'groupId (result_groups.group_id for the same outcome_ordinal).';
COMMENT ON COLUMN outcome_counts.value IS 'value as written.';
COMMENT ON COLUMN outcome_counts.count IS 'value as a number; NULL when not numeric.';

COMMENT ON TABLE outcome_measurements IS 'Outcome results, one row per measurement (outcomeMeasures[].classes[].categories[].measurements[]).';
COMMENT ON COLUMN outcome_measurements.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN outcome_measurements.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN outcome_measurements.outcome_ordinal IS 'The outcome measure (outcome_measures.ordinal).';
COMMENT ON COLUMN outcome_measurements.class_ordinal IS 'Position in classes[].';
COMMENT ON COLUMN outcome_measurements.class_title IS 'classes[].title.';
COMMENT ON COLUMN outcome_measurements.category_ordinal IS 'Position in categories[].';
COMMENT ON COLUMN outcome_measurements.category_title IS 'categories[].title.';
COMMENT ON COLUMN outcome_measurements.ordinal IS 'Position in measurements[].';
COMMENT ON COLUMN outcome_measurements.group_id IS 'groupId (result_groups.group_id for the same outcome_ordinal).';
COMMENT ON COLUMN outcome_measurements.value IS 'value as written.';
COMMENT ON COLUMN outcome_measurements.value_num IS 'value as a number; NULL when not numeric (e.g. NA).';
COMMENT ON COLUMN outcome_measurements.spread IS 'spread.';
COMMENT ON COLUMN outcome_measurements.lower_limit IS 'lowerLimit.';
COMMENT ON COLUMN outcome_measurements.upper_limit IS 'upperLimit.';
COMMENT ON COLUMN outcome_measurements.comment IS 'comment.';

COMMENT ON TABLE outcome_analyses IS 'Statistical analyses of outcome measures (outcomeMeasures[].analyses; AACT outcome_analyses).';
COMMENT ON COLUMN outcome_analyses.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN outcome_analyses.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN outcome_analyses.outcome_ordinal IS 'The outcome measure (outcome_measures.ordinal).';
COMMENT ON COLUMN outcome_analyses.ordinal IS 'Position in analyses[].';
COMMENT ON COLUMN outcome_analyses.group_ids IS 'groupIds: the groups compared.';
COMMENT ON COLUMN outcome_analyses.group_description IS 'groupDescription.';
COMMENT ON COLUMN outcome_analyses.param_type IS 'paramType, e.g. Hazard Ratio (HR).';
COMMENT ON COLUMN outcome_analyses.param_value IS 'paramValue as written.';
COMMENT ON COLUMN outcome_analyses.param_value_num IS 'paramValue as a number; NULL when not numeric.';
COMMENT ON COLUMN outcome_analyses.dispersion_type IS 'dispersionType.';
COMMENT ON COLUMN outcome_analyses.dispersion_value IS 'dispersionValue.';
COMMENT ON COLUMN outcome_analyses.statistical_method IS 'statisticalMethod.';
COMMENT ON COLUMN outcome_analyses.statistical_comment IS 'statisticalComment.';
COMMENT ON COLUMN outcome_analyses.p_value IS 'pValue as written, e.g. 0.03 or <0.001.';
COMMENT ON COLUMN outcome_analyses.p_value_comment IS 'pValueComment.';
COMMENT ON COLUMN outcome_analyses.ci_num_sides IS 'ciNumSides: ONE_SIDED or TWO_SIDED.';
COMMENT ON COLUMN outcome_analyses.ci_pct_value IS 'ciPctValue.';
COMMENT ON COLUMN outcome_analyses.ci_lower_limit IS 'ciLowerLimit.';
COMMENT ON COLUMN outcome_analyses.ci_upper_limit IS 'ciUpperLimit.';
COMMENT ON COLUMN outcome_analyses.ci_lower_limit_comment IS 'ciLowerLimitComment.';
COMMENT ON COLUMN outcome_analyses.ci_upper_limit_comment IS 'ciUpperLimitComment.';
COMMENT ON COLUMN outcome_analyses.estimate_comment IS 'estimateComment.';
COMMENT ON COLUMN outcome_analyses.tested_non_inferiority IS 'testedNonInferiority.';
COMMENT ON COLUMN outcome_analyses.non_inferiority_type IS 'nonInferiorityType.';
COMMENT ON COLUMN outcome_analyses.non_inferiority_comment IS 'nonInferiorityComment.';
COMMENT ON COLUMN outcome_analyses.other_analysis_description IS 'otherAnalysisDescription.';

COMMENT ON TABLE adverse_events IS 'Adverse events per term and group (resultsSection.adverseEventsModule seriousEvents and otherEvents with their stats; AACT reported_events).';
COMMENT ON COLUMN adverse_events.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN adverse_events.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN adverse_events.event_type IS 'SERIOUS (seriousEvents) or OTHER (otherEvents).';
COMMENT ON COLUMN adverse_events.event_ordinal IS 'Position in seriousEvents[] or otherEvents[].';
COMMENT ON COLUMN adverse_events.term IS 'term.';
COMMENT ON COLUMN adverse_events.organ_system IS 'organSystem.';
COMMENT ON COLUMN adverse_events.source_vocabulary IS 'sourceVocabulary, e.g. MedDRA 23.0.';
COMMENT ON COLUMN adverse_events.assessment_type IS 'assessmentType: SYSTEMATIC_ASSESSMENT or NON_SYSTEMATIC_ASSESSMENT.';
COMMENT ON COLUMN adverse_events.notes IS 'notes.';
COMMENT ON COLUMN adverse_events.stat_ordinal IS 'Position in stats[]; NULL for an event listed without stats.';
COMMENT ON COLUMN adverse_events.group_id IS 'stats[].groupId (result_groups.group_id, ADVERSE_EVENT).';
COMMENT ON COLUMN adverse_events.num_events IS 'stats[].numEvents.';
COMMENT ON COLUMN adverse_events.num_affected IS 'stats[].numAffected.';
COMMENT ON COLUMN adverse_events.num_at_risk IS 'stats[].numAtRisk.';

-- current_* views: the rows of each study's current version (valid_to IS NULL).
-- The view over studies is current_study_details: current_studies belongs to change tracking.

CREATE VIEW current_study_details AS
SELECT t.* FROM studies AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_calculated_values AS
SELECT t.* FROM calculated_values AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_secondary_ids AS
SELECT t.* FROM secondary_ids AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_conditions AS
SELECT t.* FROM conditions AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_keywords AS
SELECT t.* FROM keywords AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_designs AS
SELECT t.* FROM designs AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_eligibilities AS
SELECT t.* FROM eligibilities AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_sponsors AS
SELECT t.* FROM sponsors AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_interventions AS
SELECT t.* FROM interventions AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_intervention_other_names AS
SELECT t.* FROM intervention_other_names AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_arm_groups AS
SELECT t.* FROM arm_groups AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_arm_group_interventions AS
SELECT t.* FROM arm_group_interventions AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_outcomes AS
SELECT t.* FROM outcomes AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_locations AS
SELECT t.* FROM locations AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_location_contacts AS
SELECT t.* FROM location_contacts AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_central_contacts AS
SELECT t.* FROM central_contacts AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_overall_officials AS
SELECT t.* FROM overall_officials AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_study_references AS
SELECT t.* FROM study_references AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_see_also_links AS
SELECT t.* FROM see_also_links AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_mesh_terms AS
SELECT t.* FROM mesh_terms AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_documents AS
SELECT t.* FROM documents AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_result_groups AS
SELECT t.* FROM result_groups AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_participant_flow AS
SELECT t.* FROM participant_flow AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_baseline_counts AS
SELECT t.* FROM baseline_counts AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_baseline_measurements AS
SELECT t.* FROM baseline_measurements AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_outcome_measures AS
SELECT t.* FROM outcome_measures AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_outcome_counts AS
SELECT t.* FROM outcome_counts AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_outcome_measurements AS
SELECT t.* FROM outcome_measurements AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_outcome_analyses AS
SELECT t.* FROM outcome_analyses AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

CREATE VIEW current_adverse_events AS
SELECT t.* FROM adverse_events AS t
SEMI JOIN study_versions AS v
    ON v.nct_id = t.nct_id AND v.version = t.version AND v.valid_to IS NULL;

COMMENT ON VIEW current_study_details IS 'Rows of studies for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_study_details.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_study_details.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_study_details.nct_id_aliases IS 'protocolSection.identificationModule.nctIdAliases: obsolete NCT IDs merged into this study.';
COMMENT ON COLUMN current_study_details.org_study_id IS 'protocolSection.identificationModule.orgStudyIdInfo.id: the sponsor''s own study ID.';
COMMENT ON COLUMN current_study_details.org_study_id_type IS 'protocolSection.identificationModule.orgStudyIdInfo.type.';
COMMENT ON COLUMN current_study_details.org_study_id_link IS 'protocolSection.identificationModule.orgStudyIdInfo.link.';
COMMENT ON COLUMN current_study_details.organization_name IS 'protocolSection.identificationModule.organization.fullName: the organization that registered the study.';
COMMENT ON COLUMN current_study_details.organization_class IS 'protocolSection.identificationModule.organization.class (NIH, FED, INDUSTRY, OTHER, ...).';
COMMENT ON COLUMN current_study_details.brief_title IS 'protocolSection.identificationModule.briefTitle.';
COMMENT ON COLUMN current_study_details.official_title IS 'protocolSection.identificationModule.officialTitle.';
COMMENT ON COLUMN current_study_details.acronym IS 'protocolSection.identificationModule.acronym.';
COMMENT ON COLUMN current_study_details.status_verified_date IS 'protocolSection.statusModule.statusVerifiedDate as a DATE (first day of the month).';
COMMENT ON COLUMN current_study_details.status_verified_date_text IS 'protocolSection.statusModule.statusVerifiedDate as written (yyyy-MM).';
COMMENT ON COLUMN current_study_details.overall_status IS 'protocolSection.statusModule.overallStatus (RECRUITING, COMPLETED, ...).';
COMMENT ON COLUMN current_study_details.last_known_status IS 'protocolSection.statusModule.lastKnownStatus: the status before it became UNKNOWN.';
COMMENT ON COLUMN current_study_details.delayed_posting IS 'protocolSection.statusModule.delayedPosting.';
COMMENT ON COLUMN current_study_details.why_stopped IS 'protocolSection.statusModule.whyStopped: reason given for a suspended, terminated or withdrawn study.';
COMMENT ON COLUMN current_study_details.has_expanded_access IS 'protocolSection.statusModule.expandedAccessInfo.hasExpandedAccess.';
COMMENT ON COLUMN current_study_details.expanded_access_nct_id IS 'protocolSection.statusModule.expandedAccessInfo.nctId: the expanded access record.';
COMMENT ON COLUMN current_study_details.expanded_access_status IS 'protocolSection.statusModule.expandedAccessInfo.statusForNctId.';
COMMENT ON COLUMN current_study_details.start_date IS 'protocolSection.statusModule.startDateStruct.date as a DATE (first day of the month or year when partial).';
COMMENT ON COLUMN current_study_details.start_date_text IS 'protocolSection.statusModule.startDateStruct.date as written (yyyy, yyyy-MM or yyyy-MM-dd).';
COMMENT ON COLUMN current_study_details.start_date_type IS 'protocolSection.statusModule.startDateStruct.type: ACTUAL or ESTIMATED.';
COMMENT ON COLUMN current_study_details.primary_completion_date IS 'protocolSection.statusModule.primaryCompletionDateStruct.date as a DATE (first day of the period when partial).';
COMMENT ON COLUMN current_study_details.primary_completion_date_text IS 'protocolSection.statusModule.primaryCompletionDateStruct.date as written.';
COMMENT ON COLUMN current_study_details.primary_completion_date_type IS 'protocolSection.statusModule.primaryCompletionDateStruct.type: ACTUAL or ESTIMATED.';
COMMENT ON COLUMN current_study_details.completion_date IS 'protocolSection.statusModule.completionDateStruct.date as a DATE (first day of the period when partial).';
COMMENT ON COLUMN current_study_details.completion_date_text IS 'protocolSection.statusModule.completionDateStruct.date as written.';
COMMENT ON COLUMN current_study_details.completion_date_type IS 'protocolSection.statusModule.completionDateStruct.type: ACTUAL or ESTIMATED.';
COMMENT ON COLUMN current_study_details.study_first_submit_date IS 'protocolSection.statusModule.studyFirstSubmitDate.';
COMMENT ON COLUMN current_study_details.study_first_submit_qc_date IS 'protocolSection.statusModule.studyFirstSubmitQcDate: first submission that met QC criteria.';
COMMENT ON COLUMN current_study_details.study_first_post_date IS 'protocolSection.statusModule.studyFirstPostDateStruct.date: first posted on ClinicalTrials.gov.';
COMMENT ON COLUMN current_study_details.study_first_post_date_type IS 'protocolSection.statusModule.studyFirstPostDateStruct.type.';
COMMENT ON COLUMN current_study_details.results_waived IS 'protocolSection.statusModule.resultsWaived.';
COMMENT ON COLUMN current_study_details.results_first_submit_date IS 'protocolSection.statusModule.resultsFirstSubmitDate.';
COMMENT ON COLUMN current_study_details.results_first_submit_qc_date IS 'protocolSection.statusModule.resultsFirstSubmitQcDate.';
COMMENT ON COLUMN current_study_details.results_first_post_date IS 'protocolSection.statusModule.resultsFirstPostDateStruct.date: results first posted.';
COMMENT ON COLUMN current_study_details.results_first_post_date_type IS 'protocolSection.statusModule.resultsFirstPostDateStruct.type.';
COMMENT ON COLUMN current_study_details.disp_first_submit_date IS 'protocolSection.statusModule.dispFirstSubmitDate: certification/extension request first submitted.';
COMMENT ON COLUMN current_study_details.disp_first_submit_qc_date IS 'protocolSection.statusModule.dispFirstSubmitQcDate.';
COMMENT ON COLUMN current_study_details.disp_first_post_date IS 'protocolSection.statusModule.dispFirstPostDateStruct.date.';
COMMENT ON COLUMN current_study_details.disp_first_post_date_type IS 'protocolSection.statusModule.dispFirstPostDateStruct.type.';
COMMENT ON COLUMN current_study_details.last_update_submit_date IS 'protocolSection.statusModule.lastUpdateSubmitDate.';
COMMENT ON COLUMN current_study_details.last_update_post_date IS 'protocolSection.statusModule.lastUpdatePostDateStruct.date.';
COMMENT ON COLUMN current_study_details.last_update_post_date_type IS 'protocolSection.statusModule.lastUpdatePostDateStruct.type.';
COMMENT ON COLUMN current_study_details.responsible_party_type IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.type (SPONSOR, PRINCIPAL_INVESTIGATOR, SPONSOR_INVESTIGATOR).';
COMMENT ON COLUMN current_study_details.responsible_party_investigator_name IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.investigatorFullName.';
COMMENT ON COLUMN current_study_details.responsible_party_investigator_title IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.investigatorTitle.';
COMMENT ON COLUMN current_study_details.responsible_party_investigator_affiliation IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.investigatorAffiliation.';
COMMENT ON COLUMN current_study_details.responsible_party_old_name_title IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.oldNameTitle (legacy records).';
COMMENT ON COLUMN current_study_details.responsible_party_old_organization IS 'protocolSection.sponsorCollaboratorsModule.responsibleParty.oldOrganization (legacy records).';
COMMENT ON COLUMN current_study_details.has_dmc IS 'protocolSection.oversightModule.oversightHasDmc: a data monitoring committee exists.';
COMMENT ON COLUMN current_study_details.is_fda_regulated_drug IS 'protocolSection.oversightModule.isFdaRegulatedDrug.';
COMMENT ON COLUMN current_study_details.is_fda_regulated_device IS 'protocolSection.oversightModule.isFdaRegulatedDevice.';
COMMENT ON COLUMN current_study_details.is_unapproved_device IS 'protocolSection.oversightModule.isUnapprovedDevice.';
COMMENT ON COLUMN current_study_details.is_ppsd IS 'protocolSection.oversightModule.isPpsd: pediatric postmarket surveillance of a device.';
COMMENT ON COLUMN current_study_details.is_us_export IS 'protocolSection.oversightModule.isUsExport.';
COMMENT ON COLUMN current_study_details.fdaaa801_violation IS 'protocolSection.oversightModule.fdaaa801Violation.';
COMMENT ON COLUMN current_study_details.brief_summary IS 'protocolSection.descriptionModule.briefSummary (markdown).';
COMMENT ON COLUMN current_study_details.detailed_description IS 'protocolSection.descriptionModule.detailedDescription (markdown).';
COMMENT ON COLUMN current_study_details.study_type IS 'protocolSection.designModule.studyType: INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS.';
COMMENT ON COLUMN current_study_details.phases IS 'protocolSection.designModule.phases (NA, EARLY_PHASE1, PHASE1 ... PHASE4).';
COMMENT ON COLUMN current_study_details.phase IS 'protocolSection.designModule.phases joined with ''/'', e.g. PHASE1/PHASE2 (AACT style).';
COMMENT ON COLUMN current_study_details.patient_registry IS 'protocolSection.designModule.patientRegistry (observational studies).';
COMMENT ON COLUMN current_study_details.target_duration IS 'protocolSection.designModule.targetDuration (patient registries).';
COMMENT ON COLUMN current_study_details.expanded_access_individual IS 'protocolSection.designModule.expandedAccessTypes.individual.';
COMMENT ON COLUMN current_study_details.expanded_access_intermediate IS 'protocolSection.designModule.expandedAccessTypes.intermediate.';
COMMENT ON COLUMN current_study_details.expanded_access_treatment IS 'protocolSection.designModule.expandedAccessTypes.treatment.';
COMMENT ON COLUMN current_study_details.biospec_retention IS 'protocolSection.designModule.bioSpec.retention.';
COMMENT ON COLUMN current_study_details.biospec_description IS 'protocolSection.designModule.bioSpec.description.';
COMMENT ON COLUMN current_study_details.enrollment IS 'protocolSection.designModule.enrollmentInfo.count.';
COMMENT ON COLUMN current_study_details.enrollment_type IS 'protocolSection.designModule.enrollmentInfo.type: ACTUAL or ESTIMATED.';
COMMENT ON COLUMN current_study_details.ipd_sharing IS 'protocolSection.ipdSharingStatementModule.ipdSharing: YES, NO or UNDECIDED.';
COMMENT ON COLUMN current_study_details.ipd_description IS 'protocolSection.ipdSharingStatementModule.description.';
COMMENT ON COLUMN current_study_details.ipd_info_types IS 'protocolSection.ipdSharingStatementModule.infoTypes.';
COMMENT ON COLUMN current_study_details.ipd_time_frame IS 'protocolSection.ipdSharingStatementModule.timeFrame.';
COMMENT ON COLUMN current_study_details.ipd_access_criteria IS 'protocolSection.ipdSharingStatementModule.accessCriteria.';
COMMENT ON COLUMN current_study_details.ipd_url IS 'protocolSection.ipdSharingStatementModule.url.';
COMMENT ON COLUMN current_study_details.has_results IS 'hasResults: results are posted.';
COMMENT ON COLUMN current_study_details.no_sap IS 'documentSection.largeDocumentModule.noSap: no statistical analysis plan is posted.';
COMMENT ON COLUMN current_study_details.version_holder IS 'derivedSection.miscInfoModule.versionHolder: the registry data release the record comes from.';
COMMENT ON COLUMN current_study_details.removed_countries IS 'derivedSection.miscInfoModule.removedCountries: countries that once had locations.';
COMMENT ON COLUMN current_study_details.flow_recruitment_details IS 'resultsSection.participantFlowModule.recruitmentDetails.';
COMMENT ON COLUMN current_study_details.flow_pre_assignment_details IS 'resultsSection.participantFlowModule.preAssignmentDetails.';
COMMENT ON COLUMN current_study_details.flow_type_units_analyzed IS 'resultsSection.participantFlowModule.typeUnitsAnalyzed.';
COMMENT ON COLUMN current_study_details.baseline_population_description IS 'resultsSection.baselineCharacteristicsModule.populationDescription.';
COMMENT ON COLUMN current_study_details.baseline_type_units_analyzed IS 'resultsSection.baselineCharacteristicsModule.typeUnitsAnalyzed.';
COMMENT ON COLUMN current_study_details.ae_frequency_threshold IS 'resultsSection.adverseEventsModule.frequencyThreshold (percent) for other adverse events.';
COMMENT ON COLUMN current_study_details.ae_time_frame IS 'resultsSection.adverseEventsModule.timeFrame.';
COMMENT ON COLUMN current_study_details.ae_description IS 'resultsSection.adverseEventsModule.description.';
COMMENT ON COLUMN current_study_details.ae_all_cause_mortality_comment IS 'resultsSection.adverseEventsModule.allCauseMortalityComment.';
COMMENT ON COLUMN current_study_details.limitations_and_caveats IS 'resultsSection.moreInfoModule.limitationsAndCaveats.description.';
COMMENT ON COLUMN current_study_details.agreement_pi_sponsor_employee IS 'resultsSection.moreInfoModule.certainAgreement.piSponsorEmployee.';
COMMENT ON COLUMN current_study_details.agreement_restriction_type IS 'resultsSection.moreInfoModule.certainAgreement.restrictionType.';
COMMENT ON COLUMN current_study_details.agreement_restrictive IS 'resultsSection.moreInfoModule.certainAgreement.restrictiveAgreement.';
COMMENT ON COLUMN current_study_details.agreement_other_details IS 'resultsSection.moreInfoModule.certainAgreement.otherDetails.';
COMMENT ON COLUMN current_study_details.results_contact_title IS 'resultsSection.moreInfoModule.pointOfContact.title.';
COMMENT ON COLUMN current_study_details.results_contact_organization IS 'resultsSection.moreInfoModule.pointOfContact.organization.';
COMMENT ON COLUMN current_study_details.results_contact_email IS 'resultsSection.moreInfoModule.pointOfContact.email.';
COMMENT ON COLUMN current_study_details.results_contact_phone IS 'resultsSection.moreInfoModule.pointOfContact.phone.';
COMMENT ON COLUMN current_study_details.results_contact_phone_ext IS 'resultsSection.moreInfoModule.pointOfContact.phoneExt.';

COMMENT ON VIEW current_calculated_values IS 'Rows of calculated_values for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_calculated_values.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_calculated_values.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_calculated_values.number_of_facilities IS 'Number of entries in contactsLocationsModule.locations.';
COMMENT ON COLUMN current_calculated_values.number_of_countries IS 'Number of distinct location countries.';
COMMENT ON COLUMN current_calculated_values.has_us_facility IS 'A location is in the United States; NULL when the version lists no locations.';
COMMENT ON COLUMN current_calculated_values.has_single_facility IS 'Exactly one location; NULL when the version lists no locations.';
COMMENT ON COLUMN current_calculated_values.number_of_arm_groups IS 'Number of entries in armsInterventionsModule.armGroups.';
COMMENT ON COLUMN current_calculated_values.number_of_primary_outcomes IS 'Number of planned primary outcomes (outcomesModule.primaryOutcomes).';
COMMENT ON COLUMN current_calculated_values.number_of_secondary_outcomes IS 'Number of planned secondary outcomes.';
COMMENT ON COLUMN current_calculated_values.number_of_other_outcomes IS 'Number of planned other outcomes.';
COMMENT ON COLUMN current_calculated_values.actual_duration_months IS 'Months from start to primary completion (ctgov_months_between), only when primary completion is ACTUAL.';
COMMENT ON COLUMN current_calculated_values.months_to_report_results IS 'Months from primary completion to the first results submission (ctgov_months_between).';
COMMENT ON COLUMN current_calculated_values.minimum_age_years IS 'eligibilityModule.minimumAge in years (ctgov_age_years).';
COMMENT ON COLUMN current_calculated_values.maximum_age_years IS 'eligibilityModule.maximumAge in years (ctgov_age_years).';
COMMENT ON COLUMN current_calculated_values.number_of_sae_subjects IS 'Sum over adverse event groups of seriousNumAffected.';
COMMENT ON COLUMN current_calculated_values.number_of_nsae_subjects IS 'Sum over adverse event groups of otherNumAffected.';

COMMENT ON VIEW current_secondary_ids IS 'Rows of secondary_ids for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_secondary_ids.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_secondary_ids.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_secondary_ids.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_secondary_ids.secondary_id IS 'secondaryIdInfos[].id.';
COMMENT ON COLUMN current_secondary_ids.id_type IS 'secondaryIdInfos[].type (NIH, FDA, EUDRACT_NUMBER, REGISTRY, OTHER_GRANT, ...).';
COMMENT ON COLUMN current_secondary_ids.domain IS 'secondaryIdInfos[].domain: the issuing registry or funder.';
COMMENT ON COLUMN current_secondary_ids.link IS 'secondaryIdInfos[].link.';

COMMENT ON VIEW current_conditions IS 'Rows of conditions for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_conditions.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_conditions.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_conditions.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_conditions.name IS 'The condition text.';
COMMENT ON COLUMN current_conditions.downcase_name IS 'The condition in lower case, for matching.';

COMMENT ON VIEW current_keywords IS 'Rows of keywords for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_keywords.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_keywords.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_keywords.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_keywords.name IS 'The keyword text.';
COMMENT ON COLUMN current_keywords.downcase_name IS 'The keyword in lower case, for matching.';

COMMENT ON VIEW current_designs IS 'Rows of designs for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_designs.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_designs.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_designs.allocation IS 'designInfo.allocation: RANDOMIZED, NON_RANDOMIZED or NA.';
COMMENT ON COLUMN current_designs.intervention_model IS 'designInfo.interventionModel (PARALLEL, CROSSOVER, SINGLE_GROUP, ...).';
COMMENT ON COLUMN current_designs.intervention_model_description IS 'designInfo.interventionModelDescription.';
COMMENT ON COLUMN current_designs.primary_purpose IS 'designInfo.primaryPurpose (TREATMENT, PREVENTION, ...).';
COMMENT ON COLUMN current_designs.observational_model IS 'designInfo.observationalModel (COHORT, CASE_CONTROL, ...).';
COMMENT ON COLUMN current_designs.time_perspective IS 'designInfo.timePerspective (PROSPECTIVE, RETROSPECTIVE, ...).';
COMMENT ON COLUMN current_designs.masking IS 'designInfo.maskingInfo.masking (NONE, SINGLE, DOUBLE, TRIPLE, QUADRUPLE).';
COMMENT ON COLUMN current_designs.masking_description IS 'designInfo.maskingInfo.maskingDescription.';
COMMENT ON COLUMN current_designs.who_masked IS 'designInfo.maskingInfo.whoMasked.';
COMMENT ON COLUMN current_designs.subject_masked IS 'PARTICIPANT is in whoMasked; NULL when whoMasked is absent.';
COMMENT ON COLUMN current_designs.caregiver_masked IS 'CARE_PROVIDER is in whoMasked; NULL when whoMasked is absent.';
COMMENT ON COLUMN current_designs.investigator_masked IS 'INVESTIGATOR is in whoMasked; NULL when whoMasked is absent.';
COMMENT ON COLUMN current_designs.outcomes_assessor_masked IS 'OUTCOMES_ASSESSOR is in whoMasked; NULL when whoMasked is absent.';

COMMENT ON VIEW current_eligibilities IS 'Rows of eligibilities for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_eligibilities.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_eligibilities.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_eligibilities.criteria IS 'eligibilityCriteria (markdown).';
COMMENT ON COLUMN current_eligibilities.sex IS 'sex: ALL, FEMALE or MALE.';
COMMENT ON COLUMN current_eligibilities.gender_based IS 'genderBased: eligibility is based on gender identity.';
COMMENT ON COLUMN current_eligibilities.gender_description IS 'genderDescription.';
COMMENT ON COLUMN current_eligibilities.minimum_age IS 'minimumAge as written, e.g. ''18 Years''.';
COMMENT ON COLUMN current_eligibilities.maximum_age IS 'maximumAge as written.';
COMMENT ON COLUMN current_eligibilities.minimum_age_years IS 'minimumAge in years (ctgov_age_years); NULL when absent.';
COMMENT ON COLUMN current_eligibilities.maximum_age_years IS 'maximumAge in years (ctgov_age_years); NULL when absent (no upper limit).';
COMMENT ON COLUMN current_eligibilities.healthy_volunteers IS 'healthyVolunteers: accepts healthy volunteers.';
COMMENT ON COLUMN current_eligibilities.std_ages IS 'stdAges: CHILD, ADULT, OLDER_ADULT.';
COMMENT ON COLUMN current_eligibilities.study_population IS 'studyPopulation (observational studies).';
COMMENT ON COLUMN current_eligibilities.sampling_method IS 'samplingMethod (observational studies).';

COMMENT ON VIEW current_sponsors IS 'Rows of sponsors for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_sponsors.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_sponsors.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_sponsors.lead_or_collaborator IS 'lead (leadSponsor) or collaborator (collaborators[]).';
COMMENT ON COLUMN current_sponsors.ordinal IS '1 for the lead sponsor; position in collaborators for collaborators.';
COMMENT ON COLUMN current_sponsors.name IS 'Sponsor name.';
COMMENT ON COLUMN current_sponsors.agency_class IS 'Sponsor class (NIH, FED, INDUSTRY, OTHER, ...).';

COMMENT ON VIEW current_interventions IS 'Rows of interventions for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_interventions.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_interventions.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_interventions.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_interventions.intervention_type IS 'type (DRUG, BIOLOGICAL, DEVICE, PROCEDURE, ...).';
COMMENT ON COLUMN current_interventions.name IS 'name.';
COMMENT ON COLUMN current_interventions.description IS 'description.';
COMMENT ON COLUMN current_interventions.arm_group_labels IS 'armGroupLabels: the arms that receive it.';
COMMENT ON COLUMN current_interventions.other_names IS 'otherNames: synonyms, brand names, codes.';

COMMENT ON VIEW current_intervention_other_names IS 'Rows of intervention_other_names for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_intervention_other_names.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_intervention_other_names.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_intervention_other_names.intervention_ordinal IS 'The intervention (interventions.ordinal).';
COMMENT ON COLUMN current_intervention_other_names.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_intervention_other_names.name IS 'The other name.';

COMMENT ON VIEW current_arm_groups IS 'Rows of arm_groups for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_arm_groups.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_arm_groups.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_arm_groups.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_arm_groups.label IS 'label.';
COMMENT ON COLUMN current_arm_groups.group_type IS 'type (EXPERIMENTAL, ACTIVE_COMPARATOR, PLACEBO_COMPARATOR, ...).';
COMMENT ON COLUMN current_arm_groups.description IS 'description.';
COMMENT ON COLUMN current_arm_groups.intervention_names IS 'interventionNames as written, e.g. ''Drug: Palbociclib''.';

COMMENT ON VIEW current_arm_group_interventions IS 'Rows of arm_group_interventions for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_arm_group_interventions.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_arm_group_interventions.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_arm_group_interventions.intervention_ordinal IS 'The intervention (interventions.ordinal).';
COMMENT ON COLUMN current_arm_group_interventions.arm_group_label IS 'The arm label as the intervention names it.';
COMMENT ON COLUMN current_arm_group_interventions.arm_group_ordinal IS 'The arm (arm_groups.ordinal) with that label; NULL when no arm has that label.';
COMMENT ON COLUMN current_arm_group_interventions.intervention_type IS 'The intervention''s type.';
COMMENT ON COLUMN current_arm_group_interventions.intervention_name IS 'The intervention''s name.';

COMMENT ON VIEW current_outcomes IS 'Rows of outcomes for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_outcomes.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_outcomes.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_outcomes.outcome_type IS 'PRIMARY, SECONDARY or OTHER (primaryOutcomes, secondaryOutcomes, otherOutcomes).';
COMMENT ON COLUMN current_outcomes.ordinal IS 'Position within its outcome_type list.';
COMMENT ON COLUMN current_outcomes.measure IS 'measure.';
COMMENT ON COLUMN current_outcomes.description IS 'description.';
COMMENT ON COLUMN current_outcomes.time_frame IS 'timeFrame.';

COMMENT ON VIEW current_locations IS 'Rows of locations for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_locations.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_locations.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_locations.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_locations.facility IS 'facility name.';
COMMENT ON COLUMN current_locations.status IS 'Recruitment status at the site.';
COMMENT ON COLUMN current_locations.city IS 'city.';
COMMENT ON COLUMN current_locations.state IS 'state.';
COMMENT ON COLUMN current_locations.zip IS 'zip.';
COMMENT ON COLUMN current_locations.country IS 'country.';
COMMENT ON COLUMN current_locations.latitude IS 'geoPoint.lat.';
COMMENT ON COLUMN current_locations.longitude IS 'geoPoint.lon.';

COMMENT ON VIEW current_location_contacts IS 'Rows of location_contacts for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_location_contacts.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_location_contacts.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_location_contacts.location_ordinal IS 'The site (locations.ordinal).';
COMMENT ON COLUMN current_location_contacts.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_location_contacts.name IS 'name.';
COMMENT ON COLUMN current_location_contacts.role IS 'role (CONTACT, PRINCIPAL_INVESTIGATOR, SUB_INVESTIGATOR, ...).';
COMMENT ON COLUMN current_location_contacts.phone IS 'phone.';
COMMENT ON COLUMN current_location_contacts.phone_ext IS 'phoneExt.';
COMMENT ON COLUMN current_location_contacts.email IS 'email.';

COMMENT ON VIEW current_central_contacts IS 'Rows of central_contacts for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_central_contacts.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_central_contacts.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_central_contacts.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_central_contacts.name IS 'name.';
COMMENT ON COLUMN current_central_contacts.role IS 'role.';
COMMENT ON COLUMN current_central_contacts.phone IS 'phone.';
COMMENT ON COLUMN current_central_contacts.phone_ext IS 'phoneExt.';
COMMENT ON COLUMN current_central_contacts.email IS 'email.';

COMMENT ON VIEW current_overall_officials IS 'Rows of overall_officials for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_overall_officials.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_overall_officials.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_overall_officials.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_overall_officials.name IS 'name.';
COMMENT ON COLUMN current_overall_officials.affiliation IS 'affiliation.';
COMMENT ON COLUMN current_overall_officials.role IS 'role (PRINCIPAL_INVESTIGATOR, STUDY_DIRECTOR, STUDY_CHAIR).';

COMMENT ON VIEW current_study_references IS 'Rows of study_references for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_study_references.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_study_references.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_study_references.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_study_references.pmid IS 'pmid: PubMed ID.';
COMMENT ON COLUMN current_study_references.reference_type IS 'type: BACKGROUND, RESULT or DERIVED.';
COMMENT ON COLUMN current_study_references.citation IS 'citation.';
COMMENT ON COLUMN current_study_references.retraction_pmids IS 'retractions[].pmid: PubMed IDs of retraction notices.';

COMMENT ON VIEW current_see_also_links IS 'Rows of see_also_links for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_see_also_links.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_see_also_links.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_see_also_links.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_see_also_links.label IS 'label.';
COMMENT ON COLUMN current_see_also_links.url IS 'url.';

COMMENT ON VIEW current_mesh_terms IS 'Rows of mesh_terms for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_mesh_terms.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_mesh_terms.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_mesh_terms.browse IS 'condition (conditionBrowseModule) or intervention (interventionBrowseModule).';
COMMENT ON COLUMN current_mesh_terms.mesh_type IS 'mesh (meshes: the terms matched) or ancestor (ancestors: broader terms).';
COMMENT ON COLUMN current_mesh_terms.ordinal IS 'Position within its browse and mesh_type list.';
COMMENT ON COLUMN current_mesh_terms.mesh_id IS 'MeSH descriptor ID, e.g. D001943.';
COMMENT ON COLUMN current_mesh_terms.term IS 'MeSH term.';
COMMENT ON COLUMN current_mesh_terms.downcase_term IS 'The term in lower case, for matching.';

COMMENT ON VIEW current_documents IS 'Rows of documents for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_documents.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_documents.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_documents.ordinal IS '1-based position in the registry''s list.';
COMMENT ON COLUMN current_documents.type_abbrev IS 'typeAbbrev, e.g. Prot_SAP.';
COMMENT ON COLUMN current_documents.has_protocol IS 'hasProtocol.';
COMMENT ON COLUMN current_documents.has_sap IS 'hasSap: statistical analysis plan.';
COMMENT ON COLUMN current_documents.has_icf IS 'hasIcf: informed consent form.';
COMMENT ON COLUMN current_documents.label IS 'label.';
COMMENT ON COLUMN current_documents.document_date IS 'date: the document''s own date.';
COMMENT ON COLUMN current_documents.upload_date IS 'uploadDate.';
COMMENT ON COLUMN current_documents.filename IS 'filename.';
COMMENT ON COLUMN current_documents.size_bytes IS 'size in bytes.';
COMMENT ON COLUMN current_documents.url IS 'Where the registry serves the file: https://cdn.clinicaltrials.gov/large-docs/<last 2 digits of NCT>/<NCT>/<filename>.';

COMMENT ON VIEW current_result_groups IS 'Rows of result_groups for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_result_groups.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_result_groups.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_result_groups.result_type IS 'PARTICIPANT_FLOW, BASELINE, OUTCOME or ADVERSE_EVENT.';
COMMENT ON COLUMN current_result_groups.outcome_ordinal IS 'For OUTCOME groups, the outcome measure (outcome_measures.ordinal); NULL otherwise.';
COMMENT ON COLUMN current_result_groups.ordinal IS 'Position in the groups list.';
COMMENT ON COLUMN current_result_groups.group_id IS 'id, e.g. FG000, BG000, OG000, EG000: how measurements refer to the group.';
COMMENT ON COLUMN current_result_groups.title IS 'title.';
COMMENT ON COLUMN current_result_groups.description IS 'description.';
COMMENT ON COLUMN current_result_groups.deaths_num_affected IS 'ADVERSE_EVENT groups: deathsNumAffected.';
COMMENT ON COLUMN current_result_groups.deaths_num_at_risk IS 'ADVERSE_EVENT groups: deathsNumAtRisk.';
COMMENT ON COLUMN current_result_groups.serious_num_affected IS 'ADVERSE_EVENT groups: seriousNumAffected.';
COMMENT ON COLUMN current_result_groups.serious_num_at_risk IS 'ADVERSE_EVENT groups: seriousNumAtRisk.';
COMMENT ON COLUMN current_result_groups.other_num_affected IS 'ADVERSE_EVENT groups: otherNumAffected.';
COMMENT ON COLUMN current_result_groups.other_num_at_risk IS 'ADVERSE_EVENT groups: otherNumAtRisk.';

COMMENT ON VIEW current_participant_flow IS 'Rows of participant_flow for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_participant_flow.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_participant_flow.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_participant_flow.period_ordinal IS 'The period (periods[] position).';
COMMENT ON COLUMN current_participant_flow.period_title IS 'periods[].title.';
COMMENT ON COLUMN current_participant_flow.flow_kind IS 'MILESTONE (milestones[]) or DROP_WITHDRAW (dropWithdraws[]).';
COMMENT ON COLUMN current_participant_flow.flow_ordinal IS 'Position of the milestone or drop-withdraw reason within its period.';
COMMENT ON COLUMN current_participant_flow.flow_type IS 'milestones[].type (e.g. STARTED, COMPLETED) or dropWithdraws[].type (e.g. Adverse Event).';
COMMENT ON COLUMN current_participant_flow.flow_comment IS 'milestones[].comment or dropWithdraws[].comment.';
COMMENT ON COLUMN current_participant_flow.ordinal IS 'Position in achievements[] or reasons[].';
COMMENT ON COLUMN current_participant_flow.group_id IS 'groupId: the result group (result_groups.group_id, PARTICIPANT_FLOW).';
COMMENT ON COLUMN current_participant_flow.num_subjects IS 'numSubjects as written.';
COMMENT ON COLUMN current_participant_flow.subject_count IS 'numSubjects as a number; NULL when not numeric.';
COMMENT ON COLUMN current_participant_flow.num_units IS 'numUnits.';
COMMENT ON COLUMN current_participant_flow.comment IS 'comment.';

COMMENT ON VIEW current_baseline_counts IS 'Rows of baseline_counts for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_baseline_counts.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_baseline_counts.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_baseline_counts.denom_ordinal IS 'Position in denoms[].';
COMMENT ON COLUMN current_baseline_counts.units IS 'denoms[].units, e.g. Participants.';
COMMENT ON COLUMN current_baseline_counts.ordinal IS 'Position in counts[].';
COMMENT ON COLUMN current_baseline_counts.group_id IS 'groupId (result_groups.group_id, BASELINE).';
COMMENT ON COLUMN current_baseline_counts.value IS 'value as written.';
COMMENT ON COLUMN current_baseline_counts.count IS 'value as a number; NULL when not numeric.';

COMMENT ON VIEW current_baseline_measurements IS 'Rows of baseline_measurements for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_baseline_measurements.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_baseline_measurements.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_baseline_measurements.measure_ordinal IS 'Position in measures[].';
COMMENT ON COLUMN current_baseline_measurements.title IS 'measures[].title, e.g. Age, Continuous.';
COMMENT ON COLUMN current_baseline_measurements.description IS 'measures[].description.';
COMMENT ON COLUMN current_baseline_measurements.population_description IS 'measures[].populationDescription.';
COMMENT ON COLUMN current_baseline_measurements.param_type IS 'measures[].paramType (COUNT_OF_PARTICIPANTS, MEAN, MEDIAN, ...).';
COMMENT ON COLUMN current_baseline_measurements.dispersion_type IS 'measures[].dispersionType (STANDARD_DEVIATION, FULL_RANGE, ...).';
COMMENT ON COLUMN current_baseline_measurements.unit_of_measure IS 'measures[].unitOfMeasure.';
COMMENT ON COLUMN current_baseline_measurements.class_ordinal IS 'Position in classes[].';
COMMENT ON COLUMN current_baseline_measurements.class_title IS 'classes[].title.';
COMMENT ON COLUMN current_baseline_measurements.category_ordinal IS 'Position in categories[].';
COMMENT ON COLUMN current_baseline_measurements.category_title IS 'categories[].title.';
COMMENT ON COLUMN current_baseline_measurements.ordinal IS 'Position in measurements[].';
COMMENT ON COLUMN current_baseline_measurements.group_id IS 'groupId (result_groups.group_id, BASELINE).';
COMMENT ON COLUMN current_baseline_measurements.value IS 'value as written.';
COMMENT ON COLUMN current_baseline_measurements.value_num IS 'value as a number; NULL when not numeric (e.g. NA).';
COMMENT ON COLUMN current_baseline_measurements.spread IS 'spread.';
COMMENT ON COLUMN current_baseline_measurements.lower_limit IS 'lowerLimit.';
COMMENT ON COLUMN current_baseline_measurements.upper_limit IS 'upperLimit.';
COMMENT ON COLUMN current_baseline_measurements.comment IS 'comment.';

COMMENT ON VIEW current_outcome_measures IS 'Rows of outcome_measures for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_outcome_measures.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_outcome_measures.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_outcome_measures.ordinal IS 'Position in outcomeMeasures[]; outcome_ordinal in the other outcome tables.';
COMMENT ON COLUMN current_outcome_measures.outcome_type IS 'type: PRIMARY, SECONDARY, OTHER_PRE_SPECIFIED or POST_HOC.';
COMMENT ON COLUMN current_outcome_measures.title IS 'title.';
COMMENT ON COLUMN current_outcome_measures.description IS 'description.';
COMMENT ON COLUMN current_outcome_measures.population_description IS 'populationDescription.';
COMMENT ON COLUMN current_outcome_measures.reporting_status IS 'reportingStatus: POSTED or NOT_POSTED.';
COMMENT ON COLUMN current_outcome_measures.anticipated_posting_date IS 'anticipatedPostingDate (first day of the month).';
COMMENT ON COLUMN current_outcome_measures.param_type IS 'paramType (MEAN, MEDIAN, COUNT_OF_PARTICIPANTS, ...).';
COMMENT ON COLUMN current_outcome_measures.dispersion_type IS 'dispersionType.';
COMMENT ON COLUMN current_outcome_measures.unit_of_measure IS 'unitOfMeasure.';
COMMENT ON COLUMN current_outcome_measures.calculate_pct IS 'calculatePct.';
COMMENT ON COLUMN current_outcome_measures.time_frame IS 'timeFrame.';
COMMENT ON COLUMN current_outcome_measures.type_units_analyzed IS 'typeUnitsAnalyzed.';
COMMENT ON COLUMN current_outcome_measures.denom_units_selected IS 'denomUnitsSelected.';

COMMENT ON VIEW current_outcome_counts IS 'Rows of outcome_counts for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_outcome_counts.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_outcome_counts.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_outcome_counts.outcome_ordinal IS 'The outcome measure (outcome_measures.ordinal).';
COMMENT ON COLUMN current_outcome_counts.denom_ordinal IS 'Position in denoms[].';
COMMENT ON COLUMN current_outcome_counts.units IS 'denoms[].units.';
COMMENT ON COLUMN current_outcome_counts.ordinal IS 'Position in counts[].';
COMMENT ON COLUMN current_outcome_counts.group_id IS 'groupId (result_groups.group_id for the same outcome_ordinal).';
COMMENT ON COLUMN current_outcome_counts.value IS 'value as written.';
COMMENT ON COLUMN current_outcome_counts.count IS 'value as a number; NULL when not numeric.';

COMMENT ON VIEW current_outcome_measurements IS 'Rows of outcome_measurements for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_outcome_measurements.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_outcome_measurements.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_outcome_measurements.outcome_ordinal IS 'The outcome measure (outcome_measures.ordinal).';
COMMENT ON COLUMN current_outcome_measurements.class_ordinal IS 'Position in classes[].';
COMMENT ON COLUMN current_outcome_measurements.class_title IS 'classes[].title.';
COMMENT ON COLUMN current_outcome_measurements.category_ordinal IS 'Position in categories[].';
COMMENT ON COLUMN current_outcome_measurements.category_title IS 'categories[].title.';
COMMENT ON COLUMN current_outcome_measurements.ordinal IS 'Position in measurements[].';
COMMENT ON COLUMN current_outcome_measurements.group_id IS 'groupId (result_groups.group_id for the same outcome_ordinal).';
COMMENT ON COLUMN current_outcome_measurements.value IS 'value as written.';
COMMENT ON COLUMN current_outcome_measurements.value_num IS 'value as a number; NULL when not numeric (e.g. NA).';
COMMENT ON COLUMN current_outcome_measurements.spread IS 'spread.';
COMMENT ON COLUMN current_outcome_measurements.lower_limit IS 'lowerLimit.';
COMMENT ON COLUMN current_outcome_measurements.upper_limit IS 'upperLimit.';
COMMENT ON COLUMN current_outcome_measurements.comment IS 'comment.';

COMMENT ON VIEW current_outcome_analyses IS 'Rows of outcome_analyses for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_outcome_analyses.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_outcome_analyses.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_outcome_analyses.outcome_ordinal IS 'The outcome measure (outcome_measures.ordinal).';
COMMENT ON COLUMN current_outcome_analyses.ordinal IS 'Position in analyses[].';
COMMENT ON COLUMN current_outcome_analyses.group_ids IS 'groupIds: the groups compared.';
COMMENT ON COLUMN current_outcome_analyses.group_description IS 'groupDescription.';
COMMENT ON COLUMN current_outcome_analyses.param_type IS 'paramType, e.g. Hazard Ratio (HR).';
COMMENT ON COLUMN current_outcome_analyses.param_value IS 'paramValue as written.';
COMMENT ON COLUMN current_outcome_analyses.param_value_num IS 'paramValue as a number; NULL when not numeric.';
COMMENT ON COLUMN current_outcome_analyses.dispersion_type IS 'dispersionType.';
COMMENT ON COLUMN current_outcome_analyses.dispersion_value IS 'dispersionValue.';
COMMENT ON COLUMN current_outcome_analyses.statistical_method IS 'statisticalMethod.';
COMMENT ON COLUMN current_outcome_analyses.statistical_comment IS 'statisticalComment.';
COMMENT ON COLUMN current_outcome_analyses.p_value IS 'pValue as written, e.g. 0.03 or <0.001.';
COMMENT ON COLUMN current_outcome_analyses.p_value_comment IS 'pValueComment.';
COMMENT ON COLUMN current_outcome_analyses.ci_num_sides IS 'ciNumSides: ONE_SIDED or TWO_SIDED.';
COMMENT ON COLUMN current_outcome_analyses.ci_pct_value IS 'ciPctValue.';
COMMENT ON COLUMN current_outcome_analyses.ci_lower_limit IS 'ciLowerLimit.';
COMMENT ON COLUMN current_outcome_analyses.ci_upper_limit IS 'ciUpperLimit.';
COMMENT ON COLUMN current_outcome_analyses.ci_lower_limit_comment IS 'ciLowerLimitComment.';
COMMENT ON COLUMN current_outcome_analyses.ci_upper_limit_comment IS 'ciUpperLimitComment.';
COMMENT ON COLUMN current_outcome_analyses.estimate_comment IS 'estimateComment.';
COMMENT ON COLUMN current_outcome_analyses.tested_non_inferiority IS 'testedNonInferiority.';
COMMENT ON COLUMN current_outcome_analyses.non_inferiority_type IS 'nonInferiorityType.';
COMMENT ON COLUMN current_outcome_analyses.non_inferiority_comment IS 'nonInferiorityComment.';
COMMENT ON COLUMN current_outcome_analyses.other_analysis_description IS 'otherAnalysisDescription.';

COMMENT ON VIEW current_adverse_events IS 'Rows of adverse_events for the current version of each study (valid_to IS NULL).';
COMMENT ON COLUMN current_adverse_events.nct_id IS 'The study''s NCT ID (study_versions.nct_id).';
COMMENT ON COLUMN current_adverse_events.version IS 'The study version it was derived from (study_versions.version).';
COMMENT ON COLUMN current_adverse_events.event_type IS 'SERIOUS (seriousEvents) or OTHER (otherEvents).';
COMMENT ON COLUMN current_adverse_events.event_ordinal IS 'Position in seriousEvents[] or otherEvents[].';
COMMENT ON COLUMN current_adverse_events.term IS 'term.';
COMMENT ON COLUMN current_adverse_events.organ_system IS 'organSystem.';
COMMENT ON COLUMN current_adverse_events.source_vocabulary IS 'sourceVocabulary, e.g. MedDRA 23.0.';
COMMENT ON COLUMN current_adverse_events.assessment_type IS 'assessmentType: SYSTEMATIC_ASSESSMENT or NON_SYSTEMATIC_ASSESSMENT.';
COMMENT ON COLUMN current_adverse_events.notes IS 'notes.';
COMMENT ON COLUMN current_adverse_events.stat_ordinal IS 'Position in stats[]; NULL for an event listed without stats.';
COMMENT ON COLUMN current_adverse_events.group_id IS 'stats[].groupId (result_groups.group_id, ADVERSE_EVENT).';
COMMENT ON COLUMN current_adverse_events.num_events IS 'stats[].numEvents.';
COMMENT ON COLUMN current_adverse_events.num_affected IS 'stats[].numAffected.';
COMMENT ON COLUMN current_adverse_events.num_at_risk IS 'stats[].numAtRisk.';
