-- name: TR-UNDISCLOSED-DESTINATION
-- A country outside the EEA that §7 of the policy does not name: neither a disclosed country
-- nor inside a disclosed UN M49 region (Art. 13(1)(f)).
SELECT r.recipient_id AS record_id,
       'country=' || r.country
       || coalesce('; m49_region=' || (SELECT m.region FROM ref_m49 m WHERE m.code = r.country), '')
       || '; not among the disclosed destinations' AS observed
FROM recipients r
WHERE r.country NOT IN (SELECT code FROM ref_eea)
  AND NOT EXISTS (SELECT 1 FROM policy_disclosed_destinations d
                  WHERE (d.kind = 'country' AND upper(trim(d.value)) = r.country)
                     OR (d.kind = 'm49_region'
                         AND EXISTS (SELECT 1 FROM ref_m49_group g
                                     WHERE g.code = r.country
                                       AND lower(g.group_name) = lower(trim(d.value)))))
