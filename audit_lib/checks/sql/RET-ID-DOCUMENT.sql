-- name: RET-ID-DOCUMENT
-- Compared by date: deleted on the verification date (+ grace days) is in time. A document not deleted
-- at all is a finding as soon as identity is verified (the catalogue's plain reading: "empty or later").
SELECT request_id AS record_id,
       person_id,
       'identity_verified_at ' || strftime(local_date(identity_verified_at), '%Y-%m-%d')
           || '; id_document_deleted_at ' || coalesce(strftime(local_date(id_document_deleted_at), '%Y-%m-%d'), 'empty')
           || '; deadline ' || strftime(add_days(local_date(identity_verified_at), $id_document_grace_days), '%Y-%m-%d') AS observed,
       add_days(local_date(identity_verified_at), $id_document_grace_days) AS deadline,
       coalesce(local_date(id_document_deleted_at), $as_of::DATE) AS judged
FROM rights_requests
WHERE id_document_received_at IS NOT NULL
  AND identity_verified_at IS NOT NULL
  AND (id_document_deleted_at IS NULL
       OR local_date(id_document_deleted_at) > add_days(local_date(identity_verified_at), $id_document_grace_days))
