-- name: RET-CARD-DATA
-- Only a full card number is card data kept "for disputes" (catalogue 1.1): the SEC-PAN-UNMASKED test,
-- read from the shared relation card_number_shown. The number itself is never selected into observed.
WITH dated AS (
    SELECT payment_id, person_id, deferred_debit, local_date(paid_at) AS paid_on,
           add_months(local_date(paid_at),
                      CASE WHEN deferred_debit THEN $deferred_card_dispute_months ELSE $card_dispute_months END) AS deadline
    FROM card_number_shown
    WHERE full_number
      AND (person_id IS NULL OR person_id NOT IN (SELECT person_id FROM held_persons))
)
SELECT payment_id AS record_id,
       person_id,
       'paid ' || strftime(paid_on, '%Y-%m-%d') || '; full card number kept'
           || CASE WHEN deferred_debit THEN ' (deferred debit)' ELSE '' END
           || '; deadline ' || strftime(deadline, '%Y-%m-%d') AS observed,
       deadline,
       $as_of::DATE AS judged
FROM dated
WHERE $as_of > deadline
