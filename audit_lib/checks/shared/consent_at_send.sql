-- name: consent_at_send
-- Shared by LB-SEND-NO-CONSENT and LB-SEND-AFTER-WITHDRAWAL (computed once per run): one row per
-- message that needs consent, with whether a latest consent event at send time covers it.
-- Consent state at send time, set-wise: which consent purposes a message needs comes from
-- policy_consent_rules (message purpose x channel x subject type); a customer whose relationship ended
-- more than $prospect_years years before the date of sent_at is judged as a prospect. For each needed
-- purpose the latest event at or before sent_at is found by an ASOF join on the events collapsed per
-- instant (withdrawn wins at the same instant). Covered when one latest event is granted; otherwise
-- LB-SEND-AFTER-WITHDRAWAL when one is withdrawn, else LB-SEND-NO-CONSENT. A message to a person_id
-- not in persons is not judged here (subject type unknown; DQ-ORPHAN-REFERENCE reports it).
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
                THEN 'customer' ELSE 'prospect' END AS judged_as,
           min(CASE WHEN p.subject_type = 'customer' THEN
                   ' (customer, relationship ended ' || strftime(p.relationship_end_at, '%Y-%m-%d')
                   || ', more than ' || $prospect_years || ' years before)' END) AS why
    FROM candidate c
    JOIN persons p ON p.person_id = c.person_id
    GROUP BY ALL
),
needs AS (
    SELECT j.*, r.consent_purpose
    FROM judged j
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
    SELECT n.*, e.status, e.recorded_at
    FROM needs n
    ASOF LEFT JOIN events e
      ON e.person_id = n.person_id AND e.purpose = n.consent_purpose AND n.sent_at >= e.recorded_at
),
verdict AS (
    SELECT send_id, person_id, channel, purpose, sent_at, judged_as, why,
           coalesce(bool_or(status = 'granted'), false) AS covered,
           coalesce(bool_or(status = 'withdrawn'), false) AS withdrawn,
           string_agg(consent_purpose || ' '
                      || coalesce(status || ' ' || strftime(recorded_at, '%Y-%m-%d %H:%M:%S'), 'none'),
                      ', ' ORDER BY consent_purpose) AS states
    FROM latest
    GROUP BY send_id, person_id, channel, purpose, sent_at, judged_as, why
)
SELECT *,
       purpose || ' by ' || channel || ' sent ' || strftime(sent_at, '%Y-%m-%d %H:%M:%S')
           || ' to ' || judged_as || CASE WHEN judged_as = 'prospect' THEN coalesce(why, '') ELSE '' END
           || '; latest consent at send: ' || states AS observed
FROM verdict
