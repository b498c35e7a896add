-- name: LB-CONSENT-NO-PROOF
SELECT k.consent_id AS record_id,
       k.person_id,
       k.purpose || ' granted ' || strftime(local_date(k.recorded_at), '%Y-%m-%d') || ', proof_ref empty' AS observed
FROM consents k
WHERE k.status = 'granted'
  AND blank(k.proof_ref)
