-- name: RET-CONNECTION-LOG-1Y
-- Set-wise over the (possibly Parquet-backed) view: one row per local calendar month, never row by row.
-- deadline = the latest row's deadline in that month (the month is fully past once as_of is after it).
SELECT month AS record_id,
       NULL::VARCHAR AS person_id,
       rows || ' rows dated ' || strftime(first_day, '%Y-%m-%d') || ' to ' || strftime(last_day, '%Y-%m-%d')
           || '; kept past ' || strftime(add_years(last_day, $connection_log_years), '%Y-%m-%d') AS observed,
       rows AS count,
       add_years(last_day, $connection_log_years) AS deadline,
       $as_of::DATE AS judged
FROM (
    SELECT local_month(ts) AS month, count(*) AS rows,
           min(local_date(ts)) AS first_day, max(local_date(ts)) AS last_day
    FROM connection_logs
    WHERE add_years(local_date(ts), $connection_log_years) < $as_of
    GROUP BY month
)
