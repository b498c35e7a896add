-- name: LB-ROPA-GAP
-- Any activity row for the purpose counts, whatever other findings it has; rows left out for data
-- quality are not in the processing_activities view and so do not count (spec/checks.md).
SELECT pp.purpose_id AS record_id,
       'no activity in the register for purpose ' || pp.purpose_id
           || ' (policy basis: ' || string_agg(pp.basis, ', ' ORDER BY pp.basis) || ')' AS observed
FROM policy_purposes pp
WHERE pp.purpose_id NOT IN (
    SELECT lower(trim(purpose_id)) FROM processing_activities WHERE purpose_id IS NOT NULL
)
GROUP BY pp.purpose_id
