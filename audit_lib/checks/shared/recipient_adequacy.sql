-- name: recipient_adequacy
-- Shared by TR-NO-SAFEGUARD, TR-INVALID-SCC and TR-NO-TIA: every recipient outside the EEA with whether
-- an adequacy decision is met on as_of (in force from its decision date and before its end date;
-- the US only for DPF-certified recipients, the one recipient-level condition), and the decision's
-- dates for the finding's text.
SELECT r.*,
       EXISTS (SELECT 1 FROM ref_adequacy a
               WHERE a.code = r.country
                 AND $as_of >= a.decision_date
                 AND (a.end_date IS NULL OR $as_of < a.end_date)
                 AND (a.recipient_condition IS NULL
                      OR (a.recipient_condition = 'dpf_certified' AND r.dpf_certified))) AS adequacy_met,
       (SELECT min(a.decision_date) FROM ref_adequacy a WHERE a.code = r.country) AS decision_date,
       (SELECT max(a.end_date) FROM ref_adequacy a WHERE a.code = r.country) AS end_date,
       EXISTS (SELECT 1 FROM ref_adequacy a
               WHERE a.code = r.country AND a.recipient_condition = 'dpf_certified') AS needs_dpf
FROM recipients r
WHERE r.country NOT IN (SELECT code FROM ref_eea)
