-- name: objection_match
-- Every objection with the person it concerns, once (LB-SEND-AFTER-OBJECTION and
-- LB-PROFILING-AFTER-OBJECTION read it): matched on person_id, or on the e-mail of a person
-- (persons_all: any row with that key, trimmed, case-insensitive), so a message to a person_id not in
-- persons is still judged on person_id.
SELECT objection_id, person_id, scope, registered_at, 'person_id' AS matched_on
FROM objections
WHERE person_id IS NOT NULL
UNION ALL
SELECT o.objection_id, p.person_id, o.scope, o.registered_at, 'e-mail' AS matched_on
FROM objections o
JOIN persons_all p ON norm_email(p.email) = norm_email(o.email)
WHERE p.person_id IS NOT NULL
