"""The record of processing activities and the recipients inventory: a clean register plus plants."""
from __future__ import annotations

from datetime import date

from .plan import Plan

BRAZIL_ADEQUACY = date(2026, 1, 26)  # decision date (reference data: adequacy.yaml)
UK_ADEQUACY_END = date(2031, 12, 27)

# (activity_id, name, purpose_id, lawful_basis, lia_ref, categories, recipients, retention rule)
ROPA = (
    ("A001", "Contact and quote requests", "request_handling", "pre_contractual", None, "identity;professional;commercial", "RCP-002;RCP-012", "prospect_years"),
    ("A002", "Technical support tickets", "request_handling", "legitimate_interests", "LIA-2022-01", "identity;professional;commercial", "RCP-012", "prospect_years"),
    ("A003", "Order processing and delivery", "order_management", "contract", None, "identity;professional;commercial", "RCP-001;RCP-007;RCP-008", "active_after_end_years"),
    ("A004", "After-sales service", "order_management", "contract", None, "identity;commercial", "RCP-007", "active_after_end_years"),
    ("A005", "Warranty claims", "warranty_management", "legal_obligation", None, "identity;commercial", "RCP-001", "archive_years"),
    ("A006", "Recovery of unpaid invoices", "litigation_management", "legitimate_interests", "LIA-2022-02", "identity;commercial;payment", "RCP-020", "archive_years"),
    ("A007", "Accounting and invoicing", "accounting_tax", "legal_obligation", None, "identity;commercial;payment", "RCP-021;RCP-022", "archive_years"),
    ("A008", "Customer scoring and satisfaction surveys", "customer_knowledge", "legitimate_interests", "LIA-2022-03", "identity;professional;commercial", "RCP-013", "active_after_end_years"),
    ("A009", "Newsletters and e-mail campaigns to prospects", "electronic_prospection", "consent", None, "identity;professional", "RCP-013", "prospect_years"),
    ("A010", "E-mail offers to customers (similar products)", "electronic_prospection", "legitimate_interests", "LIA-2022-04", "identity;professional;commercial", "RCP-013", "active_after_end_years"),
    ("A011", "Catalogue mailings", "postal_prospection", "legitimate_interests", "LIA-2022-05", "identity;professional", "RCP-023", "prospect_years"),
    ("A012", "Opposition list", "objection_list", "legal_obligation", None, "identity", None, "archive_years"),
    ("A013", "Customer events and trade fairs", "events", "legitimate_interests", "LIA-2022-06", "identity;professional", "RCP-023", "prospect_years"),
    ("A014", "Product selectors and configurators", "product_tools", "contract", None, "identity;professional;connection", "RCP-014", "active_after_end_years"),
    ("A015", "Website hosting and security logs", "website_security", "legitimate_interests", "LIA-2022-07", "connection", "RCP-014", "connection_log_years"),
    ("A016", "Web analytics", "usage_statistics", "legitimate_interests", "LIA-2022-08", "connection", "RCP-015", "connection_log_years"),
    ("A017", "Customer portal accounts", "user_accounts", "contract", None, "identity;professional;connection", "RCP-014", "active_after_end_years"),
    ("A018", "Online payments", "order_management", "contract", None, "identity;payment", "RCP-016", "card_dispute_months"),
)

# (recipient_id, name, role, country, dpf, mechanism, derogation, dpa, tia, reviewed days ago, categories)
RECIPIENTS = (
    ("RCP-001", "Socomec SAS", "subsidiary", "FR", None, "eea", None, None, None, None, "identity;professional;commercial"),
    ("RCP-002", "Socomec Belgium NV", "subsidiary", "BE", None, "eea", None, None, None, 400, "identity;professional;commercial"),
    ("RCP-003", "Socomec GmbH", "subsidiary", "DE", None, "eea", None, None, None, None, "identity;professional"),
    ("RCP-004", "Socomec Ibérica SA", "subsidiary", "ES", None, "eea", None, None, None, None, "identity;professional"),
    ("RCP-005", "Socomec Italia Srl", "subsidiary", "IT", None, "eea", None, None, None, None, "identity;professional"),
    ("RCP-006", "Socomec Polska Sp. z o.o.", "subsidiary", "PL", None, None, None, None, None, None, "identity;professional"),
    ("RCP-007", "Vandeputte Elektro NV", "distributor", "BE", None, "eea", None, None, None, None, "identity;professional;commercial"),
    ("RCP-008", "Comptoir Électrique du Nord SAS", "distributor", "FR", None, "eea", None, None, None, None, "identity;professional;commercial"),
    ("RCP-009", "Elektrotechniek Groothandel BV", "distributor", "NL", None, "eea", None, None, None, None, "identity;professional;commercial"),
    ("RCP-010", "ElectroLux Distribution SARL", "distributor", "LU", None, "eea", None, None, None, None, "identity;professional;commercial"),
    ("RCP-011", "Nordic Power Solutions AB", "distributor", "SE", None, "eea", None, None, None, None, "identity;professional"),
    ("RCP-012", "CloudCRM Europe Ltd", "processor", "IE", None, "eea", None, 1500, None, 300, "identity;professional;commercial"),
    ("RCP-013", "Mailwave GmbH", "processor", "DE", None, "eea", None, 1200, None, 300, "identity;professional"),
    ("RCP-014", "HostingPartner BV", "processor", "NL", None, "eea", None, 1800, None, 200, "connection;identity"),
    ("RCP-015", "Insightful Analytics Inc.", "processor", "US", "true", "adequacy", None, 900, None, 200, "connection"),
    ("RCP-016", "PayFlow Payments BV", "processor", "NL", None, "eea", None, 1000, None, None, "payment;identity"),
    ("RCP-017", "Socomec Inc.", "subsidiary", "US", "false", "bcr", None, None, 700, 150, "identity;professional;commercial"),
    ("RCP-018", "Socomec China Ltd", "subsidiary", "CN", None, "bcr", None, None, 700, 150, "identity;professional"),
    ("RCP-019", "Socomec Innovative Power Solutions Pvt Ltd", "subsidiary", "IN", None, "bcr", None, None, 700, 150, "identity;professional"),
    ("RCP-020", "Cabinet Dupont & Associés", "advisor", "FR", None, "eea", None, None, None, None, "identity;commercial;payment"),
    ("RCP-021", "Réviseurs Réunis BV", "advisor", "BE", None, "eea", None, None, None, None, "identity;commercial;payment"),
    ("RCP-022", "FOD Financiën / SPF Finances", "authority", "BE", None, "eea", None, None, None, None, "identity;commercial;payment"),
    ("RCP-023", "Eventhuis Events BV", "commercial_partner", "NL", None, "eea", None, None, None, None, "identity;professional"),
    ("RCP-024", "Socomec Brasil Ltda", "subsidiary", "BR", None, "bcr", None, None, 500, 100, "identity;professional"),
    ("RCP-025", "Socomec Japan KK", "subsidiary", "JP", None, "adequacy", None, None, None, 120, "identity;professional"),
    ("RCP-026", "Socomec Singapore Pte Ltd", "subsidiary", "SG", None, "scc_2021", None, None, 500, 120, "identity;professional"),
    ("RCP-027", "Distribuidora Eléctrica del Plata SA", "distributor", "AR", None, "adequacy", None, None, None, 300, "identity;professional"),
    ("RCP-028", "Eléctrica Oriental SA", "distributor", "UY", None, "adequacy", None, None, None, 300, "identity;professional"),
    ("RCP-029", "Energía Confiable SA de CV", "distributor", "MX", None, "scc_2021", None, None, 400, 300, "identity;professional"),
    ("RCP-030", "Power Systems Korea Co.", "distributor", "KR", None, "adequacy", None, None, None, 250, "identity;professional"),
    ("RCP-031", "Tel Aviv Power Ltd", "distributor", "IL", None, "adequacy", None, None, None, 250, "identity;professional"),
    ("RCP-032", "Anadolu Enerji AŞ", "distributor", "TR", None, "scc_2021", None, None, 350, 250, "identity;professional"),
    ("RCP-033", "Formosa Power Co.", "distributor", "TW", None, "scc_2021", None, None, 350, 250, "identity;professional"),
    ("RCP-034", "Offshore Support Services Pvt Ltd", "processor", "IN", None, "scc_2021", None, 800, 600, 180, "identity;professional"),
)


def plant_ropa(plan: Plan) -> None:
    def activity(aid, name, purpose, basis, lia, *findings):
        plan.add("processing_activities", {
            "activity_id": aid, "name": name, "purpose_id": purpose, "lawful_basis": basis, "lia_ref": lia,
            "data_categories": "identity;professional", "retention_rule": "prospect_years",
            "owner": "Marketing", "last_reviewed_at": plan.ago(200).isoformat()}, *findings)

    for aid, name, purpose, basis, lia, cats, recips, rule in ROPA:
        plan.rows["processing_activities"].append({
            "activity_id": aid, "name": name, "purpose_id": purpose, "lawful_basis": basis, "lia_ref": lia,
            "data_categories": cats, "recipients": recips, "retention_rule": rule,
            "owner": "DPO office" if purpose in ("objection_list", "accounting_tax") else "Sales & marketing",
            "last_reviewed_at": plan.ago(240).isoformat()})
    activity("A101", "Online review monitoring", "e_reputation", "legitimate_interests", None, "LB-LI-NO-ASSESSMENT")
    activity("A102", None, "social_networks", "legitimate_interests", "LIA-2023-01", "DQ-MISSING-REQUIRED")
    plan.expect("LB-ROPA-GAP", "social_networks")  # its only activity is left out for data quality
    plan.expect("LB-ROPA-GAP", "social_interactions")  # no activity at all
    activity("A103", "Tax audit files", "accounting_tax", "legitimate_interests", "LIA-2023-07", "LB-BASIS-MISMATCH")
    activity("A104", "Dealer incentive events", "events", " Consent ", None, "LB-BASIS-MISMATCH")
    activity("A105", "AI lead scoring", "lead_scoring", "consent", None, "LB-PURPOSE-UNDECLARED")
    activity("A106", "Lead sharing with distributors", "customer_knowledge", None, None, "LB-NO-BASIS")
    activity("A107", "Trade-fair badge scans", "request_handling", "legitimate interest", None, "LB-NO-BASIS")
    activity("A108", "Quote follow-up calls", "request_handling", " PRE_CONTRACTUAL ", None)


def plant_recipients(plan: Plan) -> None:
    def rows(items, planted):
        for rid, name, role, country, dpf, mech, why, dpa, tia, rev, cats, *findings in items:
            row = {"recipient_id": rid, "name": name, "role": role, "country": country, "dpf_certified": dpf,
                   "mechanism": mech, "derogation_reason": why,
                   "dpa_signed_at": dpa if dpa is None or isinstance(dpa, str) else plan.ago(dpa).isoformat(),
                   "tia_completed_at": None if tia is None else plan.ago(tia).isoformat(),
                   "last_reviewed_at": rev if rev is None or isinstance(rev, str) else plan.ago(rev).isoformat(),
                   "data_categories": cats}
            if planted:
                plan.add("recipients", row, *findings)
            else:
                plan.rows["recipients"].append(row)

    rows(RECIPIENTS, planted=False)
    br = ["TR-NO-SAFEGUARD"] if plan.as_of < BRAZIL_ADEQUACY else []
    uk = ["TR-INVALID-SCC"] if plan.as_of >= UK_ADEQUACY_END else []
    late, ok = plan.boundary(24)  # transfer_review_months
    c = "identity;professional"
    rows((
        ("RCP-101", "LeadGen Cloud Inc.", "processor", "US", "false", None, None, 300, None, 100, c, "TR-NO-SAFEGUARD"),
        ("RCP-102", "Webinar Hosting Inc.", "processor", "US", "yes", None, None, 300, None, 100, c),
        ("RCP-103", "Socomec North America Sales LLC", "distributor", "United States", "true", "adequacy", None, None, None, 100, c),
        ("RCP-104", "Survey Tools Inc.", "processor", "USA", "false", "scc_2021", None, 300, 250, 100, c),
        ("RCP-105", "Distribuidora Paulista Ltda", "distributor", "Brazil", None, None, None, None, None, 100, c, *br),
        ("RCP-106", "Socomec Energia Ltda", "subsidiary", "BRA", None, "adequacy", None, None, None, 100, c, *br),
        ("RCP-107", "Bangalore Data Services Pvt Ltd", "processor", "IN", None, "scc_2010", None, 900, None, 100, c, "TR-INVALID-SCC"),
        ("RCP-108", "Socomec UK Ltd", "subsidiary", "UK", None, "scc_2010", None, None, None, 100, c, "TR-UNDISCLOSED-DESTINATION", *uk),
        ("RCP-109", "Shenzhen Trading Co.", "distributor", "CN", None, "derogation_49", None, None, None, 100, c, "TR-NO-SAFEGUARD"),
        ("RCP-110", "Shanghai Project Partner Co.", "commercial_partner", "CN", None, "derogation_49",
         "Art. 49(1)(b): necessary for the performance of a contract requested by the data subject", None, None, 100, c),
        ("RCP-111", "Asia Support Desk Pte Ltd", "processor", "SG", None, "scc_2021", None, 300, None, 100, c, "TR-NO-TIA"),
        ("RCP-112", "Grupo Eléctrico Azteca SA", "distributor", "MX", None, "bcr", None, None, None, 100, c, "TR-NO-TIA"),
        ("RCP-113", "Osaka Electric Trading KK", "distributor", "JP", None, "adequacy", None, None, None, 100, c),
        ("RCP-114", "Print & Mail Services BV", "processor", "BE", None, "eea", None, None, None, None, c, "TR-NO-DPA"),
        ("RCP-115", "Athens Call Centre SA", "processor", "EL", None, "eea", None, 400, None, None, c),
        ("RCP-116", "Socomec Schweiz AG", "subsidiary", "CH", None, "adequacy", None, None, None, 100, c, "TR-UNDISCLOSED-DESTINATION"),
        ("RCP-117", "Istanbul Elektrik Ticaret AŞ", "distributor", "TUR", None, "scc_2021", None, None, 200, 100, c),
        ("RCP-118", "Cape Power Distributors (Pty) Ltd", "distributor", "ZA", None, "scc_2021", None, None, 200, 100, c, "TR-UNDISCLOSED-DESTINATION"),
        ("RCP-119", "Southern Cross Electrical Pty Ltd", "distributor", "AUS", None, "scc_2021", None, None, 200, 100, c, "TR-UNDISCLOSED-DESTINATION"),
        ("RCP-120", "Nordic Data Centre AS", "processor", "NO", None, "eea", None, 500, None, None, c),
        ("RCP-121", "Campaign Metrics Inc.", "processor", "US", "false", "eea", None, 300, None, 100, c, "TR-NO-SAFEGUARD"),
        ("RCP-122", "Taipei Automation Co.", "distributor", "TW", None, "scc_2021", None, None, 200, 100, c),
        ("RCP-123", "Trade Directory Publisher SA", "other_controller", "FR", None, "eea", None, None, None, None, c, "TR-UNDISCLOSED-RECIPIENT"),
        ("RCP-124", "Pune Engineering Services Pvt Ltd", "processor", "IN", None, "scc_2021", None, 900, 800, ok.isoformat(), c),
        ("RCP-125", "Chennai Drafting Services Pvt Ltd", "processor", "IN", None, "scc_2021", None, 900, 800, late.isoformat(), c, "TR-REVIEW-OVERDUE"),
        ("RCP-126", "Seoul Power Systems Co.", "distributor", "KR", None, "adequacy", None, None, None, None, c, "TR-REVIEW-OVERDUE"),
        ("RCP-127", "Elektro Großhandel Süd GmbH", "distributor", "DE", None, "eea", None, None, None, None, c),
        ("RCP-128", "Atlantis Trading Ltd", "distributor", "Atlantis", None, "scc_2021", None, None, None, None, c, "DQ-INVALID-VALUE"),
        ("RCP-129", "Maple Power Inc.", "distributor", "CA", None, "adequacy", None, None, None, 100, c, "TR-UNDISCLOSED-DESTINATION"),
        ("RCP-130", "US Events Inc.", "commercial_partner", "US", "true", "scc_2004", None, None, None, 100, c),
        ("RCP-131", "Hanoi Electrical JSC", "distributor", "VN", None, "scc_2001", None, None, None, 100, c, "TR-INVALID-SCC"),
        ("RCP-132", "Haifa Electric Ltd", "distributor", "IL", None, "adequacy", None, None, None, 100, c),
        # a derogation is no tool for a processor: a systematic, ongoing transfer (catalogue 1.1)
        ("RCP-133", "Gulf Call Centre FZ-LLC", "processor", "AE", None, "derogation_49",
         "Art. 49(1)(b): necessary for the performance of a contract requested by the data subject", 300, None, 100, c,
         "TR-NO-SAFEGUARD"),
    ), planted=True)
