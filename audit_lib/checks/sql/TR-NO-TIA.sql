-- name: TR-NO-TIA
-- SCC 2021 or BCR relied on outside the EEA (no adequacy met on as_of: shared relation
-- recipient_adequacy) without a transfer impact assessment on record (Schrems II; EDPB
-- Recommendations 01/2020).
SELECT recipient_id AS record_id,
       'country=' || country || '; mechanism=' || mechanism || '; tia_completed_at empty' AS observed
FROM recipient_adequacy
WHERE mechanism IN ('scc_2021', 'bcr')
  AND tia_completed_at IS NULL
  AND NOT adequacy_met
