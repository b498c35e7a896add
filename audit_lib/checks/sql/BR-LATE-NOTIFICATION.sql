-- name: BR-LATE-NOTIFICATION
-- Exact elapsed seconds (epoch), so a DST change inside the window counts its real length;
-- an unnotified breach is measured up to 24:00 local of as_of. A delay reason excuses a late
-- notification, never a missing one (catalogue 1.1).
WITH b AS (
    SELECT breach_id, risk, detected_at, notified_authority_at, delay_reason,
           epoch(coalesce(notified_authority_at, $as_of_end::TIMESTAMPTZ)) - epoch(detected_at) AS elapsed_s
    FROM breaches
)
SELECT breach_id AS record_id,
       format('risk {}; detected {}; {} after {}h{}m{}s (limit {} h){}',
              risk, local_date(detected_at),
              CASE WHEN notified_authority_at IS NULL THEN format('authority not notified at the end of {}', $as_of)
                   ELSE format('authority notified {}', local_date(notified_authority_at)) END,
              floor(elapsed_s / 3600)::BIGINT,
              lpad((floor(elapsed_s / 60)::BIGINT % 60)::VARCHAR, 2, '0'),
              lpad((floor(elapsed_s)::BIGINT % 60)::VARCHAR, 2, '0'),
              $breach_notification_hours,
              CASE WHEN notified_authority_at IS NOT NULL THEN '; no delay reason'
                   WHEN NOT blank(delay_reason) THEN '; a delay reason is given, but no notification'
                   ELSE '' END) AS observed
FROM b
WHERE risk <> 'none'
  AND (notified_authority_at IS NULL OR blank(delay_reason))
  AND elapsed_s > $breach_notification_hours * 3600
