-- name: disclosed_destination
-- Which of the policy's disclosed destinations (§7) covers each country outside the EEA that receives
-- data, once (TR-UNDISCLOSED-DESTINATION and the transfer inventory read it): a disclosed country, or a
-- UN M49 region (ref_m49_group) that holds the country. One row per (country, destination).
SELECT DISTINCT r.country, d.kind, d.value
FROM recipients r
JOIN policy_disclosed_destinations d
  ON (d.kind = 'country' AND upper(trim(d.value)) = r.country)
  OR (d.kind = 'm49_region' AND EXISTS (SELECT 1 FROM ref_m49_group g
                                        WHERE g.code = r.country AND lower(g.group_name) = lower(trim(d.value))))
WHERE r.country NOT IN (SELECT code FROM ref_eea)
