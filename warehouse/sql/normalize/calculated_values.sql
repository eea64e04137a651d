-- One row per version: AACT-style derived values, computed with list functions on the parsed
-- modules so no normalized table is re-read.
INSERT INTO calculated_values
SELECT
    nct_id,
    version,
    coalesce(len(locs), 0),
    coalesce(len(list_distinct(list_transform(locs, lambda l: l.country))), 0),
    CASE WHEN len(locs) > 0 THEN list_contains(list_transform(locs, lambda l: l.country), 'United States') END,
    CASE WHEN len(locs) > 0 THEN len(locs) = 1 END,
    coalesce(len(arms_module.armGroups), 0),
    coalesce(len(outcomes_module.primaryOutcomes), 0),
    coalesce(len(outcomes_module.secondaryOutcomes), 0),
    coalesce(len(outcomes_module.otherOutcomes), 0),
    CASE WHEN status_module.primaryCompletionDateStruct.type = 'ACTUAL' THEN
        ctgov_months_between(
            ctgov_partial_date(status_module.startDateStruct.date),
            ctgov_partial_date(status_module.primaryCompletionDateStruct.date))
    END,
    ctgov_months_between(
        ctgov_partial_date(status_module.primaryCompletionDateStruct.date),
        TRY_CAST(status_module.resultsFirstSubmitDate AS DATE)),
    ctgov_age_years(eligibility_module.minimumAge),
    ctgov_age_years(eligibility_module.maximumAge),
    list_sum(list_transform(events_module.eventGroups, lambda g: g.seriousNumAffected)),
    list_sum(list_transform(events_module.eventGroups, lambda g: g.otherNumAffected))
FROM (SELECT *, contacts_module.locations AS locs FROM normalize_batch)
