-- name: DSR-OVERDUE
-- Art. 12(3): one month from receipt; the extension only counts when the person was told of it
-- within that first month. The extended deadline is counted from receipt (not from the first deadline),
-- so a request received on the 31st gets the month-end of the third month.
WITH r AS (
    SELECT request_id, person_id, extended,
           local_date(received_at) AS received,
           local_date(extension_notified_at) AS ext_notified,
           local_date(responded_at) AS responded,
           add_months(local_date(received_at), $dsr_response_months) AS first_deadline
    FROM rights_requests
), d AS (
    SELECT *,
           coalesce(extended AND ext_notified <= first_deadline, false) AS extension_valid,
           CASE WHEN coalesce(extended AND ext_notified <= first_deadline, false)
                THEN add_months(received, $dsr_response_months + $dsr_extension_months)
                ELSE first_deadline END AS deadline
    FROM r
)
SELECT request_id AS record_id,
       person_id,
       format('received {}; deadline {}{}; {}', received, deadline,
              CASE WHEN extension_valid THEN ' (extended)'
                   WHEN extended AND ext_notified IS NOT NULL THEN format(' (extension notified {}, too late)', ext_notified)
                   WHEN extended THEN ' (extension never notified)'
                   ELSE '' END,
              CASE WHEN responded IS NOT NULL
                   THEN format('responded {} ({} day(s) late)', responded, date_diff('day', deadline, responded))
                   ELSE format('still open at {} ({} day(s) past the deadline)', $as_of, date_diff('day', deadline, $as_of)) END
       ) AS observed
FROM d
WHERE (responded IS NOT NULL AND responded > deadline)
   OR (responded IS NULL AND $as_of > deadline)
