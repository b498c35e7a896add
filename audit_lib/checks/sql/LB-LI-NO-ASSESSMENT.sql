-- name: LB-LI-NO-ASSESSMENT
SELECT a.activity_id AS record_id,
       'lawful_basis legitimate_interests, lia_ref empty; purpose_id ' || coalesce(trim(a.purpose_id), '') AS observed
FROM processing_activities a
WHERE lower(trim(a.lawful_basis)) = 'legitimate_interests'
  AND blank(a.lia_ref)
