-- name: breach_notification
-- Each breach's notification to the authority, once (BR-LATE-NOTIFICATION and the breach view read it).
-- Exact elapsed seconds (epoch), so a DST change inside the window counts its real length; an
-- unnotified breach is measured up to 24:00 local of as_of. Exactly the limit is in time. A delay
-- reason excuses a late notification, never a missing one (catalogue 1.1).
WITH b AS (
    SELECT breach_id, risk, detected_at, notified_authority_at, subjects_notified_at, delay_reason,
           epoch(coalesce(notified_authority_at, $as_of_end::TIMESTAMPTZ)) - epoch(detected_at) AS elapsed_s,
           notified_authority_at IS NULL AS open
    FROM breaches
), l AS (
    SELECT *, coalesce(risk <> 'none' AND elapsed_s > $breach_notification_hours * 3600, false) AS late FROM b
)
SELECT *,
       late AND (open OR blank(delay_reason)) AS finding,
       CASE WHEN risk = 'none' THEN 'no risk: no notification needed'
            WHEN NOT late AND open THEN 'not yet notified, within the limit'
            WHEN NOT late THEN 'notified in time'
            WHEN open THEN 'NOT notified, past the limit'
            WHEN blank(delay_reason) THEN 'notified late, no reason'
            ELSE 'late, with a reason for the delay' END AS verdict
FROM l
