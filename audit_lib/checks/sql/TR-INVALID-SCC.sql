-- name: TR-INVALID-SCC
-- A transfer outside the EEA resting on repealed standard contractual clauses (2001, 2004, 2010),
-- with no adequacy decision met on as_of. Fires whatever the as_of: the old clauses are not
-- judged by date here (spec/checks.md, "Adequacy").
SELECT r.recipient_id AS record_id,
       'country=' || r.country || '; mechanism=' || r.mechanism AS observed
FROM recipients r
WHERE r.mechanism IN ('scc_2010', 'scc_2004', 'scc_2001')
  AND r.country NOT IN (SELECT code FROM ref_eea)
  AND NOT EXISTS (SELECT 1 FROM ref_adequacy a
                  WHERE a.code = r.country
                    AND $as_of >= a.decision_date
                    AND (a.end_date IS NULL OR $as_of < a.end_date)
                    AND (a.recipient_condition IS NULL
                         OR (a.recipient_condition = 'dpf_certified' AND r.dpf_certified)))
