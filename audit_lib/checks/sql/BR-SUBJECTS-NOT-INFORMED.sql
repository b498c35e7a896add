-- name: BR-SUBJECTS-NOT-INFORMED
SELECT breach_id AS record_id,
       format('risk high_risk; detected {}; data subjects not informed', local_date(detected_at)) AS observed
FROM breaches
WHERE risk = 'high_risk'
  AND subjects_notified_at IS NULL
