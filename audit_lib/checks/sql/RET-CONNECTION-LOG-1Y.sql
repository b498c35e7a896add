-- name: RET-CONNECTION-LOG-1Y
-- Reads connection_log_retention (checks/shared/connection_log_retention.sql), which the log-volume
-- view reads too: rows per local date and its deadline, from the daily summary made at load.
-- deadline = the latest row's deadline in that month (the month is fully past once as_of is after it).
SELECT month AS record_id,
       NULL::VARCHAR AS person_id,
       rows || ' rows dated ' || strftime(first_day, '%Y-%m-%d') || ' to ' || strftime(last_day, '%Y-%m-%d')
           || '; kept past ' || strftime(deadline, '%Y-%m-%d') AS observed,
       rows AS count,
       deadline,
       $as_of::DATE AS judged
FROM (
    SELECT strftime(day, '%Y-%m') AS month, sum(rows)::BIGINT AS rows, min(day) AS first_day, max(day) AS last_day,
           max(deadline) AS deadline
    FROM connection_log_retention
    WHERE deadline < $as_of
    GROUP BY month
)
