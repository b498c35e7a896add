-- name: TR-REVIEW-OVERDUE
-- A transfer outside the EEA never reviewed, or last reviewed more than $transfer_review_months
-- months before as_of (on the due date itself it is in time).
SELECT r.recipient_id AS record_id,
       'country=' || r.country
       || CASE WHEN r.last_reviewed_at IS NULL THEN '; last_reviewed_at empty'
               ELSE '; last_reviewed_at=' || strftime(r.last_reviewed_at, '%Y-%m-%d')
                    || '; review due ' || strftime(add_months(r.last_reviewed_at, $transfer_review_months), '%Y-%m-%d')
          END AS observed
FROM recipients r
WHERE r.country NOT IN (SELECT code FROM ref_eea)
  AND (r.last_reviewed_at IS NULL
       OR $as_of > add_months(r.last_reviewed_at, $transfer_review_months))
