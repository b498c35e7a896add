-- name: DSR-ERASURE-NOT-DONE
-- persons_all: a row left out of other checks for data quality still shows the person was not erased.
WITH kept AS (
    SELECT person_id, count(*) AS n_rows, bool_or(archived IS TRUE) AS any_archived,
           bool_or(legal_hold IS TRUE) AS on_hold
    FROM persons_all
    WHERE person_id IS NOT NULL
    GROUP BY person_id
)
SELECT r.request_id AS record_id,
       r.person_id,
       format('erasure granted{}; person still in persons ({} row(s){})',
              CASE WHEN r.responded_at IS NOT NULL THEN format(', responded {}', local_date(r.responded_at)) ELSE '' END,
              k.n_rows, CASE WHEN k.any_archived THEN ', archived' ELSE '' END) AS observed
FROM rights_requests r
JOIN kept k ON k.person_id = r.person_id
WHERE r.type = 'erasure'
  AND r.outcome = 'granted'
  AND NOT k.on_hold
