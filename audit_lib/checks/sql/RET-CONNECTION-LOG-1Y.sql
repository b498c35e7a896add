-- name: RET-CONNECTION-LOG-1Y
-- Reads the daily summary made in one scan at load (connection_logs_days: rows per local date and
-- data-quality state), so even 100M Parquet rows are never scanned twice nor loaded into pandas.
-- deadline = the latest row's deadline in that month (the month is fully past once as_of is after it).
SELECT month AS record_id,
       NULL::VARCHAR AS person_id,
       rows || ' rows dated ' || strftime(first_day, '%Y-%m-%d') || ' to ' || strftime(last_day, '%Y-%m-%d')
           || '; kept past ' || strftime(add_years(last_day, $connection_log_years), '%Y-%m-%d') AS observed,
       rows AS count,
       add_years(last_day, $connection_log_years) AS deadline,
       $as_of::DATE AS judged
FROM (
    SELECT strftime(day, '%Y-%m') AS month, sum(rows)::BIGINT AS rows, min(day) AS first_day, max(day) AS last_day
    FROM connection_logs_days
    WHERE _missing = '' AND _invalid = '' AND _future = ''
      AND add_years(day, $connection_log_years) < $as_of
    GROUP BY month
)
