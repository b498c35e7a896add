-- name: DSR-OVERDUE
-- The deadline (weekends and public holidays moved to the next working day) is the shared relation
-- dsr_deadline (checks/shared/dsr_deadline.sql), which the rights view reads too.
SELECT request_id AS record_id,
       person_id,
       format('received {}; deadline {}{}{}; {}', received, deadline,
              CASE WHEN deadline <> nominal_deadline
                   THEN format(' (moved from {}, {})', nominal_deadline,
                               CASE WHEN isodow(nominal_deadline) >= 6 THEN 'a weekend' ELSE 'a public holiday' END)
                   ELSE '' END,
              CASE WHEN extension_valid THEN ' (extended)'
                   WHEN extended AND ext_notified IS NOT NULL THEN format(' (extension notified {}, too late)', ext_notified)
                   WHEN extended THEN ' (extension never notified)'
                   ELSE '' END,
              CASE WHEN responded IS NOT NULL
                   THEN format('responded {} ({} day(s) late)', responded, date_diff('day', deadline, responded))
                   ELSE format('still open at {} ({} day(s) past the deadline)', $as_of, date_diff('day', deadline, $as_of)) END
       ) AS observed
FROM dsr_deadline
WHERE overdue
