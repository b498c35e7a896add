-- name: DSR-RESTRICTION-NOT-HONOURED
-- Art. 18: while a granted (or partly granted) restriction is in force — from responded_at until
-- restriction_lifted_at, no end when empty — no prospection message (any channel) goes to the person.
-- One finding per request; count = messages.
SELECT r.request_id AS record_id,
       r.person_id,
       format('restriction {} {}{}; {} prospection message(s) sent while in force, first {}',
              r.outcome, local_date(r.responded_at),
              CASE WHEN r.restriction_lifted_at IS NULL THEN ', still in force'
                   ELSE format(', lifted {}', local_date(r.restriction_lifted_at)) END,
              count(*), strftime(min(c.sent_at), '%Y-%m-%d %H:%M:%S')) AS observed,
       count(*) AS count
FROM rights_requests r
JOIN communications c ON c.person_id = r.person_id
WHERE r.type = 'restriction'
  AND r.outcome IN ('granted', 'partially_granted')
  AND c.purpose IN (SELECT purpose FROM policy_prospection_purposes)
  AND c.sent_at > r.responded_at
  AND (r.restriction_lifted_at IS NULL OR c.sent_at < r.restriction_lifted_at)
GROUP BY r.request_id, r.person_id, r.outcome, r.responded_at, r.restriction_lifted_at
