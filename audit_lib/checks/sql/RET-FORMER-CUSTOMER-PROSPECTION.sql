-- name: RET-FORMER-CUSTOMER-PROSPECTION
-- Judged on the date the message was sent, not on as_of: the breach is the send itself. Fresh consent
-- covers the send (catalogue 1.1): the person's latest email_marketing event at or before sent_at is
-- granted (events collapsed per instant, withdrawn wins).
WITH events AS (
    SELECT person_id, recorded_at,
           CASE WHEN bool_or(status = 'withdrawn') THEN 'withdrawn' ELSE 'granted' END AS status
    FROM consents
    WHERE purpose = 'email_marketing'
    GROUP BY person_id, recorded_at
),
late AS (
    SELECT c.send_id, c.person_id, c.purpose, c.channel, c.sent_at, p.relationship_end_at,
           add_years(p.relationship_end_at, $prospect_years) AS deadline
    FROM communications c
    JOIN persons p ON p.person_id = c.person_id
    WHERE p.subject_type = 'customer'
      AND p.relationship_end_at IS NOT NULL
      AND c.purpose IN (SELECT purpose FROM policy_prospection_purposes)
      AND local_date(c.sent_at) > add_years(p.relationship_end_at, $prospect_years)
),
judged AS (
    SELECT l.*, e.status AS consent_status
    FROM late l
    ASOF LEFT JOIN events e ON e.person_id = l.person_id AND l.sent_at >= e.recorded_at
)
SELECT send_id AS record_id,
       person_id,
       purpose || ' by ' || channel || ' sent ' || strftime(local_date(sent_at), '%Y-%m-%d')
           || '; relationship_end_at ' || strftime(relationship_end_at, '%Y-%m-%d')
           || '; deadline ' || strftime(deadline, '%Y-%m-%d')
           || '; latest email_marketing at send: ' || coalesce(consent_status, 'none') AS observed,
       deadline,
       local_date(sent_at) AS judged
FROM judged
WHERE consent_status IS DISTINCT FROM 'granted'
