-- name: LB-NO-BASIS
-- lawful_basis is free text in the register: trimmed and case-insensitive against the six bases of
-- Art. 6(1)(a)-(f), with (b) in its two halves (contract, pre_contractual). Empty or unknown is this
-- finding, not a data-quality one (spec/data_contract.md). The bases are reference data (ref_art6_bases).
SELECT a.activity_id AS record_id,
       CASE WHEN blank(a.lawful_basis) THEN 'lawful_basis empty'
            ELSE 'lawful_basis ''' || left(trim(a.lawful_basis), 60) || ''' is not an Art. 6 basis' END
           || '; purpose_id ' || coalesce(trim(a.purpose_id), '') AS observed
FROM processing_activities a
WHERE blank(a.lawful_basis)
   OR lower(trim(a.lawful_basis)) NOT IN (SELECT basis FROM ref_art6_bases)
