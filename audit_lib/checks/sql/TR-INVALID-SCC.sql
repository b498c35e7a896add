-- name: TR-INVALID-SCC
-- A transfer outside the EEA resting on repealed standard contractual clauses (2001, 2004, 2010),
-- with no adequacy decision met on as_of (shared relation recipient_adequacy). Fires whatever the
-- as_of: the old clauses are not judged by date here (spec/checks.md, "Adequacy").
SELECT recipient_id AS record_id,
       'country=' || country || '; mechanism=' || mechanism AS observed
FROM recipient_adequacy
WHERE mechanism IN ('scc_2010', 'scc_2004', 'scc_2001')
  AND NOT adequacy_met
