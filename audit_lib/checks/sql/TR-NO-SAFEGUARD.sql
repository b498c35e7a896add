-- name: TR-NO-SAFEGUARD
-- A recipient outside the EEA with no valid transfer tool: no adequacy decision in force on as_of
-- whose scope is met (shared relation recipient_adequacy; the US only for DPF-certified recipients),
-- and no SCC 2021, BCR or Art. 49 derogation with its reason. A derogation is no tool for a processor
-- (a systematic, ongoing transfer: EDPB Guidelines 2/2018). A repealed SCC is TR-INVALID-SCC's from its
-- invalid_from date (ref_scc) and still a tool before it; mechanism 'eea' counts for nothing.
SELECT recipient_id AS record_id,
       'country=' || country
       || '; mechanism=' || coalesce(mechanism, 'none recorded')
       || CASE WHEN mechanism = 'derogation_49' AND role = 'processor' THEN '; a derogation is no tool for a processor'
               WHEN mechanism = 'derogation_49' THEN '; derogation_reason empty' ELSE '' END
       || CASE WHEN decision_date IS NULL THEN '; no adequacy decision'
               WHEN $as_of < decision_date THEN '; adequacy only from ' || strftime(decision_date, '%Y-%m-%d')
               WHEN $as_of >= end_date THEN '; adequacy ended ' || strftime(end_date, '%Y-%m-%d')
               ELSE '' END
       || CASE WHEN needs_dpf THEN '; dpf_certified=' || dpf_certified::VARCHAR ELSE '' END AS observed
FROM recipient_adequacy
WHERE NOT adequacy_met
  AND coalesce(mechanism, 'none') NOT IN ('scc_2021', 'bcr')
  AND coalesce(mechanism, 'none') NOT IN (SELECT mechanism FROM ref_scc WHERE invalid_from IS NOT NULL)
  AND NOT (mechanism = 'derogation_49' AND NOT blank(derogation_reason) AND role <> 'processor')
