-- name: SEC-PAN-UNMASKED
-- Positions 7 .. length-4 of the number without spaces and dashes must hold no digit.
WITH p AS (
    SELECT payment_id, person_id, method, paid_at,
           regexp_replace(card_number, '[ -]', '', 'g') AS pan
    FROM payments
    WHERE NOT blank(card_number)
), m AS (
    SELECT *, CASE WHEN length(pan) > 10 THEN substr(pan, 7, length(pan) - 10) ELSE '' END AS middle
    FROM p
)
SELECT payment_id AS record_id,
       person_id,
       format('card_number shows {} digit(s) beyond the first 6 and last 4 ({} digit(s) visible in all); method {}; paid {}',
              length(regexp_replace(middle, '[^0-9]', '', 'g')),
              length(regexp_replace(pan, '[^0-9]', '', 'g')),
              method, local_date(paid_at)) AS observed
FROM m
WHERE regexp_matches(middle, '[0-9]')
