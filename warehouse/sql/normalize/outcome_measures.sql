INSERT INTO outcome_measures
SELECT
    nct_id, version, i,
    x.type, x.title, x.description, x.populationDescription, x.reportingStatus,
    ctgov_partial_date(x.anticipatedPostingDate), x.paramType, x.dispersionType,
    x.unitOfMeasure, x.calculatePct, x.timeFrame, x.typeUnitsAnalyzed, x.denomUnitsSelected
FROM (
    SELECT nct_id, version,
        unnest(list_transform(l, lambda m: {
            'type': m.type, 'title': m.title, 'description': m.description,
            'populationDescription': m.populationDescription, 'reportingStatus': m.reportingStatus,
            'anticipatedPostingDate': m.anticipatedPostingDate, 'paramType': m.paramType,
            'dispersionType': m.dispersionType, 'unitOfMeasure': m.unitOfMeasure,
            'calculatePct': m.calculatePct, 'timeFrame': m.timeFrame,
            'typeUnitsAnalyzed': m.typeUnitsAnalyzed, 'denomUnitsSelected': m.denomUnitsSelected})) AS x,
        generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, measures_module.outcomeMeasures AS l FROM normalize_batch)
)
