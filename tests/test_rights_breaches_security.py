"""Rights requests (DSR-*), breaches (BR-*) and payment-data security (SEC-*) on tiny extracts.

Timestamps without an offset are Europe/Brussels local time (the shipped policy's zone).
"""

from __future__ import annotations

from audit_lib.run import run_check


def req(request_id: str, **values) -> dict:
    """A rights request with the required columns and every optional one (empty unless given)."""
    row = {
        "request_id": request_id,
        "person_id": "p1",
        "type": "access",
        "received_at": "2026-01-31T10:00:00",
        "extended": "",
        "extension_notified_at": "",
        "responded_at": "",
        "outcome": "",
    }
    row.update(values)
    return row


def person(person_id: str, **values) -> dict:
    row = {
        "person_id": person_id,
        "subject_type": "customer",
        "collected_at": "2020-01-01",
        "archived": "",
        "legal_hold": "",
        "email": "",
    }
    row.update(values)
    return row


def breach(breach_id: str, detected_at: str, notified: str = "", risk: str = "risk", **values) -> dict:
    row = {
        "breach_id": breach_id,
        "detected_at": detected_at,
        "risk": risk,
        "notified_authority_at": notified,
        "subjects_notified_at": "",
        "delay_reason": "",
    }
    row.update(values)
    return row


def pay(payment_id: str, card_number: str = "", card_cvv: str = "") -> dict:
    return {
        "payment_id": payment_id,
        "person_id": "p1",
        "paid_at": "2026-09-01T12:00:00",
        "method": "card",
        "card_number": card_number,
        "card_cvv": card_cvv,
    }


# ---------------------------------------------------------------- DSR-OVERDUE


def test_received_on_the_31st_deadline_clamped_to_month_end(audit):
    # 2025-01-31 + 1 month = Friday 2025-02-28 (a working day)
    rows = [
        req("feb28", received_at="2025-01-31T10:00:00", responded_at="2025-02-28T17:00:00"),
        req("mar01", received_at="2025-01-31T10:00:00", responded_at="2025-03-01T09:00:00"),
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"mar01"}


def test_deadline_on_a_saturday_answered_on_sunday_or_monday_is_in_time_tuesday_late(audit):
    # catalogue 1.1: 2026-01-31 + 1 month = Saturday 2026-02-28, moved to Monday 2 March (Reg. 1182/71 art. 3(4))
    rows = [
        req("sunday", responded_at="2026-03-01T09:00:00"),
        req("monday", responded_at="2026-03-02T23:59:59"),
        req("tuesday", responded_at="2026-03-03T00:00:00"),
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"tuesday"}


def test_moved_deadline_brussels_midnight(audit):
    # Monday 2 March 2026 ends at 23:00 UTC in Brussels (CET): 22:30Z is in time, 23:30Z is Tuesday
    rows = [req("ok", responded_at="2026-03-02T22:30:00Z"), req("late", responded_at="2026-03-02T23:30:00Z")]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"late"}


def test_deadline_on_a_belgian_public_holiday_moves_to_the_next_working_day(audit):
    # 2026-04-01 + 1 month = Friday 1 May (Labour Day) -> Monday 4 May; 2026-03-06 -> Easter Monday 6 April -> 7 April
    rows = [
        req("may4", received_at="2026-04-01T10:00:00", responded_at="2026-05-04T16:00:00"),
        req("may5", received_at="2026-04-01T10:00:00", responded_at="2026-05-05T09:00:00"),
        req("apr7", received_at="2026-03-06T10:00:00", responded_at="2026-04-07T16:00:00"),
        req("apr8", received_at="2026-03-06T10:00:00", responded_at="2026-04-08T09:00:00"),
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"may5", "apr8"}


def test_open_request_on_a_deadline_moved_past_the_weekend(audit):
    # received 2026-10-01: deadline Sunday 1 November -> Monday 2 November (still open)
    rows = [req("r1", received_at="2026-10-01T10:00:00")]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}, as_of="2026-11-01") == set()
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}, as_of="2026-11-02") == set()
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}, as_of="2026-11-03") == {"r1"}


def test_the_moved_one_month_deadline_decides_the_extension(audit):
    # 1-month deadline Saturday 2026-02-28 moves to Monday 2 March: an extension notified that Monday counts
    rows = [
        req("monday", extended="true", extension_notified_at="2026-03-02T16:00:00", responded_at="2026-04-30T16:00:00"),
        req(
            "tuesday", extended="true", extension_notified_at="2026-03-03T09:00:00", responded_at="2026-04-30T16:00:00"
        ),
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"tuesday"}


def test_extended_deadline_on_a_sunday_moves_to_monday(audit):
    # 2025-05-31 + 3 months = Sunday 2025-08-31 -> Monday 1 September
    rows = [
        req(
            "monday",
            received_at="2025-05-31T10:00:00",
            extended="true",
            extension_notified_at="2025-06-15T10:00:00",
            responded_at="2025-09-01T16:00:00",
        ),
        req(
            "tuesday",
            received_at="2025-05-31T10:00:00",
            extended="true",
            extension_notified_at="2025-06-15T10:00:00",
            responded_at="2025-09-02T09:00:00",
        ),
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"tuesday"}


def test_answered_on_the_deadline_is_in_time(audit):
    rows = [req("r1", received_at="2026-03-15T08:00:00", responded_at="2026-04-15T23:59:59")]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == set()


def test_answered_one_day_late_is_a_breach(audit):
    rows = [req("r1", received_at="2026-03-15T08:00:00", responded_at="2026-04-16T00:00:00")]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"r1"}


def test_received_2330_utc_on_the_last_day_is_the_1st_locally(audit):
    # 2024-08-31 22:30 UTC is 2024-09-01 00:30 in Brussels: deadline Tuesday 2024-10-01, not Monday 30 Sept
    rows = [
        req("r1", received_at="2024-08-31T22:30:00Z", responded_at="2024-10-01T12:00:00"),
        req("r2", received_at="2024-08-31T22:30:00Z", responded_at="2024-10-02T12:00:00"),
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"r2"}


def test_brussels_midnight_utc_response_on_the_deadline_is_the_next_day(audit):
    # responded 2025-02-28 23:30 UTC = 2025-03-01 00:30 local: one day after the Friday 2025-02-28 deadline
    rows = [
        req("late", received_at="2025-01-31T10:00:00", responded_at="2025-02-28T23:30:00Z"),
        req("ok", received_at="2025-01-31T10:00:00", responded_at="2025-02-28T22:30:00Z"),
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"late"}


def test_extension_notified_on_the_deadline_gives_three_months(audit):
    # received 2026-01-31, 1-month deadline 2026-02-28, extended deadline 2026-01-31 + 3 months = 2026-04-30
    rows = [
        req(
            "on_time", extended="true", extension_notified_at="2026-02-28T16:00:00", responded_at="2026-04-30T16:00:00"
        ),
        req("late", extended="true", extension_notified_at="2026-02-28T16:00:00", responded_at="2026-05-01T09:00:00"),
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"late"}


def test_extension_notified_one_day_too_late_does_not_count(audit):
    rows = [
        req(
            "r1",
            received_at="2025-01-31T10:00:00",
            extended="true",
            extension_notified_at="2025-03-01T09:00:00",
            responded_at="2025-04-01T09:00:00",
        )
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"r1"}


def test_extension_needs_both_the_flag_and_the_notification(audit):
    rows = [
        req("no_notice", extended="true", responded_at="2026-03-10T09:00:00"),
        req(
            "no_flag", extended="false", extension_notified_at="2026-02-10T09:00:00", responded_at="2026-03-10T09:00:00"
        ),
        req("valid", extended="ja", extension_notified_at="2026-02-10T09:00:00", responded_at="2026-03-10T09:00:00"),
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"no_notice", "no_flag"}


def test_open_request_on_the_deadline_is_in_time(audit):
    rows = [req("open", received_at="2026-09-30T10:00:00")]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}, as_of="2026-10-30") == set()


def test_open_request_one_day_late_is_a_breach(audit):
    rows = [req("open", received_at="2026-09-30T10:00:00"), req("young", received_at="2026-10-15T10:00:00")]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}, as_of="2026-10-31") == {"open"}


def test_outcome_plays_no_part(audit):
    rows = [
        req("refused", outcome="refused", responded_at="2026-03-05T09:00:00"),
        req("granted", outcome="granted", responded_at="2026-03-05T09:00:00"),
        req("pending", outcome="pending", received_at="2026-08-01T09:00:00"),
    ]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"refused", "granted", "pending"}


def test_overdue_request_with_unreadable_date_is_left_out(audit):
    rows = [req("bad", responded_at="not a date"), req("late", responded_at="2026-03-05T09:00:00")]
    assert audit.ids("DSR-OVERDUE", {"rights_requests": rows}) == {"late"}


# ---------------------------------------------------------------- DSR-ERASURE-NOT-DONE


def erasure(request_id: str, person_id: str, outcome: str = "granted") -> dict:
    return req(request_id, person_id=person_id, type="erasure", outcome=outcome, responded_at="2026-02-20T10:00:00")


def test_erasure_granted_but_person_still_in_crm(audit):
    tables = {
        "rights_requests": [
            erasure("kept", "p1"),
            erasure("archived", "p2"),
            erasure("gone", "p3"),
            erasure("refused", "p4", outcome="refused"),
            req("access", person_id="p5", type="access", outcome="granted"),
        ],
        "persons": [person("p1"), person("p2", archived="true"), person("p4"), person("p5")],
    }
    assert audit.ids("DSR-ERASURE-NOT-DONE", tables) == {"kept"}


def test_erasure_archived_customer_is_the_legal_archive_archived_prospect_is_not(audit):
    # catalogue 1.1: §9.3, Art. 17(3)(b)
    tables = {
        "rights_requests": [erasure("cust", "p1"), erasure("prosp", "p2"), erasure("mixed", "p3")],
        "persons": [
            person("p1", archived="true"),
            person("p2", subject_type="prospect", archived="true"),
            person("p3", archived="true"),
            person("p3", archived="false"),
        ],  # one live row is enough
    }
    assert audit.ids("DSR-ERASURE-NOT-DONE", tables) == {"prosp", "mixed"}


def test_erasure_of_a_person_on_legal_hold_is_exempt(audit):
    tables = {
        "rights_requests": [erasure("hold", "p1"), erasure("dup_hold", "p2")],
        # a duplicated person: one of the rows on legal hold exempts the request
        "persons": [person("p1", legal_hold="true"), person("p2"), person("p2", legal_hold="yes")],
    }
    assert audit.ids("DSR-ERASURE-NOT-DONE", tables) == set()


def test_erasure_counts_a_person_row_with_a_data_quality_problem(audit):
    tables = {"rights_requests": [erasure("r1", "p1")], "persons": [person("p1", collected_at="31/31/2020")]}
    assert audit.ids("DSR-ERASURE-NOT-DONE", tables) == {"r1"}


def test_erasure_not_run_without_persons(audit):
    assert audit.ids("DSR-ERASURE-NOT-DONE", {"rights_requests": [erasure("r1", "p1")]}) == set()


# ---------------------------------------------------------------- DSR-OBJECTION-NOT-RECORDED


def objection_req(request_id: str, person_id: str, outcome: str = "granted") -> dict:
    return req(request_id, person_id=person_id, type="objection", outcome=outcome, responded_at="2026-02-20T10:00:00")


def test_objection_recorded_by_person_id_of_any_scope_or_date(audit):
    tables = {
        "rights_requests": [
            objection_req("by_id", "p1"),
            objection_req("missing", "p2"),
            objection_req("refused", "p3", outcome="refused"),
        ],
        "persons": [person("p1"), person("p2"), person("p3")],
        "objections": [
            {
                "objection_id": "o1",
                "person_id": "p1",
                "email": "",
                "scope": "profiling",
                "registered_at": "2019-01-01T10:00:00",
            }
        ],
    }
    assert audit.ids("DSR-OBJECTION-NOT-RECORDED", tables) == {"missing"}


def test_objection_recorded_only_by_email_other_case_and_spaces(audit):
    tables = {
        "rights_requests": [objection_req("by_mail", "p1"), objection_req("other_mail", "p2")],
        "persons": [person("p1", email="Jan.Peeters@Example.be"), person("p2", email="an@example.be")],
        "objections": [
            {
                "objection_id": "o1",
                "person_id": "",
                "email": "  jan.peeters@EXAMPLE.BE ",
                "scope": "email",
                "registered_at": "2026-02-01T10:00:00",
            },
            {
                "objection_id": "o2",
                "person_id": "",
                "email": "someone.else@example.be",
                "scope": "all_prospection",
                "registered_at": "2026-02-01T10:00:00",
            },
        ],
    }
    assert audit.ids("DSR-OBJECTION-NOT-RECORDED", tables) == {"other_mail"}


def test_objection_request_without_person_id_is_reported(audit):
    tables = {
        "rights_requests": [objection_req("anon", "")],
        "persons": [person("p1")],
        "objections": [
            {
                "objection_id": "o1",
                "person_id": "p1",
                "email": "",
                "scope": "email",
                "registered_at": "2026-02-01T10:00:00",
            }
        ],
    }
    assert audit.ids("DSR-OBJECTION-NOT-RECORDED", tables) == {"anon"}


def test_objection_findings_show_no_email(audit):
    tables = {
        "rights_requests": [objection_req("r1", "p1")],
        "persons": [person("p1", email="jan@example.be")],
        "objections": [
            {
                "objection_id": "o1",
                "person_id": "p9",
                "email": "x@example.be",
                "scope": "email",
                "registered_at": "2026-02-01T10:00:00",
            }
        ],
    }
    with audit.extract(tables) as ex:
        found = run_check(ex, "DSR-OBJECTION-NOT-RECORDED")
    assert list(found["record_id"]) == ["r1"]
    assert "@" not in found["observed"][0]


# ---------------------------------------------------------------- DSR-WITHDRAWAL-NOT-RECORDED


def withdrawal(request_id: str, person_id: str, responded_at: str = "2026-03-10T12:00:00", outcome: str = "granted"):
    return req(request_id, person_id=person_id, type="withdraw_consent", outcome=outcome, responded_at=responded_at)


def consent(consent_id: str, person_id: str, purpose: str, status: str, recorded_at: str) -> dict:
    return {
        "consent_id": consent_id,
        "person_id": person_id,
        "purpose": purpose,
        "status": status,
        "recorded_at": recorded_at,
    }


def test_withdrawal_granted_but_consent_still_granted(audit):
    tables = {
        "rights_requests": [
            withdrawal("still", "p1"),
            withdrawal("done", "p2"),
            withdrawal("refused", "p3", outcome="refused"),
            withdrawal("reconsent", "p4"),
        ],
        "consents": [
            consent("c1", "p1", "email_marketing", "granted", "2025-05-01T10:00:00"),
            consent("c2", "p2", "email_marketing", "granted", "2025-05-01T10:00:00"),
            consent("c3", "p2", "email_marketing", "withdrawn", "2026-03-09T10:00:00"),
            consent("c4", "p3", "newsletter", "granted", "2025-05-01T10:00:00"),
            # withdrawn on time, then a new yes after the response: the person's later choice
            consent("c5", "p4", "newsletter", "withdrawn", "2026-03-09T10:00:00"),
            consent("c6", "p4", "newsletter", "granted", "2026-06-01T10:00:00"),
        ],
    }
    assert audit.ids("DSR-WITHDRAWAL-NOT-RECORDED", tables) == {"still"}


def test_withdrawal_same_instant_withdrawn_wins(audit):
    tables = {
        "rights_requests": [withdrawal("r1", "p1")],
        "consents": [
            consent("c1", "p1", "email_marketing", "withdrawn", "2026-03-01T10:00:00"),
            consent("c2", "p1", "email_marketing", "granted", "2026-03-01T09:00:00Z"),
        ],
    }
    assert audit.ids("DSR-WITHDRAWAL-NOT-RECORDED", tables) == set()


def test_withdrawal_one_purpose_left_granted_is_one_finding(audit):
    tables = {
        "rights_requests": [withdrawal("r1", "p1")],
        "consents": [
            consent("c1", "p1", "email_marketing", "granted", "2025-01-01T10:00:00"),
            consent("c2", "p1", "email_marketing", "withdrawn", "2026-03-01T10:00:00"),
            consent("c3", "p1", "newsletter", "granted", "2025-01-01T10:00:00"),
            consent("c4", "p1", "events", "granted", "2025-01-01T10:00:00"),
        ],
    }
    assert audit.counts("DSR-WITHDRAWAL-NOT-RECORDED", tables) == {("r1", 1)}


def test_withdrawal_grant_recorded_at_the_response_instant_is_not_before_it(audit):
    # responded 09:30 UTC = 10:30 local; the grant at 10:00 +01:00 is before it, the one at 10:30 local is not
    tables = {
        "rights_requests": [
            withdrawal("before", "p1", responded_at="2026-03-10T09:30:00Z"),
            withdrawal("same", "p2", responded_at="2026-03-10T09:30:00Z"),
        ],
        "consents": [
            consent("c1", "p1", "newsletter", "granted", "2026-03-10T10:00:00+01:00"),
            consent("c2", "p2", "newsletter", "granted", "2026-03-10T10:30:00"),
        ],
    }
    assert audit.ids("DSR-WITHDRAWAL-NOT-RECORDED", tables) == {"before"}


# ---------------------------------------------------------------- BR-LATE-NOTIFICATION


def test_exactly_72_hours_is_in_time(audit):
    rows = [breach("b72", "2026-06-01T10:00:00Z", "2026-06-04T10:00:00Z")]
    assert audit.ids("BR-LATE-NOTIFICATION", {"breaches": rows}) == set()


def test_72_hours_and_one_second_is_late(audit):
    rows = [
        breach("b1", "2026-06-01T10:00:00Z", "2026-06-04T10:00:01Z"),
        breach("reason", "2026-06-01T10:00:00Z", "2026-06-10T10:00:00Z", delay_reason="forensics first"),
        breach("none", "2026-06-01T10:00:00Z", "", risk="none"),
        breach("high", "2026-06-01T10:00:00Z", "2026-06-05T10:00:00Z", risk="high_risk"),
    ]
    assert audit.ids("BR-LATE-NOTIFICATION", {"breaches": rows}) == {"b1", "high"}


def test_a_delay_reason_excuses_a_late_notification_not_a_missing_one(audit):
    # catalogue 1.1: never notified is a finding whatever delay_reason says
    rows = [
        breach("never", "2026-06-01T10:00:00Z", "", delay_reason="waiting for forensics"),
        breach("late", "2026-06-01T10:00:00Z", "2026-06-10T10:00:00Z", delay_reason="waiting for forensics"),
        breach("recent", "2026-10-29T10:00:00Z", "", delay_reason="waiting for forensics"),
    ]  # < 72 h at 24:00
    assert audit.ids("BR-LATE-NOTIFICATION", {"breaches": rows}) == {"never"}


def test_as_of_end_of_day_across_dst_autumn(audit):
    # as_of 2026-10-25, the day clocks go back: 24:00 local = 2026-10-25 23:00 UTC
    rows = [
        breach("exact", "2026-10-22T23:00:00Z"),
        breach("plus1s", "2026-10-22T22:59:59Z"),
        breach("notified", "2026-10-22T22:00:00Z", "2026-10-24T10:00:00Z"),
    ]
    assert audit.ids("BR-LATE-NOTIFICATION", {"breaches": rows}, as_of="2026-10-25") == {"plus1s"}


def test_as_of_end_of_day_in_summer_time(audit):
    # as_of 2026-07-15: 24:00 local = 2026-07-15 22:00 UTC
    rows = [breach("exact", "2026-07-12T22:00:00Z"), breach("plus1s", "2026-07-12T21:59:59Z")]
    assert audit.ids("BR-LATE-NOTIFICATION", {"breaches": rows}, as_of="2026-07-15") == {"plus1s"}


def test_dst_spring_forward_counts_real_hours(audit):
    # 72.5 h on the wall clock but 71.5 h of real time (the night of 2026-03-29 has 23 hours)
    rows = [breach("b1", "2026-03-27T10:00:00", "2026-03-30T10:30:00")]
    assert audit.ids("BR-LATE-NOTIFICATION", {"breaches": rows}) == set()


def test_dst_autumn_back_counts_real_hours(audit):
    # 71.5 h on the wall clock but 72.5 h of real time (the night of 2026-10-25 has 25 hours)
    rows = [breach("b1", "2026-10-23T10:00:00", "2026-10-26T09:30:00")]
    assert audit.ids("BR-LATE-NOTIFICATION", {"breaches": rows}) == {"b1"}


# ---------------------------------------------------------------- BR-SUBJECTS-NOT-INFORMED


def test_high_risk_breach_subjects_not_informed(audit):
    rows = [
        breach("silent", "2026-06-01T10:00:00Z", "2026-06-02T10:00:00Z", risk="high_risk"),
        breach(
            "told",
            "2026-06-01T10:00:00Z",
            "2026-06-02T10:00:00Z",
            risk="High_Risk",
            subjects_notified_at="2026-06-03T10:00:00Z",
        ),
        breach("risk", "2026-06-01T10:00:00Z", "2026-06-02T10:00:00Z", risk="risk"),
    ]
    assert audit.ids("BR-SUBJECTS-NOT-INFORMED", {"breaches": rows}) == {"silent"}


def test_an_art_34_3_exception_exempts_informing_the_people(audit):
    rows = [
        breach(
            f"b_{e.strip() or 'none'}",
            "2026-06-01T10:00:00Z",
            "2026-06-02T10:00:00Z",
            risk="high_risk",
            subjects_notice_exemption=e,
        )
        for e in ("encrypted", " Risk_Mitigated ", "public_communication", "")
    ]
    assert audit.ids("BR-SUBJECTS-NOT-INFORMED", {"breaches": rows}) == {"b_none"}


# ---------------------------------------------------------------- SEC-CVV-STORED / SEC-PAN-UNMASKED


def test_cvv_stored(audit):
    rows = [pay("cvv", card_cvv="123"), pay("zeros", card_cvv="000"), pay("blank", card_cvv="   "), pay("empty")]
    assert audit.ids("SEC-CVV-STORED", {"payments": rows}) == {"cvv", "zeros"}


def test_pan_six_and_four_visible_is_masked(audit):
    rows = [
        pay("plain", "411111******1111"),
        pay("spaces", "4111 11** **** 1111"),
        pay("dashes", "4111-11XX-XXXX-1111"),
        pay("last4", "************1111"),
        pay("short", "1234"),
    ]
    assert audit.ids("SEC-PAN-UNMASKED", {"payments": rows}) == set()


def test_pan_seven_and_four_visible_is_unmasked(audit):
    rows = [pay("seven", "4111111*****1111"), pay("five_last", "411111*****11111"), pay("ok", "411111******1111")]
    assert audit.ids("SEC-PAN-UNMASKED", {"payments": rows}) == {"seven", "five_last"}


def test_pan_with_spaces_or_dashes_unmasked(audit):
    rows = [
        pay("spaces", "4111 1111 1111 1111"),
        pay("dashes", "4111-1111-1111-1111"),
        pay("mixed", " 5500-0000 0000-0004 "),
    ]
    assert audit.ids("SEC-PAN-UNMASKED", {"payments": rows}) == {"spaces", "dashes", "mixed"}


def test_payment_findings_show_no_card_number_or_cvv(audit):
    rows = [pay("x1", "4111 1111 1111 1111", "987")]
    with audit.extract({"payments": rows}) as ex:
        observed = " ".join(run_check(ex, "SEC-PAN-UNMASKED")["observed"]) + " ".join(
            run_check(ex, "SEC-CVV-STORED")["observed"]
        )
    assert "1111" not in observed and "4111" not in observed and "987" not in observed
    assert "card_number shows 6 digit(s)" in observed


# ---------------------------------------------------------------- DSR-RESTRICTION-NOT-HONOURED


def restriction(request_id, person_id="p1", responded_at="2026-03-01T10:00:00", lifted="", outcome="granted"):
    return req(
        request_id,
        person_id=person_id,
        type="restriction",
        received_at="2026-02-20T10:00:00",
        responded_at=responded_at,
        outcome=outcome,
        restriction_lifted_at=lifted,
    )


def message(send_id, sent_at, person_id="p1", purpose="commercial", channel="email"):
    return {"send_id": send_id, "person_id": person_id, "channel": channel, "purpose": purpose, "sent_at": sent_at}


def test_restriction_messages_after_the_answer_and_before_the_lift(audit):
    tables = {
        "rights_requests": [restriction("r1", lifted="2026-04-01T10:00:00")],
        "communications": [
            message("at_answer", "2026-03-01T10:00:00"),
            message("in1", "2026-03-01T10:00:01"),
            message("in2", "2026-03-31T10:00:00", channel="post", purpose="event_invitation"),
            message("service", "2026-03-15T10:00:00", purpose="service"),
            message("at_lift", "2026-04-01T10:00:00"),
            message("other", "2026-03-15T10:00:00", person_id="p2"),
        ],
    }
    assert audit.counts("DSR-RESTRICTION-NOT-HONOURED", tables) == {("r1", 2)}


def test_restriction_still_in_force_has_no_end_refused_is_no_restriction(audit):
    tables = {
        "rights_requests": [
            restriction("force", outcome="partially_granted"),
            restriction("refused", person_id="p2", outcome="refused"),
            restriction("lifted_before", person_id="p3", lifted="2026-03-02T10:00:00"),
        ],
        "communications": [
            message("s1", "2026-09-01T10:00:00"),
            message("s2", "2026-09-01T10:00:00", "p2"),
            message("s3", "2026-09-01T10:00:00", "p3"),
        ],
    }
    assert audit.counts("DSR-RESTRICTION-NOT-HONOURED", tables) == {("force", 1)}


# ---------------------------------------------------------------- the rights view reads the checks' relation


def test_rights_view_overdue_count_equals_the_dsr_overdue_findings(audit):
    """A rule is computed once: the notebook's request table takes DSR-OVERDUE's deadline (shared relation
    dsr_deadline), weekends and Belgian holidays included."""
    from audit_lib.insights import rights
    from audit_lib.nb import Run

    rows = [
        req("sunday", responded_at="2026-03-01T09:00:00"),
        req("tuesday", responded_at="2026-03-03T09:00:00"),
        req("may4", received_at="2026-04-01T10:00:00", responded_at="2026-05-04T16:00:00"),
        req("open_late", received_at="2026-08-29T10:00:00"),
        req("open", received_at="2026-10-01T10:00:00"),
    ]
    with audit.extract({"rights_requests": rows}) as ex:
        run = Run(data=ex.root, as_of=ex.as_of, policy=ex.policy)
        run.__dict__["extract"] = ex
        view = rights.requests(run).set_index("request_id")
        found = set(run.of("DSR-OVERDUE")["record_id"])
    late = set(view.index[view["status"].isin(["answered late", "open, overdue"])])
    assert late == found == {"tuesday", "open_late"}
    assert str(view.loc["sunday", "deadline"].date()) == "2026-03-02"
    assert str(view.loc["may4", "deadline"].date()) == "2026-05-04"
    assert view.loc["open", "status"] == "open"
