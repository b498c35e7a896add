-- name: BR-SUBJECTS-NOT-INFORMED
-- An Art. 34(3) exception recorded in subjects_notice_exemption (encrypted, risk_mitigated,
-- public_communication) exempts the breach (catalogue 1.1).
SELECT breach_id AS record_id,
       format('risk high_risk; detected {}; data subjects not informed; no Art. 34(3) exception recorded',
              local_date(detected_at)) AS observed
FROM breaches
WHERE risk = 'high_risk'
  AND subjects_notified_at IS NULL
  AND subjects_notice_exemption IS NULL
