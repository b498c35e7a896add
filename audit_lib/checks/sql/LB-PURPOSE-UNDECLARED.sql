-- name: LB-PURPOSE-UNDECLARED
-- purpose_id names a purpose of the policy's §3.1 table (policy_purposes), trimmed, case-insensitive.
SELECT a.activity_id AS record_id,
       'purpose_id ''' || left(trim(a.purpose_id), 60) || ''' is not a purpose of the policy' AS observed
FROM processing_activities a
WHERE lower(trim(a.purpose_id)) NOT IN (SELECT purpose_id FROM policy_purposes)
