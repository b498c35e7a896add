-- name: RET-FORMER-CUSTOMER-PROSPECTION
-- Judged on the date the message was sent, not on as_of: the breach is the send itself.
SELECT c.send_id AS record_id,
       c.person_id,
       c.purpose || ' by ' || c.channel || ' sent ' || strftime(local_date(c.sent_at), '%Y-%m-%d')
           || '; relationship_end_at ' || strftime(p.relationship_end_at, '%Y-%m-%d')
           || '; deadline ' || strftime(add_years(p.relationship_end_at, $prospect_years), '%Y-%m-%d') AS observed,
       add_years(p.relationship_end_at, $prospect_years) AS deadline,
       local_date(c.sent_at) AS judged
FROM communications c
JOIN persons p ON p.person_id = c.person_id
WHERE p.subject_type = 'customer'
  AND p.relationship_end_at IS NOT NULL
  AND c.purpose IN (SELECT purpose FROM policy_prospection_purposes)
  AND local_date(c.sent_at) > add_years(p.relationship_end_at, $prospect_years)
