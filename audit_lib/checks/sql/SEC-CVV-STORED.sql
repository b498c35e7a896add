-- name: SEC-CVV-STORED
-- The value itself is never shown, not even its length.
SELECT payment_id AS record_id,
       person_id,
       format('card_cvv stored; method {}; paid {}', method, local_date(paid_at)) AS observed
FROM payments
WHERE NOT blank(card_cvv)
