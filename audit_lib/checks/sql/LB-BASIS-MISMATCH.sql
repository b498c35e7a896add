-- name: LB-BASIS-MISMATCH
-- Only a valid basis on a declared purpose can mismatch: an unknown basis is LB-NO-BASIS, an unknown
-- purpose LB-PURPOSE-UNDECLARED.
WITH declared AS (
    SELECT purpose_id, string_agg(basis, ', ' ORDER BY basis) AS bases
    FROM policy_purposes
    GROUP BY purpose_id
),
activity AS (
    SELECT activity_id, lower(trim(purpose_id)) AS purpose_id, lower(trim(lawful_basis)) AS basis
    FROM processing_activities
)
SELECT a.activity_id AS record_id,
       'purpose_id ' || a.purpose_id || ' recorded on ' || a.basis
           || '; the policy declares ' || d.bases AS observed
FROM activity a
JOIN declared d ON d.purpose_id = a.purpose_id
WHERE a.basis IN (SELECT basis FROM ref_art6_bases)
  AND NOT EXISTS (SELECT 1 FROM policy_purposes pp WHERE pp.purpose_id = a.purpose_id AND pp.basis = a.basis)
