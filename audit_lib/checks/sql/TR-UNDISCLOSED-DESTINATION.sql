-- name: TR-UNDISCLOSED-DESTINATION
-- A country outside the EEA that §7 of the policy does not name: no row in the shared relation
-- disclosed_destination (neither a disclosed country nor inside a disclosed UN M49 region; Art. 13(1)(f)).
SELECT r.recipient_id AS record_id,
       'country=' || r.country
       || coalesce('; m49_region=' || (SELECT m.region FROM ref_m49 m WHERE m.code = r.country), '')
       || '; not among the disclosed destinations' AS observed
FROM recipients r
WHERE r.country NOT IN (SELECT code FROM ref_eea)
  AND r.country NOT IN (SELECT country FROM disclosed_destination)
