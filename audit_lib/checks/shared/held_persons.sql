-- name: held_persons
-- The legal-hold rule, once (spec/checks.md "Shared rules"): the persons kept for a dispute or a legal
-- obligation, exempt from RET-PROSPECT-3Y, RET-CUSTOMER-NOT-ARCHIVED, RET-CUSTOMER-ARCHIVE-EXPIRED,
-- RET-CARD-DATA (the payments that name them) and DSR-ERASURE-NOT-DONE. Read on persons_all: a row left
-- out of the checks for data quality still holds the person.
SELECT DISTINCT person_id FROM persons_all WHERE legal_hold AND person_id IS NOT NULL
