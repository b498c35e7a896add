-- name: LB-SEND-NO-CONSENT
-- The consent state at send time is the shared relation consent_at_send (checks/shared/consent_at_send.sql),
-- computed once per run for both consent checks.
SELECT send_id AS record_id, person_id, observed
FROM consent_at_send
WHERE NOT covered AND NOT withdrawn
