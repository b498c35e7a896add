-- name: dsr_deadline
-- The rights-request deadline, once (DSR-OVERDUE and the rights view read it). Art. 12(3): one month
-- from receipt; + the extension when extended and the person was told of it on or before the 1-month
-- deadline. A deadline on a Saturday, Sunday or public holiday of the policy's holiday_calendar moves to
-- the next working day (Regulation 1182/71 art. 3(4); EDPB Guidelines 01/2022), the 1-month deadline too
-- where it decides the extension: ref_working_days, built from the maintained holidays package. The
-- extended deadline is counted from receipt, so a request received on the 31st gets the month-end of
-- the third month. The outcome plays no part.
WITH r AS (
    SELECT request_id, person_id, type, outcome, extended,
           local_date(received_at) AS received,
           local_date(extension_notified_at) AS ext_notified,
           local_date(responded_at) AS responded,
           add_months(local_date(received_at), $dsr_response_months) AS first_nominal
    FROM rights_requests
), f AS (
    SELECT r.*, coalesce(w.next_working, r.first_nominal) AS first_deadline
    FROM r LEFT JOIN ref_working_days w ON w.day = r.first_nominal
), d AS (
    SELECT *,
           coalesce(extended AND ext_notified <= first_deadline, false) AS extension_valid,
           CASE WHEN coalesce(extended AND ext_notified <= first_deadline, false)
                THEN add_months(received, $dsr_response_months + $dsr_extension_months)
                ELSE first_nominal END AS nominal_deadline
    FROM f
)
SELECT d.*, coalesce(w.next_working, d.nominal_deadline) AS deadline,
       CASE WHEN responded IS NOT NULL THEN responded > coalesce(w.next_working, d.nominal_deadline)
            ELSE $as_of > coalesce(w.next_working, d.nominal_deadline) END AS overdue
FROM d LEFT JOIN ref_working_days w ON w.day = d.nominal_deadline
