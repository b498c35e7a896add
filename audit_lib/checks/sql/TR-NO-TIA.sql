-- name: TR-NO-TIA
-- SCC 2021 or BCR relied on outside the EEA (no adequacy met on as_of) without a transfer impact
-- assessment on record (Schrems II; EDPB Recommendations 01/2020).
SELECT r.recipient_id AS record_id,
       'country=' || r.country || '; mechanism=' || r.mechanism || '; tia_completed_at empty' AS observed
FROM recipients r
WHERE r.mechanism IN ('scc_2021', 'bcr')
  AND r.tia_completed_at IS NULL
  AND r.country NOT IN (SELECT code FROM ref_eea)
  AND NOT EXISTS (SELECT 1 FROM ref_adequacy a
                  WHERE a.code = r.country
                    AND $as_of >= a.decision_date
                    AND (a.end_date IS NULL OR $as_of < a.end_date)
                    AND (a.recipient_condition IS NULL
                         OR (a.recipient_condition = 'dpf_certified' AND r.dpf_certified)))
