"""The canonical tables the generator writes, with their columns in contract order."""
from __future__ import annotations

COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("person_id", "subject_type", "collected_at", "source", "last_contact_at", "relationship_end_at",
                "archived", "legal_hold", "art14_notice_at", "first_name", "last_name", "email", "phone", "postal_address",
                "country", "company", "job_title", "linkedin_url", "company_number"),
    "consents": ("consent_id", "person_id", "purpose", "status", "recorded_at", "proof_ref", "wording_version"),
    "objections": ("objection_id", "person_id", "email", "scope", "registered_at"),
    "communications": ("send_id", "person_id", "channel", "purpose", "sent_at", "campaign_id", "personalised",
                       "optout_link"),
    "processing_activities": ("activity_id", "name", "purpose_id", "lawful_basis", "lia_ref", "data_categories",
                              "recipients", "retention_rule", "owner", "last_reviewed_at"),
    "recipients": ("recipient_id", "name", "role", "country", "dpf_certified", "mechanism", "derogation_reason",
                   "dpa_signed_at", "tia_completed_at", "last_reviewed_at", "data_categories"),
    "connection_logs": ("ts", "ip", "person_id", "event", "user_agent"),
    "rights_requests": ("request_id", "person_id", "type", "received_at", "extended", "extension_notified_at",
                        "id_document_received_at", "identity_verified_at", "id_document_deleted_at",
                        "responded_at", "outcome", "restriction_lifted_at"),
    "breaches": ("breach_id", "detected_at", "risk", "notified_authority_at", "subjects_notified_at",
                 "delay_reason", "subjects_notice_exemption"),
    "payments": ("payment_id", "person_id", "paid_at", "method", "card_number", "card_cvv", "card_expiry",
                 "deferred_debit"),
}
