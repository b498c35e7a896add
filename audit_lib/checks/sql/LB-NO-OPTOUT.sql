-- name: LB-NO-OPTOUT
-- Every prospection message by email or sms must carry a way to unsubscribe or object (GDPR Art. 21(4);
-- ePrivacy Art. 13(2); WER art. XII.13): optout_link false or empty is a finding. Runs only when the
-- extract's communications has the column optout_link (declared in the check).
SELECT send_id AS record_id,
       person_id,
       purpose || ' by ' || channel || ' sent ' || strftime(sent_at, '%Y-%m-%d %H:%M:%S')
           || '; optout_link ' || coalesce(optout_link::VARCHAR, 'empty') AS observed
FROM communications
WHERE purpose IN (SELECT purpose FROM policy_prospection_purposes)
  AND channel IN ('email', 'sms')
  AND NOT coalesce(optout_link, false)
