-- name: LB-SOURCE-NOT-INFORMED
-- Art. 14(3): a person whose details came from a third party (source in policy_third_party_sources,
-- trimmed, case-insensitive) is told within one month of collection, and at the latest at the first
-- message sent to them (date of the earliest sent_at, local; communications is an optional lookup).
WITH first_message AS (
    SELECT person_id, min(local_date(sent_at)) AS first_sent
    FROM communications
    GROUP BY person_id
), p AS (
    SELECT p.person_id, lower(trim(p.source)) AS source, p.collected_at, p.art14_notice_at,
           add_months(p.collected_at, 1) AS deadline, f.first_sent
    FROM persons p
    LEFT JOIN first_message f USING (person_id)
    WHERE lower(trim(p.source)) IN (SELECT lower(trim(source)) FROM policy_third_party_sources)
)
SELECT person_id AS record_id,
       person_id,
       format('source {}; collected {}; {}', source, collected_at,
              CASE WHEN art14_notice_at IS NULL THEN format('never told (one-month limit {})', deadline)
                   WHEN art14_notice_at > deadline THEN format('told {}, after the one-month limit {}', art14_notice_at, deadline)
                   ELSE format('told {}, after the first message of {}', art14_notice_at, first_sent) END) AS observed
FROM p
WHERE (art14_notice_at IS NULL AND $as_of > deadline)
   OR art14_notice_at > deadline
   OR art14_notice_at > first_sent
