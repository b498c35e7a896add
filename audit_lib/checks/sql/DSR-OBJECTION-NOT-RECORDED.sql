-- name: DSR-OBJECTION-NOT-RECORDED
-- Any objection row counts, whatever its scope or date, even one left out of other checks for data
-- quality: the question is only whether the objection reached the opposition list.
WITH person_emails AS (
    SELECT DISTINCT person_id, norm_email(email) AS email
    FROM persons_all
    WHERE person_id IS NOT NULL AND norm_email(email) IS NOT NULL
)
SELECT r.request_id AS record_id,
       r.person_id,
       format('objection granted{}; {}',
              CASE WHEN r.responded_at IS NOT NULL THEN format(', responded {}', local_date(r.responded_at)) ELSE '' END,
              CASE WHEN r.person_id IS NULL THEN 'request names no person_id: no objection can be matched'
                   ELSE 'no objection row for the person (by person_id or e-mail)' END) AS observed
FROM rights_requests r
WHERE r.type = 'objection'
  AND r.outcome = 'granted'
  AND NOT EXISTS (
      SELECT 1 FROM objections_all o
      WHERE o.person_id = r.person_id
         OR norm_email(o.email) IN (SELECT e.email FROM person_emails e WHERE e.person_id = r.person_id)
  )
