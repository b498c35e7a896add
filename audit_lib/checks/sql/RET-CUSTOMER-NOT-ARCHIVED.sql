-- name: RET-CUSTOMER-NOT-ARCHIVED
SELECT person_id AS record_id,
       person_id,
       'relationship_end_at ' || strftime(relationship_end_at, '%Y-%m-%d') || '; archived false; deadline '
           || strftime(add_years(relationship_end_at, $active_after_end_years), '%Y-%m-%d') AS observed,
       add_years(relationship_end_at, $active_after_end_years) AS deadline,
       $as_of::DATE AS judged
FROM persons
WHERE subject_type = 'customer'
  AND relationship_end_at IS NOT NULL
  AND NOT archived
  AND person_id NOT IN (SELECT person_id FROM held_persons)
  AND $as_of > add_years(relationship_end_at, $active_after_end_years)
