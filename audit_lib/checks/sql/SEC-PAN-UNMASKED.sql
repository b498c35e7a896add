-- name: SEC-PAN-UNMASKED
-- The test is the shared relation card_number_shown (positions 7 .. length-4 hold a digit).
SELECT payment_id AS record_id,
       person_id,
       format('card_number shows {} digit(s) beyond the first 6 and last 4 ({} digit(s) visible in all); method {}; paid {}',
              middle_digits, visible_digits, method, local_date(paid_at)) AS observed
FROM card_number_shown
WHERE full_number
