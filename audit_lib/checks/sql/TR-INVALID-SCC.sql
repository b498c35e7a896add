-- name: TR-INVALID-SCC
-- A transfer outside the EEA resting on repealed standard contractual clauses (2001, 2004, 2010), with
-- no adequacy decision met on as_of (shared relation recipient_adequacy), for an as_of on or after the
-- day the old clauses stopped counting (ref_scc.invalid_from, 2022-12-27: reference data, not a literal).
SELECT a.recipient_id AS record_id,
       'country=' || a.country || '; mechanism=' || a.mechanism
           || '; not valid since ' || strftime(s.invalid_from, '%Y-%m-%d') AS observed
FROM recipient_adequacy a
JOIN ref_scc s ON s.mechanism = a.mechanism
WHERE s.invalid_from IS NOT NULL
  AND $as_of >= s.invalid_from
  AND NOT a.adequacy_met
