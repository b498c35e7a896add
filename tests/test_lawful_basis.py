"""Lawful basis (policy §3.1; GDPR Art. 6, 7, 21, 30): the LB-* checks on tiny hand-written extracts."""

from __future__ import annotations

import pytest

from audit_lib.run import run_check

AS_OF = "2026-10-31"


# --- helpers: one row per table, overridable -------------------------------------------------------


def activity(
    activity_id: str,
    purpose_id: str = "order_management",
    lawful_basis: str | None = "contract",
    lia_ref: str | None = None,
) -> dict:
    return {
        "activity_id": activity_id,
        "name": f"activity {activity_id}",
        "purpose_id": purpose_id,
        "lawful_basis": lawful_basis,
        "lia_ref": lia_ref,
    }


def person(
    person_id: str,
    subject_type: str = "prospect",
    relationship_end_at: str | None = None,
    email: str | None = None,
    **extra,
) -> dict:
    return {
        "person_id": person_id,
        "subject_type": subject_type,
        "collected_at": "2024-01-01",
        "relationship_end_at": relationship_end_at,
        "email": email,
        **extra,
    }


def send(
    send_id: str,
    person_id: str = "p1",
    sent_at: str = "2026-03-01T10:00:00+01:00",
    purpose: str = "commercial",
    channel: str = "email",
    **extra,
) -> dict:
    return {
        "send_id": send_id,
        "person_id": person_id,
        "channel": channel,
        "purpose": purpose,
        "sent_at": sent_at,
        **extra,
    }


def consent(
    consent_id: str,
    person_id: str = "p1",
    recorded_at: str = "2026-01-01T10:00:00+01:00",
    purpose: str = "email_marketing",
    status: str = "granted",
    proof_ref: str | None = "form-1",
) -> dict:
    return {
        "consent_id": consent_id,
        "person_id": person_id,
        "purpose": purpose,
        "status": status,
        "recorded_at": recorded_at,
        "proof_ref": proof_ref,
    }


def objection(
    objection_id: str,
    person_id: str | None = "p1",
    email: str | None = None,
    scope: str = "all_prospection",
    registered_at: str = "2026-02-01T10:00:00+01:00",
) -> dict:
    return {
        "objection_id": objection_id,
        "person_id": person_id,
        "email": email,
        "scope": scope,
        "registered_at": registered_at,
    }


def sends(persons: list[dict], communications: list[dict], consents: list[dict] | None = None) -> dict:
    return {
        "persons": persons,
        "communications": communications,
        "consents": consents if consents is not None else [consent("c0", person_id="nobody")],
    }


# --- the register: LB-NO-BASIS, LB-PURPOSE-UNDECLARED, LB-BASIS-MISMATCH, LB-LI-NO-ASSESSMENT -------

REGISTER = {
    "processing_activities": [
        activity("a1"),  # fine
        activity("a2", lawful_basis=None),  # empty
        activity("a3", lawful_basis="  Contract "),  # trimmed, case-insensitive: fine
        activity("a4", lawful_basis="consent given"),  # not an Art. 6 id
        activity("a5", purpose_id="lead_scoring", lawful_basis="consent"),  # purpose not in the policy
        activity("a6", purpose_id="order_management", lawful_basis="consent"),  # policy: contract only
        activity("a7", purpose_id="events", lawful_basis="Legitimate_Interests", lia_ref=" "),
        activity("a8", purpose_id="events", lawful_basis="legitimate_interests", lia_ref="LIA-2024-03"),
        activity("a9", purpose_id="request_handling", lawful_basis="pre_contractual"),
        activity("a10", purpose_id=" Accounting_Tax ", lawful_basis="contract"),  # declared purpose, wrong basis
        activity("a11", purpose_id="nonsense", lawful_basis="whatever"),
    ]
}


def test_no_basis_empty_or_unknown(audit):
    assert audit.ids("LB-NO-BASIS", REGISTER) == {"a2", "a4", "a11"}


def test_purpose_undeclared(audit):
    assert audit.ids("LB-PURPOSE-UNDECLARED", REGISTER) == {"a5", "a11"}


def test_basis_mismatch_only_valid_basis_on_declared_purpose(audit):
    assert audit.ids("LB-BASIS-MISMATCH", REGISTER) == {"a6", "a10"}


def test_basis_mismatch_observed_names_the_declared_bases(audit):
    with audit.extract(REGISTER, AS_OF) as ex:
        found = run_check(ex, "LB-BASIS-MISMATCH").set_index("record_id")
    assert (
        found.loc["a6", "observed"] == "purpose_id order_management recorded on consent; the policy declares contract"
    )


def test_legitimate_interest_without_assessment_blank_lia_ref(audit):
    assert audit.ids("LB-LI-NO-ASSESSMENT", REGISTER) == {"a7"}


# --- LB-ROPA-GAP ------------------------------------------------------------------------------------

ALL_PURPOSES = [
    "request_handling",
    "order_management",
    "warranty_management",
    "litigation_management",
    "accounting_tax",
    "customer_knowledge",
    "electronic_prospection",
    "postal_prospection",
    "objection_list",
    "events",
    "product_tools",
    "e_reputation",
    "website_security",
    "usage_statistics",
    "user_accounts",
    "social_networks",
    "social_interactions",
]


def test_ropa_gap_purposes_without_activity(audit):
    rows = [activity(f"a{i}", purpose_id=p) for i, p in enumerate(ALL_PURPOSES) if p not in ("events", "e_reputation")]
    assert audit.ids("LB-ROPA-GAP", {"processing_activities": rows}) == {"events", "e_reputation"}


def test_ropa_gap_activity_with_findings_still_counts(audit):
    rows = [activity(f"a{i}", purpose_id=p) for i, p in enumerate(ALL_PURPOSES) if p != "events"]
    rows.append(activity("bad", purpose_id=" EVENTS ", lawful_basis=None))  # LB-NO-BASIS, still an activity
    assert audit.ids("LB-ROPA-GAP", {"processing_activities": rows}) == set()


def test_ropa_gap_activity_left_out_for_data_quality_does_not_count(audit):
    rows = [activity(f"a{i}", purpose_id=p) for i, p in enumerate(ALL_PURPOSES) if p != "events"]
    rows.append({**activity("noname", purpose_id="events"), "name": ""})  # DQ-MISSING-REQUIRED
    assert audit.ids("LB-ROPA-GAP", {"processing_activities": rows}) == {"events"}


def test_register_checks_not_run_without_the_register(audit):
    results = audit.all({"persons": [person("p1")]})
    assert results.status["LB-ROPA-GAP"]["status"] == "not_run"
    assert results.status["LB-NO-BASIS"]["status"] == "not_run"


# --- LB-SEND-NO-CONSENT / LB-SEND-AFTER-WITHDRAWAL: timing --------------------------------------------


def test_consent_recorded_one_second_after_the_send_is_no_consent(audit):
    data = sends(
        [person("p1")],
        [send("s1", sent_at="2026-03-01T10:00:00+01:00")],
        [consent("c1", recorded_at="2026-03-01T10:00:01+01:00")],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s1"}
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == set()


def test_consent_at_the_same_instant_as_the_send_covers_it(audit):
    data = sends(
        [person("p1")],
        [send("s1", sent_at="2026-03-01T09:00:00Z")],
        [consent("c1", recorded_at="2026-03-01T10:00:00+01:00")],
    )  # same instant, other offset
    assert audit.ids("LB-SEND-NO-CONSENT", data) == set()


def test_brussels_local_timestamp_without_offset_compared_exactly(audit):
    # 2026-03-01 10:00 local = 09:00Z; the send at 09:30Z is after the consent
    data = sends(
        [person("p1")],
        [send("s1", sent_at="2026-03-01T09:30:00Z"), send("s2", sent_at="2026-03-01T08:59:59Z")],
        [consent("c1", recorded_at="2026-03-01 10:00:00")],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s2"}


def test_withdrawn_then_regranted_covers_later_sends_only(audit):
    data = sends(
        [person("p1")],
        [
            send("s1", sent_at="2026-02-15T10:00:00+01:00"),  # after the withdrawal
            send("s2", sent_at="2026-04-15T10:00:00+02:00"),  # after the re-grant
            send("s3", sent_at="2026-01-15T10:00:00+01:00"),
        ],  # while granted
        [
            consent("c1", recorded_at="2026-01-01T10:00:00+01:00"),
            consent("c2", recorded_at="2026-02-01T10:00:00+01:00", status="withdrawn"),
            consent("c3", recorded_at="2026-04-01T10:00:00+02:00"),
        ],
    )
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == {"s1"}
    assert audit.ids("LB-SEND-NO-CONSENT", data) == set()


def test_withdrawn_and_granted_at_the_same_instant_withdrawn_wins(audit):
    data = sends(
        [person("p1")],
        [send("s1", sent_at="2026-03-01T10:00:00+01:00")],
        [
            consent("c1", recorded_at="2026-02-01T10:00:00+01:00", status="granted"),
            consent("c2", recorded_at="2026-02-01T10:00:00+01:00", status="withdrawn"),
        ],
    )
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == {"s1"}
    assert audit.ids("LB-SEND-NO-CONSENT", data) == set()


def test_withdrawal_one_second_after_the_send_is_in_time(audit):
    data = sends(
        [person("p1")],
        [send("s1", sent_at="2026-03-01T10:00:00+01:00")],
        [
            consent("c1", recorded_at="2026-01-01T10:00:00+01:00"),
            consent("c2", recorded_at="2026-03-01T10:00:01+01:00", status="withdrawn"),
        ],
    )
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == set()
    assert audit.ids("LB-SEND-NO-CONSENT", data) == set()


def test_dst_spring_forward_local_consent_time(audit):
    # 2026-03-29 02:30 local does not exist: read with the earlier offset (+01:00) = 01:30Z
    data = sends(
        [person("p1")],
        [send("s1", sent_at="2026-03-29T01:29:59Z"), send("s2", sent_at="2026-03-29T01:30:00Z")],
        [consent("c1", recorded_at="2026-03-29 02:30:00")],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s1"}


# --- which messages need consent -------------------------------------------------------------------


def test_newsletter_covered_by_newsletter_or_email_marketing_consent(audit):
    data = sends(
        [person("p1"), person("p2"), person("p3")],
        [
            send("s1", "p1", purpose="newsletter"),
            send("s2", "p2", purpose="newsletter"),
            send("s3", "p3", purpose="newsletter"),
        ],
        [
            consent("c1", "p1", purpose="newsletter"),
            consent("c2", "p2", purpose="email_marketing"),
            consent("c3", "p3", purpose="postal_marketing"),
        ],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s3"}


def test_commercial_not_covered_by_newsletter_consent(audit):
    data = sends([person("p1")], [send("s1", purpose="commercial")], [consent("c1", purpose="newsletter")])
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s1"}


def test_newsletter_one_purpose_granted_other_withdrawn_is_covered(audit):
    data = sends(
        [person("p1")],
        [send("s1", purpose="newsletter")],
        [consent("c1", purpose="newsletter", status="withdrawn"), consent("c2", purpose="email_marketing")],
    )
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == set()
    assert audit.ids("LB-SEND-NO-CONSENT", data) == set()


def test_newsletter_one_purpose_withdrawn_other_never_is_after_withdrawal(audit):
    data = sends(
        [person("p1")],
        [send("s1", purpose="newsletter")],
        [consent("c1", purpose="email_marketing", status="withdrawn")],
    )
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == {"s1"}
    assert audit.ids("LB-SEND-NO-CONSENT", data) == set()


def test_channels_and_purposes_that_need_no_consent(audit):
    data = sends(
        [person("p1")],
        [
            send("s1", channel="post"),
            send("s2", channel="phone"),
            send("s3", purpose="event_invitation", channel="post"),
            send("s4", purpose="satisfaction_survey"),
            send("s5", purpose="service"),
            send("s6", channel="sms"),
            send("s7", purpose="newsletter", channel="post"),
        ],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s6"}


def test_event_invitation_by_email_or_sms_is_prospection_and_needs_consent(audit):
    # catalogue 1.1: an invitation to a webinar, fair or DemoVan is advertising (WER art. I.8, XII.13)
    data = sends(
        [person("p1"), person("p2")],
        [
            send("s1", purpose="event_invitation"),
            send("s2", purpose="event_invitation", channel="sms"),
            send("s3", "p2", purpose="event_invitation"),
        ],
        [consent("c1", "p2", purpose="email_marketing")],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s1", "s2"}


def test_customer_inside_the_3_year_window_soft_opt_in(audit):
    data = sends(
        [person("active", "customer"), person("ended", "customer", relationship_end_at="2023-03-01")],
        [send("s1", "active"), send("s2", "ended", sent_at="2026-03-01T23:59:59+01:00")],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == set()


def test_customer_one_day_outside_the_3_year_window_is_a_prospect(audit):
    data = sends(
        [person("ended", "customer", relationship_end_at="2023-03-01")],
        [send("s1", "ended", sent_at="2026-03-02T00:00:00+01:00"), send("s2", "ended", sent_at="2026-03-01T23:30:00Z")],
    )  # 2026-03-02 00:30 in Brussels
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s1", "s2"}


def test_brussels_midnight_utc_timestamp_decides_the_window(audit):
    # 2026-03-01T23:30:00Z is 2026-03-02 in Brussels: one day late; 22:59:59Z is still 2026-03-01
    data = sends(
        [person("ended", "customer", relationship_end_at="2023-03-01")],
        [
            send("late", "ended", sent_at="2026-03-01T23:00:00Z"),
            send("intime", "ended", sent_at="2026-03-01T22:59:59Z"),
        ],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"late"}


def test_direct_customer_newsletter_rests_on_the_soft_opt_in(audit):
    # catalogue 1.1 overturns 1.0: policy §3.1 "ook voor soortgelijke goederen en diensten ... nieuwsbrieven"
    data = sends(
        [person("p1", "customer"), person("p2", "customer", source="website")],
        [
            send("s1", purpose="newsletter"),
            send("s2", purpose="commercial"),
            send("s3", "p2", purpose="event_invitation", channel="sms"),
        ],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == set()


def test_customer_from_a_third_party_source_needs_consent_as_a_prospect(audit):
    people = [
        person(f"c{i}", "customer", source=src)
        for i, src in enumerate(["distributor", " Subsidiary ", "partner", "database_rental", "employer", "trade_fair"])
    ]
    data = sends(people, [send(f"s{i}", f"c{i}") for i in range(6)])
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s0", "s1", "s2", "s3", "s4"}


def test_customer_from_a_distributor_with_consent_is_covered(audit):
    data = sends(
        [person("c1", "customer", source="distributor")],
        [send("s1", "c1"), send("s2", "c1", channel="post")],
        [consent("k1", "c1", recorded_at="2026-01-01T10:00:00+01:00")],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == set()
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == set()


def test_direct_customer_who_unsubscribed_is_after_withdrawal(audit):
    # GDPR Art. 21(2)-(3): an unsubscribe is an objection to direct marketing, honoured under the soft opt-in
    data = sends(
        [person("c1", "customer")],
        [
            send("before", "c1", sent_at="2026-02-01T09:59:59+01:00"),
            send("at", "c1", sent_at="2026-02-01T10:00:00+01:00"),
            send("post", "c1", sent_at="2026-02-02T10:00:00+01:00", channel="post"),
        ],
        [
            consent("k1", "c1", recorded_at="2025-01-01T10:00:00+01:00"),
            consent("k2", "c1", recorded_at="2026-02-01T10:00:00+01:00", status="withdrawn"),
        ],
    )
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == {"at"}
    assert audit.ids("LB-SEND-NO-CONSENT", data) == set()


def test_direct_customer_newsletter_withdrawn_but_email_marketing_granted_is_covered(audit):
    data = sends(
        [person("c1", "customer")],
        [send("s1", "c1", purpose="newsletter")],
        [
            consent("k1", "c1", purpose="email_marketing"),
            consent("k2", "c1", purpose="newsletter", recorded_at="2026-02-01T10:00:00+01:00", status="withdrawn"),
        ],
    )
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == set()


def test_prospect_relationship_end_is_ignored(audit):
    data = sends([person("p1", "prospect", relationship_end_at="2026-01-01")], [send("s1")])
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s1"}


def test_customer_leap_day_end_month_end_clamped(audit):
    # 2023-02-28 + 3 years = 2026-02-28 (on the deadline: still a customer); 2026-03-01 is a prospect
    data = sends(
        [person("c1", "customer", relationship_end_at="2023-02-28")],
        [
            send("on", "c1", sent_at="2026-02-28T12:00:00+01:00"),
            send("after", "c1", sent_at="2026-03-01T12:00:00+01:00"),
        ],
    )
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"after"}


def test_send_to_a_person_not_in_persons_skips_consent_findings(audit):
    data = sends([person("p1")], [send("s1", "p1"), send("s2", "ghost")])
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s1"}
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == set()


def test_duplicated_person_rows_and_sends_are_judged_once_each(audit):
    # a person key twice, judged differently (customer: soft opt-in; prospect: needs consent): the prospect
    # reading is not covered; a person key twice alike, and a send given twice alike, are judged once
    # (count 1); a send id given twice with different times is two messages (count 2)
    data = sends(
        [person("p1", "customer"), person("p1", "prospect"), person("p2"), person("p3"), person("p3")],
        [
            send("s1", "p1"),
            send("s2", "p2"),
            send("s2", "p2"),
            send("s3", "p2", sent_at="2026-03-01T10:00:00+01:00"),
            send("s3", "p2", sent_at="2026-03-02T10:00:00+01:00"),
            send("s4", "p3"),
        ],
    )
    assert audit.counts("LB-SEND-NO-CONSENT", data) == {("s1", 1), ("s2", 1), ("s3", 2), ("s4", 1)}
    assert audit.ids("LB-SEND-AFTER-WITHDRAWAL", data) == set()


def test_consent_of_another_person_does_not_cover(audit):
    data = sends([person("p1"), person("p2")], [send("s1", "p1")], [consent("c1", "p2")])
    assert audit.ids("LB-SEND-NO-CONSENT", data) == {"s1"}


def test_no_consent_observed_holds_no_personal_data(audit):
    data = sends(
        [person("p1", email="jan@example.com")],
        [send("s1", purpose="newsletter", sent_at="2026-03-01T10:00:00+01:00")],
        [consent("c1", purpose="newsletter", status="withdrawn", recorded_at="2026-02-01T10:00:00+01:00")],
    )
    with audit.extract(data, AS_OF) as ex:
        found = run_check(ex, "LB-SEND-AFTER-WITHDRAWAL")
    assert found["observed"].tolist() == [
        "newsletter by email sent 2026-03-01 10:00:00 to prospect; latest consent at send: "
        "email_marketing none, newsletter withdrawn 2026-02-01 10:00:00"
    ]
    assert found["person_id"].tolist() == ["p1"]


# --- LB-SEND-AFTER-OBJECTION ------------------------------------------------------------------------


def objections_data(objections: list[dict], communications: list[dict], persons: list[dict] | None = None) -> dict:
    return {
        "persons": persons if persons is not None else [person("p1", email="Jan.Peeters@Example.com")],
        "communications": communications,
        "objections": objections,
    }


def test_objection_sent_at_registered_at_is_a_breach(audit):
    data = objections_data(
        [objection("o1", registered_at="2026-02-01T10:00:00+01:00")],
        [
            send("at", sent_at="2026-02-01T09:00:00Z"),
            send("before", sent_at="2026-02-01T09:59:59+01:00"),
            send("after", sent_at="2026-06-01T10:00:00+02:00"),
        ],
    )
    assert audit.ids("LB-SEND-AFTER-OBJECTION", data) == {"at", "after"}


def test_objection_by_email_other_case_and_spaces(audit):
    data = objections_data(
        [objection("o1", person_id=None, email="  jan.peeters@EXAMPLE.com ")],
        [send("s1", sent_at="2026-03-01T10:00:00+01:00")],
    )
    assert audit.ids("LB-SEND-AFTER-OBJECTION", data) == {"s1"}


def test_objection_by_email_of_another_person_does_not_match(audit):
    data = objections_data(
        [objection("o1", person_id=None, email="someone@example.com")],
        [send("s1", sent_at="2026-03-01T10:00:00+01:00")],
    )
    assert audit.ids("LB-SEND-AFTER-OBJECTION", data) == set()


def test_objection_scope_email_covers_sms_postal_does_not_cover_email(audit):
    persons = [person("p1"), person("p2")]
    data = objections_data(
        [objection("o1", "p1", scope="email"), objection("o2", "p2", scope="postal")],
        [
            send("p1_sms", "p1", channel="sms"),
            send("p1_email", "p1", channel="email"),
            send("p1_post", "p1", channel="post"),
            send("p1_phone", "p1", channel="phone"),
            send("p2_email", "p2", channel="email"),
            send("p2_post", "p2", channel="post"),
        ],
        persons,
    )
    assert audit.ids("LB-SEND-AFTER-OBJECTION", data) == {"p1_sms", "p1_email", "p2_post"}


def test_objection_scope_all_prospection_phone_and_profiling(audit):
    persons = [person("p1"), person("p2"), person("p3")]
    data = objections_data(
        [
            objection("o1", "p1", scope="all_prospection"),
            objection("o2", "p2", scope="phone"),
            objection("o3", "p3", scope="profiling"),
        ],
        [
            send("p1_post", "p1", channel="post"),
            send("p1_phone", "p1", channel="phone"),
            send("p2_phone", "p2", channel="phone"),
            send("p2_email", "p2", channel="email"),
            send("p3_email", "p3", channel="email"),
        ],
        persons,
    )
    assert audit.ids("LB-SEND-AFTER-OBJECTION", data) == {"p1_post", "p1_phone", "p2_phone"}


def test_objection_applies_to_prospection_only_whatever_the_basis(audit):
    data = objections_data(
        [objection("o1")],
        [
            send("news", purpose="newsletter"),
            send("event", purpose="event_invitation"),
            send("survey", purpose="satisfaction_survey"),
            send("service", purpose="service"),
        ],
        [person("p1", "customer")],
    )
    assert audit.ids("LB-SEND-AFTER-OBJECTION", data) == {"news", "event"}


def test_objection_to_a_person_not_in_persons_still_applies_on_person_id(audit):
    data = objections_data([objection("o1", person_id="ghost")], [send("s1", "ghost")])
    assert audit.ids("LB-SEND-AFTER-OBJECTION", data) == {"s1"}


def test_objection_observed_says_how_it_matched_without_the_email(audit):
    data = objections_data(
        [objection("o1", person_id=None, email="jan.peeters@example.com", scope="email")],
        [send("s1", sent_at="2026-03-01T10:00:00+01:00")],
    )
    with audit.extract(data, AS_OF) as ex:
        found = run_check(ex, "LB-SEND-AFTER-OBJECTION")
    assert found["observed"].tolist() == [
        "commercial by email sent 2026-03-01 10:00:00 after objection o1 (scope email, "
        "registered 2026-02-01 10:00:00, matched on e-mail)"
    ]
    assert "example" not in found["observed"].iloc[0].lower()


# --- LB-CONSENT-NO-PROOF ----------------------------------------------------------------------------


def test_consent_no_proof_granted_only(audit):
    data = {
        "consents": [
            consent("c1", proof_ref=None),
            consent("c2", proof_ref="  "),
            consent("c3", proof_ref=None, status="withdrawn"),
            consent("c4", proof_ref="DOI-123"),
            consent("c5", proof_ref=None, status=" Granted "),
        ]
    }
    assert audit.ids("LB-CONSENT-NO-PROOF", data) == {"c1", "c2", "c5"}


@pytest.mark.parametrize("check_id", ["LB-SEND-NO-CONSENT", "LB-SEND-AFTER-WITHDRAWAL"])
def test_consent_checks_not_run_without_consents(audit, check_id):
    results = audit.all({"persons": [person("p1")], "communications": [send("s1")]})
    assert results.status[check_id]["status"] == "not_run"


def test_objection_by_person_id_applies_without_the_persons_table(audit):
    sends = [
        {
            "send_id": "s1",
            "person_id": "p1",
            "channel": "email",
            "purpose": "commercial",
            "sent_at": "2026-05-02T10:00:00Z",
        },
        {
            "send_id": "s2",
            "person_id": "p1",
            "channel": "email",
            "purpose": "commercial",
            "sent_at": "2026-04-30T10:00:00Z",
        },
    ]
    objections = [
        {
            "objection_id": "o1",
            "person_id": "p1",
            "email": "",
            "scope": "email",
            "registered_at": "2026-05-01T10:00:00Z",
        }
    ]
    assert audit.ids("LB-SEND-AFTER-OBJECTION", {"communications": sends, "objections": objections}) == {"s1"}


# --- catalogue 1.1: LB-PROFILING-AFTER-OBJECTION, LB-NO-OPTOUT, LB-SOURCE-NOT-INFORMED ------------


def test_profiling_objection_at_the_send_instant_is_a_breach_one_second_before_is_not(audit):
    data = {
        "persons": [person("p1", email="a@example.org")],
        "objections": [objection("o1", scope="profiling", registered_at="2026-02-01T10:00:00+01:00")],
        "communications": [
            send("before", sent_at="2026-02-01T09:59:59+01:00", personalised="true"),
            send("at", sent_at="2026-02-01T10:00:00+01:00", personalised="true"),
            send("plain", sent_at="2026-02-02T10:00:00+01:00", personalised="false"),
            send("empty", sent_at="2026-02-02T10:00:00+01:00", personalised=""),
            send("service", sent_at="2026-02-03T10:00:00+01:00", purpose="service", personalised=" TRUE "),
        ],
    }
    assert audit.ids("LB-PROFILING-AFTER-OBJECTION", data) == {"at", "service"}


def test_profiling_objection_matched_on_email_other_scopes_do_not_count(audit):
    data = {
        "persons": [person("p1", email="A@Example.org"), person("p2", email="b@example.org")],
        "objections": [
            objection("o1", person_id=None, email=" a@example.ORG ", scope="profiling"),
            objection("o2", person_id="p2", scope="all_prospection"),
        ],
        "communications": [send("s1", "p1", personalised="true"), send("s2", "p2", personalised="true")],
    }
    assert audit.ids("LB-PROFILING-AFTER-OBJECTION", data) == {"s1"}


def test_no_optout_prospection_by_email_or_sms_only(audit):
    data = {
        "persons": [person("p1", "customer")],
        "communications": [
            send("false", optout_link="false"),
            send("empty", channel="sms", optout_link=""),
            send("true", optout_link=" Yes "),
            send("post", channel="post", optout_link="false"),
            send("service", purpose="service", optout_link="false"),
            send("event", purpose="event_invitation", optout_link="no"),
        ],
    }
    assert audit.ids("LB-NO-OPTOUT", data) == {"false", "empty", "event"}


def source_person(pid, collected_at, notice, source="distributor"):
    return person(pid, source=source, collected_at=collected_at, art14_notice_at=notice)


def test_source_not_informed_never_told_one_month_on_the_deadline_and_a_day_past(audit):
    # as_of 2026-10-31: collected 2026-09-30 + 1 month = 2026-10-30 < as_of; 2026-10-01 + 1 month = 2026-11-01
    data = {
        "persons": [
            source_person("late", "2026-09-30", ""),
            source_person("ok", "2026-10-01", ""),
            source_person("direct", "2020-01-01", "", source="website"),
            source_person("blank", "2020-01-01", "", source=""),
        ]
    }
    assert audit.ids("LB-SOURCE-NOT-INFORMED", data) == {"late"}


def test_source_not_informed_told_on_the_last_day_in_time_the_day_after_late(audit):
    data = {
        "persons": [
            source_person("ok", "2025-01-31", "2025-02-28"),
            source_person("late", "2025-01-31", "2025-03-01"),
            source_person("rented", "2025-01-31", "2025-03-01", source=" Database_Rental "),
        ]
    }
    assert audit.ids("LB-SOURCE-NOT-INFORMED", data) == {"late", "rented"}


def test_source_not_informed_told_after_the_first_message_is_late(audit):
    data = {
        "persons": [source_person("p1", "2026-01-01", "2026-01-10"), source_person("p2", "2026-01-01", "2026-01-10")],
        "communications": [
            send("s1", "p1", sent_at="2026-01-09T23:30:00Z"),  # 10 Jan in Brussels: in time
            send("s2", "p2", sent_at="2026-01-09T22:30:00Z"),
        ],
    }  # 9 Jan 23:30: told too late
    assert audit.ids("LB-SOURCE-NOT-INFORMED", data) == {"p2"}


@pytest.mark.parametrize(
    "check_id, table, column, rows",
    [
        ("LB-SOURCE-NOT-INFORMED", "persons", "art14_notice_at", {"persons": [person("p1", source="distributor")]}),
        ("LB-NO-OPTOUT", "communications", "optout_link", {"persons": [person("p1")], "communications": [send("s1")]}),
        (
            "LB-PROFILING-AFTER-OBJECTION",
            "communications",
            "personalised",
            {
                "persons": [person("p1")],
                "communications": [send("s1")],
                "objections": [objection("o1", scope="profiling")],
            },
        ),
    ],
)
def test_a_check_whose_column_is_absent_is_not_run_and_names_the_column(audit, check_id, table, column, rows):
    from audit_lib.commands import summary_lines
    from audit_lib.run import run_checks

    with audit.extract(rows) as ex:
        results = run_checks(ex)
    status = results.status[check_id]
    assert status == {"status": "not_run", "reason": f"column {table}.{column} not provided", "findings": 0}
    lines = summary_lines(results, {"as_of": AS_OF, "inputs": [], "tables_not_provided": []})
    assert f"{check_id} (column {table}.{column} not provided)" in "\n".join(lines)


def test_absent_columns_named_in_the_manifest_terminal_and_report_box(audit, tmp_path, capsys):
    """Acceptance: a table without art14_notice_at / optout_link / personalised shows those checks as not
    run, naming the column, in the terminal summary, manifest.json and the report's check box."""
    import json

    from audit_lib import nb
    from audit_lib.cli import main
    from audit_lib.run import run_checks

    tables = {
        "persons": [person("p1", source="distributor")],
        "communications": [send("s1")],
        "objections": [objection("o1", scope="profiling")],
        "consents": [consent("c1")],
    }
    with audit.extract(tables) as ex:
        folder = ex.root
        box = nb.check_box(nb.Run.from_results(ex, run_checks(ex)), "LB-NO-OPTOUT")
    assert "not run: column communications.optout_link not provided" in box
    out = tmp_path / "out"
    assert main(["check", "--data", str(folder), "--as-of", AS_OF, "--out", str(out), "--quiet"]) == 0
    terminal = capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    checks = manifest["checks"]
    assert manifest["holiday_calendar"] == "BE" and manifest["versions"]["holidays"][0].isdigit()
    assert manifest["third_party_sources"] == ["distributor", "subsidiary", "partner", "database_rental", "employer"]
    for check_id, column in (
        ("LB-SOURCE-NOT-INFORMED", "persons.art14_notice_at"),
        ("LB-NO-OPTOUT", "communications.optout_link"),
        ("LB-PROFILING-AFTER-OBJECTION", "communications.personalised"),
    ):
        assert checks[check_id] == {"status": "not_run", "reason": f"column {column} not provided", "findings": 0}
        assert f"{check_id} (column {column} not provided)" in terminal
    assert checks["LB-SEND-NO-CONSENT"]["status"] == "ran"


def test_present_column_with_empty_values_is_judged(audit):
    data = {
        "persons": [person("p1", "customer")],
        "communications": [send("s1", optout_link=""), send("s2", optout_link="")],
    }
    assert audit.ids("LB-NO-OPTOUT", data) == {"s1", "s2"}


def test_coverage_view_reads_the_consent_checks_judgement(audit):
    """The notebook's coverage classes come from the shared relation consent_at_send (computed once)."""
    from audit_lib.insights import lawful_basis
    from audit_lib.nb import Run

    tables = sends(
        [person("direct", "customer"), person("dist", "customer", source="distributor"), person("p1")],
        [send("s1", "direct"), send("s2", "dist"), send("s3", "p1"), send("s4", "p1", channel="post")],
        [consent("k1", "dist")],
    )
    with audit.extract(tables) as ex:
        run = Run(data=ex.root, as_of=ex.as_of, policy=ex.policy)
        run.__dict__["extract"] = ex
        got = lawful_basis.prospection_coverage(run)
    assert sorted(zip(got["channel"], got["coverage"], got["messages"])) == [
        ("email", "covered by consent", 1),
        ("email", "soft opt-in (customer)", 1),
        ("email", "uncovered (no consent)", 1),
        ("post", "no consent needed", 1),
    ]
