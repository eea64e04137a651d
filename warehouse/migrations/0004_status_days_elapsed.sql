-- status_history.days_in_status counts whole elapsed days (24-hour spans), as its comment has
-- always said. 0002 used date_diff('day', ...), which counts midnights in the session's time
-- zone: a period from 09:00 to 08:00 the next day read 1 day, and the figure changed with the
-- hour and the time zone a query ran in. The arithmetic is in microseconds, so it is the same
-- in every time zone.

CREATE OR REPLACE VIEW status_history AS
WITH ordered AS (
    SELECT
        nct_id,
        version,
        overall_status,
        valid_from,
        CASE
            WHEN row_number() OVER w = 1 THEN 1
            WHEN lag(overall_status) OVER w IS DISTINCT FROM overall_status THEN 1
            ELSE 0
        END AS starts_period
    FROM study_versions
    WINDOW w AS (PARTITION BY nct_id ORDER BY version)
),
numbered AS (
    SELECT *, sum(starts_period) OVER (PARTITION BY nct_id ORDER BY version) AS period
    FROM ordered
),
periods AS (
    SELECT
        nct_id,
        period,
        arg_min(overall_status, version) AS status,
        min(valid_from) AS status_from,
        min(version) AS first_version,
        max(version) AS last_version
    FROM numbered
    GROUP BY nct_id, period
),
bounded AS (
    SELECT *, lead(status_from) OVER (PARTITION BY nct_id ORDER BY period) AS status_to
    FROM periods
)
SELECT
    nct_id,
    CAST(period AS INTEGER) AS period,
    status,
    status_from,
    status_to,
    CAST(
        date_diff('microsecond', status_from, coalesce(status_to, now())) // 86400000000
        AS INTEGER
    ) AS days_in_status,
    first_version,
    last_version,
    status_to IS NULL AS is_current
FROM bounded;

COMMENT ON VIEW status_history IS 'Overall status periods per study from study_versions: consecutive versions with the same status form one period.';
COMMENT ON COLUMN status_history.nct_id IS 'The study''s NCT ID.';
COMMENT ON COLUMN status_history.period IS 'Period number within the study, 1, 2, ... in time order.';
COMMENT ON COLUMN status_history.status IS 'The overall status during the period (study_versions.overall_status).';
COMMENT ON COLUMN status_history.status_from IS 'valid_from of the first version with this status.';
COMMENT ON COLUMN status_history.status_to IS 'valid_from of the first version with the next status; NULL while the status is current.';
COMMENT ON COLUMN status_history.days_in_status IS 'Whole elapsed days (24-hour spans, rounded down) from status_from to status_to, or to now for the current status; the same in every time zone.';
COMMENT ON COLUMN status_history.first_version IS 'First version of the period.';
COMMENT ON COLUMN status_history.last_version IS 'Last version of the period.';
COMMENT ON COLUMN status_history.is_current IS 'True for the period of the current version.';
