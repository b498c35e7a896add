-- name: connection_log_retention
-- Connection-log rows per local date and the date each falls past the retention period: once
-- (RET-CONNECTION-LOG-1Y and the log-volume view read it; with no $as_of, so the forecast of what falls
-- due next month reads it too). Read from the daily summary made in one scan at load
-- (connection_logs_days), so even 100M Parquet rows are never scanned twice; rows with a data-quality
-- problem are the DQ checks' and left out.
SELECT day, sum(rows)::BIGINT AS rows, add_years(day, $connection_log_years) AS deadline
FROM connection_logs_days
WHERE _missing = '' AND _invalid = '' AND _future = ''
GROUP BY day
