-- name: TR-UNDISCLOSED-RECIPIENT
-- A recipient whose role is not one of the categories §5 of the policy names (Art. 13(1)(e)).
SELECT r.recipient_id AS record_id,
       'role=' || r.role || '; not among the policy''s recipient categories' AS observed
FROM recipients r
WHERE r.role NOT IN (SELECT category FROM policy_recipient_categories)
