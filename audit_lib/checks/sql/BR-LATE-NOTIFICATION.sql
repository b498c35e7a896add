-- name: BR-LATE-NOTIFICATION
-- Reads breach_notification (checks/shared/breach_notification.sql), which the breach view reads too:
-- exact elapsed seconds up to the notification or 24:00 local of as_of; a delay reason excuses a late
-- notification, never a missing one (catalogue 1.1).
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
FROM breach_notification
WHERE finding
