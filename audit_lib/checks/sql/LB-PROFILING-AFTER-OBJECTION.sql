-- name: LB-PROFILING-AFTER-OBJECTION
-- A personalised message (content chosen from a profile: policy §3.1 "profilering") to a person with an
-- objection of scope profiling registered at or before sent_at (matched as for LB-SEND-AFTER-OBJECTION:
-- shared relation objection_match). Any purpose and channel: the objection is to the profiling itself.
-- personalised empty is not true: no finding (the column must exist: a check that needs a column).
WITH objected AS (
    SELECT person_id, min(registered_at) AS first_registered_at,
           arg_min(objection_id || ' (registered ' || strftime(registered_at, '%Y-%m-%d %H:%M:%S')
                   || ', matched on ' || matched_on || ')',
                   struct_pack(t := registered_at, id := objection_id)) AS first_objection
    FROM objection_match
    WHERE scope = 'profiling'
    GROUP BY person_id
)
SELECT c.send_id AS record_id,
       c.person_id,
       'personalised ' || c.purpose || ' by ' || c.channel || ' sent ' || strftime(c.sent_at, '%Y-%m-%d %H:%M:%S')
           || ' after profiling objection ' || o.first_objection AS observed
FROM communications c
JOIN objected o ON o.person_id = c.person_id
WHERE c.personalised
  AND c.sent_at >= o.first_registered_at
