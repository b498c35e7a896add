-- name: RET-PROSPECT-3Y
-- A prospect's clock restarts on collection, on a contact the person initiated, and on a granted
-- retention_renewal (its local date; a later withdrawal does not undo the renewal that happened).
-- An archived prospect complies with §4 ("verwijderd of gearchiveerd") and is never a finding.
WITH renewal AS (
    SELECT person_id, max(local_date(recorded_at)) AS renewed_on
    FROM consents
    WHERE purpose = 'retention_renewal' AND status = 'granted'
    GROUP BY person_id
),
clocked AS (
    SELECT p.person_id, p.collected_at, p.last_contact_at, r.renewed_on,
           greatest(p.collected_at, p.last_contact_at, r.renewed_on) AS clock
    FROM persons p
    LEFT JOIN renewal r USING (person_id)
    WHERE p.subject_type = 'prospect'
      AND NOT coalesce(p.archived, false)
      AND p.person_id NOT IN (SELECT person_id FROM held_persons)
)
SELECT person_id AS record_id,
       person_id,
       'clock ' || strftime(clock, '%Y-%m-%d')
           || ' (collected_at ' || strftime(collected_at, '%Y-%m-%d')
           || coalesce('; last_contact_at ' || strftime(last_contact_at, '%Y-%m-%d'), '')
           || coalesce('; retention_renewal ' || strftime(renewed_on, '%Y-%m-%d'), '')
           || '); deadline ' || strftime(add_years(clock, $prospect_years), '%Y-%m-%d') AS observed,
       add_years(clock, $prospect_years) AS deadline,
       $as_of::DATE AS judged
FROM clocked
WHERE $as_of > add_years(clock, $prospect_years)
