-- name: TR-NO-DPA
-- A processor, wherever it is, without a signed processing agreement (Art. 28(3)).
SELECT r.recipient_id AS record_id,
       'role=processor; country=' || r.country || '; dpa_signed_at empty' AS observed
FROM recipients r
WHERE r.role = 'processor'
  AND r.dpa_signed_at IS NULL
