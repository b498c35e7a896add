-- name: DSR-WITHDRAWAL-NOT-RECORDED
-- The latest event per person and purpose; at the same instant `withdrawn` wins (sorted first).
WITH latest AS (
    SELECT person_id, purpose, status, recorded_at
    FROM consents
    WHERE recorded_at < $as_of_end
    QUALIFY row_number() OVER (PARTITION BY person_id, purpose
                               ORDER BY recorded_at DESC, (status = 'withdrawn') DESC) = 1
)
SELECT r.request_id AS record_id,
       r.person_id,
       format('withdrawal granted, responded {}; latest consent still granted for {}',
              local_date(r.responded_at),
              string_agg(format('{} (recorded {})', l.purpose, local_date(l.recorded_at)), ', ' ORDER BY l.purpose)
       ) AS observed
FROM rights_requests r
JOIN latest l ON l.person_id = r.person_id
WHERE r.type = 'withdraw_consent'
  AND r.outcome = 'granted'
  AND l.status = 'granted'
  AND l.recorded_at < r.responded_at
GROUP BY r.request_id, r.person_id, r.responded_at
