-- name: RET-CUSTOMER-ARCHIVE-EXPIRED
SELECT person_id AS record_id,
       person_id,
       'relationship_end_at ' || strftime(relationship_end_at, '%Y-%m-%d') || '; archived ' || archived::VARCHAR
           || '; deadline ' || strftime(add_years(relationship_end_at, $archive_years), '%Y-%m-%d') AS observed,
       add_years(relationship_end_at, $archive_years) AS deadline,
       $as_of::DATE AS judged
FROM persons
WHERE subject_type = 'customer'
  AND relationship_end_at IS NOT NULL
  AND person_id NOT IN (SELECT person_id FROM held_persons)
  AND $as_of > add_years(relationship_end_at, $archive_years)
