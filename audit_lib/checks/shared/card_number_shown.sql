-- name: card_number_shown
-- The SEC-PAN-UNMASKED test, once: every payment with a card number, and whether a digit stands at a
-- position other than the first 6 or the last 4 once spaces and dashes are removed (a full card number).
-- RET-CARD-DATA reads it too: a truncated or masked value is not card data kept for disputes.
WITH p AS (
    SELECT payment_id, person_id, method, paid_at, deferred_debit,
           regexp_replace(card_number, '[ -]', '', 'g') AS pan
    FROM payments
    WHERE NOT blank(card_number)
), m AS (
    SELECT *, CASE WHEN length(pan) > 10 THEN substr(pan, 7, length(pan) - 10) ELSE '' END AS middle
    FROM p
)
SELECT payment_id, person_id, method, paid_at, deferred_debit,
       length(regexp_replace(middle, '[^0-9]', '', 'g')) AS middle_digits,
       length(regexp_replace(pan, '[^0-9]', '', 'g')) AS visible_digits,
       regexp_matches(middle, '[0-9]') AS full_number
FROM m
