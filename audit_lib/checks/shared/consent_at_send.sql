-- name: consent_at_send
-- Shared by LB-SEND-NO-CONSENT and LB-SEND-AFTER-WITHDRAWAL (computed once per run): one row per
-- message some consent rule names, with whether it is covered at send time (catalogue 1.1); states and
-- observed are written only for the messages not covered (NULL for the others).
-- Which consent purposes a message needs comes from policy_consent_rules (message purpose x channel).
-- A customer rests on the soft opt-in (policy_soft_opt_in) only when the relationship is active or ended
-- no more than $prospect_years years before the date of sent_at AND the details were obtained directly
-- (source empty or not in policy_third_party_sources); any other person is judged as a prospect.
-- For each needed purpose the latest event at or before sent_at is found by an ASOF join on the events
-- collapsed per instant (withdrawn wins at the same instant). A prospect is covered when one latest
-- event is granted; a soft-opt-in customer is covered unless one latest event is withdrawn and none is
-- granted (an opt-out is honoured). Not covered: LB-SEND-AFTER-WITHDRAWAL when one is withdrawn, else
-- LB-SEND-NO-CONSENT. A message to a person_id not in persons is not judged here (subject type unknown;
-- DQ-ORPHAN-REFERENCE reports it).
WITH candidate AS (
    -- only messages some consent rule names (purpose x channel) can need consent
    SELECT c.send_id, c.person_id, c.channel, c.purpose, c.sent_at
    FROM communications c
    WHERE EXISTS (SELECT 1 FROM policy_consent_rules r WHERE r.message_purpose = c.purpose AND r.channel = c.channel)
),
judged AS (
    -- a duplicated person key judges each occurrence; occurrences judged alike collapse
    SELECT c.send_id, c.person_id, c.channel, c.purpose, c.sent_at,
           CASE WHEN p.subject_type = 'customer'
                     AND (p.relationship_end_at IS NULL
                          OR local_date(c.sent_at) <= add_years(p.relationship_end_at, $prospect_years))
                     AND NOT third_party
                     AND EXISTS (SELECT 1 FROM policy_soft_opt_in)
                THEN 'customer' ELSE 'prospect' END AS judged_as,
           min(CASE WHEN p.subject_type = 'customer' AND third_party THEN
                        ' (customer whose details came from ' || lower(trim(p.source)) || ': no soft opt-in)'
                    WHEN p.subject_type = 'customer' AND p.relationship_end_at IS NOT NULL THEN
                        ' (customer, relationship ended ' || strftime(p.relationship_end_at, '%Y-%m-%d')
                        || ', more than ' || $prospect_years || ' years before)'
                    WHEN p.subject_type = 'customer' THEN ' (customer, no soft opt-in in the policy)' END) AS why
    FROM candidate c
    JOIN (SELECT *, coalesce(lower(trim(source)) IN (SELECT lower(trim(source)) FROM policy_third_party_sources),
                             false) AS third_party
          FROM persons) p ON p.person_id = c.person_id
    GROUP BY ALL
),
numbered AS MATERIALIZED (
    -- each judged message numbered: the ASOF join sorts, and the verdict groups, one integer per message
    -- and needed purpose instead of its seven columns (7M rows at scale L: 13 s -> 9 s under DuckDB's
    -- 2.5 GB cap, the same rows); its columns are joined back once per message. MATERIALIZED: the number
    -- has no order, so both readers must see one numbering, never the window computed twice
    SELECT row_number() OVER () AS n, * FROM judged
),
needs AS (
    SELECT j.n, j.person_id, j.sent_at, r.consent_purpose
    FROM numbered j
    JOIN policy_consent_rules r
      ON r.message_purpose = j.purpose AND r.channel = j.channel AND r.subject_type = j.judged_as
),
events AS (
    SELECT person_id, purpose, recorded_at,
           CASE WHEN bool_or(status = 'withdrawn') THEN 'withdrawn' ELSE 'granted' END AS status
    FROM consents
    GROUP BY person_id, purpose, recorded_at
),
latest AS (
    SELECT n.n, e.status
    FROM needs n
    ASOF LEFT JOIN events e
      ON e.person_id = n.person_id AND e.purpose = n.consent_purpose AND n.sent_at >= e.recorded_at
),
verdict AS (
    SELECT j.send_id, j.person_id, j.channel, j.purpose, j.sent_at, j.judged_as, j.why, v.granted, v.withdrawn
    FROM (SELECT n, coalesce(bool_or(status = 'granted'), false) AS granted,
                 coalesce(bool_or(status = 'withdrawn'), false) AS withdrawn
          FROM latest GROUP BY n) v
    JOIN numbered j ON j.n = v.n
),
judged_verdict AS (
    SELECT *, granted OR (judged_as = 'customer' AND NOT withdrawn) AS covered FROM verdict
),
uncovered_latest AS (
    -- the consent states are written out only for the messages a finding names: ordering every
    -- message's states cost 1.4 s of 1.9 s at scale M. They are found again for those messages alone
    -- (their needed purposes, then the same ASOF join), so `latest` is read once, as it streams: kept
    -- for a second reader it was the run's largest relation (7M rows at scale L, spilled to disk)
    SELECT u.send_id, u.person_id, u.channel, u.purpose, u.sent_at, u.judged_as, u.why, u.granted, u.withdrawn,
           r.consent_purpose, e.status, e.recorded_at
    FROM (SELECT * FROM judged_verdict WHERE NOT covered) u
    JOIN policy_consent_rules r
      ON r.message_purpose = u.purpose AND r.channel = u.channel AND r.subject_type = u.judged_as
    ASOF LEFT JOIN events e
      ON e.person_id = u.person_id AND e.purpose = r.consent_purpose AND u.sent_at >= e.recorded_at
),
uncovered AS (
    SELECT send_id, person_id, channel, purpose, sent_at, judged_as, why, granted, withdrawn,
           string_agg(consent_purpose || ' '
                      || coalesce(status || ' ' || strftime(recorded_at, '%Y-%m-%d %H:%M:%S'), 'none'),
                      ', ' ORDER BY consent_purpose) AS states
    FROM uncovered_latest
    GROUP BY ALL
)
SELECT * EXCLUDE (covered), NULL::VARCHAR AS states, covered, NULL::VARCHAR AS observed
FROM judged_verdict WHERE covered
UNION ALL
SELECT *, false AS covered,
       purpose || ' by ' || channel || ' sent ' || strftime(sent_at, '%Y-%m-%d %H:%M:%S')
           || ' to ' || CASE WHEN judged_as = 'customer' THEN 'customer (soft opt-in)' ELSE 'prospect' || coalesce(why, '') END
           || '; latest consent at send: ' || states AS observed
FROM uncovered
