-- name: RET-CARD-DATA
-- The card number itself is never selected into observed: only the dates and the card kind.
WITH held AS (
    SELECT DISTINCT person_id FROM persons_all WHERE legal_hold AND person_id IS NOT NULL
),
dated AS (
    SELECT payment_id, person_id, deferred_debit, local_date(paid_at) AS paid_on,
           add_months(local_date(paid_at),
                      CASE WHEN deferred_debit THEN $deferred_card_dispute_months ELSE $card_dispute_months END) AS deadline
    FROM payments
    WHERE NOT blank(card_number)
      AND (person_id IS NULL OR person_id NOT IN (SELECT person_id FROM held))
)
SELECT payment_id AS record_id,
       person_id,
       'paid ' || strftime(paid_on, '%Y-%m-%d') || '; card number kept'
           || CASE WHEN deferred_debit THEN ' (deferred debit)' ELSE '' END
           || '; deadline ' || strftime(deadline, '%Y-%m-%d') AS observed,
       deadline,
       $as_of::DATE AS judged
FROM dated
WHERE $as_of > deadline
