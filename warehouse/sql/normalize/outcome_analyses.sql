INSERT INTO outcome_analyses
SELECT
    nct_id, version, outcome_ordinal, i,
    x.groupIds, x.groupDescription, x.paramType, x.paramValue,
    TRY_CAST(x.paramValue AS DOUBLE), x.dispersionType, x.dispersionValue,
    x.statisticalMethod, x.statisticalComment, x.pValue, x.pValueComment,
    x.ciNumSides, x.ciPctValue, x.ciLowerLimit, x.ciUpperLimit,
    x.ciLowerLimitComment, x.ciUpperLimitComment, x.estimateComment,
    x.testedNonInferiority, x.nonInferiorityType, x.nonInferiorityComment,
    x.otherAnalysisDescription
FROM (
    SELECT nct_id, version, outcome_ordinal, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (
        SELECT nct_id, version, unnest(m).analyses AS l, generate_subscripts(m, 1) AS outcome_ordinal
        FROM (SELECT nct_id, version, measures_module.outcomeMeasures AS m FROM normalize_batch)
    )
)
