-- name: TR-NO-SAFEGUARD
-- A recipient outside the EEA with no valid transfer tool: no adequacy decision in force on as_of
-- whose scope is met (the US only for DPF-certified recipients), and no SCC 2021, BCR or Art. 49
-- derogation with its reason. Repealed SCCs are TR-INVALID-SCC's; mechanism 'eea' counts for nothing.
WITH judged AS (
    SELECT r.*,
           EXISTS (SELECT 1 FROM ref_adequacy a
                   WHERE a.code = r.country
                     AND $as_of >= a.decision_date
                     AND (a.end_date IS NULL OR $as_of < a.end_date)
                     AND (a.recipient_condition IS NULL
                          OR (a.recipient_condition = 'dpf_certified' AND r.dpf_certified))) AS adequacy_met,
           (SELECT min(a.decision_date) FROM ref_adequacy a WHERE a.code = r.country) AS decision_date,
           (SELECT max(a.end_date) FROM ref_adequacy a WHERE a.code = r.country) AS end_date
    FROM recipients r
    WHERE r.country NOT IN (SELECT code FROM ref_eea)
)
SELECT recipient_id AS record_id,
       'country=' || country
       || '; mechanism=' || coalesce(mechanism, 'none recorded')
       || CASE WHEN mechanism = 'derogation_49' THEN '; derogation_reason empty' ELSE '' END
       || CASE WHEN decision_date IS NULL THEN '; no adequacy decision'
               WHEN $as_of < decision_date THEN '; adequacy only from ' || strftime(decision_date, '%Y-%m-%d')
               WHEN $as_of >= end_date THEN '; adequacy ended ' || strftime(end_date, '%Y-%m-%d')
               ELSE '' END
       || CASE WHEN EXISTS (SELECT 1 FROM ref_adequacy a
                            WHERE a.code = judged.country AND a.recipient_condition = 'dpf_certified')
               THEN '; dpf_certified=' || dpf_certified::VARCHAR ELSE '' END AS observed
FROM judged
WHERE NOT adequacy_met
  AND coalesce(mechanism, 'none') NOT IN ('scc_2021', 'bcr', 'scc_2010', 'scc_2004', 'scc_2001')
  AND NOT (mechanism = 'derogation_49' AND NOT blank(derogation_reason))
