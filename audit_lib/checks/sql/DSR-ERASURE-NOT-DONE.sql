-- name: DSR-ERASURE-NOT-DONE
-- persons_all: a row left out of other checks for data quality still shows the person was not erased.
-- An archived customer row is the legal archive (§9.3, Art. 17(3)(b)) and does not count; an archived
-- prospect row does (catalogue 1.1). The legal hold is the shared relation held_persons.
WITH kept AS (
    SELECT person_id, count(*) AS n_rows, bool_or(archived IS TRUE) AS any_archived
    FROM persons_all
    WHERE person_id IS NOT NULL
      AND NOT (archived IS TRUE AND subject_type = 'customer')
    GROUP BY person_id
)
SELECT r.request_id AS record_id,
       r.person_id,
       format('erasure granted{}; person still in persons ({} row(s){})',
              CASE WHEN r.responded_at IS NOT NULL THEN format(', responded {}', local_date(r.responded_at)) ELSE '' END,
              k.n_rows, CASE WHEN k.any_archived THEN ', archived prospect' ELSE '' END) AS observed
FROM rights_requests r
JOIN kept k ON k.person_id = r.person_id
WHERE r.type = 'erasure'
  AND r.outcome = 'granted'
  AND r.person_id NOT IN (SELECT person_id FROM held_persons)
