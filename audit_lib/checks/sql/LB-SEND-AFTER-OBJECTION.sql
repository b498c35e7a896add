-- name: LB-SEND-AFTER-OBJECTION
-- Objections apply to prospection whatever the basis. An objection matches on person_id, or on the
-- e-mail of the message's person: the shared relation objection_match. The channels a scope covers come
-- from policy_objection_scopes. Set-wise: objections become (person, channel, earliest registered_at).
WITH blocked AS (
    SELECT b.person_id, s.channel,
           min(b.registered_at) AS first_registered_at,
           arg_min(b.objection_id || ' (scope ' || b.scope || ', registered '
                   || strftime(b.registered_at, '%Y-%m-%d %H:%M:%S') || ', matched on ' || b.matched_on || ')',
                   struct_pack(t := b.registered_at, id := b.objection_id)) AS first_objection
    FROM objection_match b
    JOIN policy_objection_scopes s ON s.scope = b.scope
    GROUP BY b.person_id, s.channel
)
SELECT c.send_id AS record_id,
       c.person_id,
       c.purpose || ' by ' || c.channel || ' sent ' || strftime(c.sent_at, '%Y-%m-%d %H:%M:%S')
           || ' after objection ' || x.first_objection AS observed
FROM communications c
JOIN blocked x ON x.person_id = c.person_id AND x.channel = c.channel
WHERE c.purpose IN (SELECT purpose FROM policy_prospection_purposes)
  AND c.sent_at >= x.first_registered_at
