"""Retention checks (policy §4, §3.2, §10): RET-* with their day boundaries, time zone, DST and holds."""

from __future__ import annotations

import datetime as dt

import duckdb

from audit_lib.extract import Extract


def prospect(pid, collected_at, **extra):
    return {
        "person_id": pid,
        "subject_type": "prospect",
        "collected_at": collected_at,
        "last_contact_at": "",
        "relationship_end_at": "",
        "archived": "false",
        "legal_hold": "false",
        **extra,
    }


def customer(pid, relationship_end_at, **extra):
    return {
        "person_id": pid,
        "subject_type": "customer",
        "collected_at": "2010-01-01",
        "last_contact_at": "",
        "relationship_end_at": relationship_end_at,
        "archived": "false",
        "legal_hold": "false",
        **extra,
    }


def consent(cid, pid, status, recorded_at, purpose="retention_renewal"):
    return {"consent_id": cid, "person_id": pid, "purpose": purpose, "status": status, "recorded_at": recorded_at}


# the checks need these tables provided; an unrelated row stands for "nothing relevant in it"
NO_CONSENTS = [consent("c0", "nobody", "granted", "2020-01-01T00:00:00", purpose="newsletter")]
NO_PERSONS = [{"person_id": "nobody", "subject_type": "customer", "collected_at": "2020-01-01"}]


# --- RET-PROSPECT-3Y ------------------------------------------------------------------------------


def test_prospect_on_the_deadline_is_in_time_one_day_late_is_a_breach(audit):
    persons = [prospect("p1", "2023-10-31"), prospect("p2", "2023-10-30")]
    assert audit.ids("RET-PROSPECT-3Y", {"persons": persons, "consents": NO_CONSENTS}) == {"p2"}


def test_prospect_last_contact_moves_the_clock(audit):
    persons = [
        prospect("p1", "2020-01-01", last_contact_at="2023-10-31"),
        prospect("p2", "2020-01-01", last_contact_at="2023-10-30"),
    ]
    assert audit.ids("RET-PROSPECT-3Y", {"persons": persons, "consents": NO_CONSENTS}) == {"p2"}


def test_prospect_renewal_granted_then_withdrawn_still_moves_the_clock(audit):
    persons = [prospect("p1", "2020-01-01"), prospect("p2", "2020-01-01"), prospect("p3", "2020-01-01")]
    consents = [
        consent("c1", "p1", "granted", "2024-01-10T10:00:00"),
        consent("c2", "p1", "withdrawn", "2024-06-01T10:00:00"),
        consent("c3", "p2", "withdrawn", "2024-01-10T10:00:00"),  # a withdrawal alone is no renewal
        consent("c4", "p3", "granted", "2024-01-10T10:00:00", purpose="email_marketing"),  # other purpose
    ]
    assert audit.ids("RET-PROSPECT-3Y", {"persons": persons, "consents": consents}) == {"p2", "p3"}


def test_prospect_renewal_brussels_midnight_utc_timestamp(audit):
    # 2023-10-30T23:30Z is 00:30 on 31 Oct in Brussels: deadline 2026-10-31, in time on as_of 2026-10-31.
    # 2023-10-30T22:30Z is 23:30 on 30 Oct in Brussels: deadline 2026-10-30, a breach.
    persons = [prospect("p1", "2020-01-01"), prospect("p2", "2020-01-01")]
    consents = [
        consent("c1", "p1", "granted", "2023-10-30T23:30:00Z"),
        consent("c2", "p2", "granted", "2023-10-30T22:30:00Z"),
    ]
    assert audit.ids("RET-PROSPECT-3Y", {"persons": persons, "consents": consents}) == {"p2"}


def test_prospect_renewal_dst_summer_offset(audit):
    # in summer Brussels is UTC+2: 22:30Z is 00:30 the next day, 21:30Z is 23:30 the same day
    persons = [prospect("p1", "2020-01-01"), prospect("p2", "2020-01-01")]
    consents = [
        consent("c1", "p1", "granted", "2023-07-30T22:30:00Z"),
        consent("c2", "p2", "granted", "2023-07-30T21:30:00Z"),
    ]
    assert audit.ids("RET-PROSPECT-3Y", {"persons": persons, "consents": consents}, as_of="2026-07-31") == {"p2"}


def test_prospect_renewal_dst_spring_forward_gap_local_time(audit):
    # 02:30 on 2023-03-26 does not exist in Brussels; it is read with the earlier offset, still 26 March
    persons = [prospect("p1", "2020-01-01")]
    consents = [consent("c1", "p1", "granted", "2023-03-26 02:30:00")]
    tables = {"persons": persons, "consents": consents}
    assert audit.ids("RET-PROSPECT-3Y", tables, as_of="2026-03-26") == set()
    assert audit.ids("RET-PROSPECT-3Y", tables, as_of="2026-03-27") == {"p1"}


def test_prospect_29_february_plus_3_years_is_28_february(audit):
    tables = {"persons": [prospect("p1", "2024-02-29")], "consents": NO_CONSENTS}
    assert audit.ids("RET-PROSPECT-3Y", tables, as_of="2027-02-28") == set()
    assert audit.ids("RET-PROSPECT-3Y", tables, as_of="2027-03-01") == {"p1"}


def test_prospect_legal_hold_is_exempt(audit):
    persons = [prospect("p1", "2020-01-01", legal_hold="true"), prospect("p2", "2020-01-01")]
    assert audit.ids("RET-PROSPECT-3Y", {"persons": persons, "consents": NO_CONSENTS}) == {"p2"}


def test_prospect_relationship_end_ignored_and_customers_not_judged(audit):
    persons = [
        prospect("p1", "2020-01-01", relationship_end_at="2026-01-01"),
        customer("c1", "2020-01-01"),
    ]
    assert audit.ids("RET-PROSPECT-3Y", {"persons": persons, "consents": NO_CONSENTS}) == {"p1"}


def test_archived_prospect_complies_the_same_prospect_not_archived_does_not(audit):
    # policy §4 "verwijderd of gearchiveerd" (catalogue 1.1)
    persons = [
        prospect("p1", "2020-01-01", archived="true"),
        prospect("p2", "2020-01-01", archived="false"),
        prospect("p3", "2020-01-01", archived=" Yes "),
    ]
    assert audit.ids("RET-PROSPECT-3Y", {"persons": persons, "consents": NO_CONSENTS}) == {"p2"}


# --- RET-FORMER-CUSTOMER-PROSPECTION --------------------------------------------------------------


def send(sid, pid, sent_at, purpose="newsletter", channel="email"):
    return {"send_id": sid, "person_id": pid, "channel": channel, "purpose": purpose, "sent_at": sent_at}


def test_former_customer_sent_on_the_deadline_is_in_time_one_day_late_is_a_breach(audit):
    persons = [customer("c1", "2022-10-31")]
    comms = [send("s1", "c1", "2025-10-31T10:00:00"), send("s2", "c1", "2025-11-01T10:00:00")]
    assert audit.ids("RET-FORMER-CUSTOMER-PROSPECTION", {"persons": persons, "communications": comms}) == {"s2"}


def test_former_customer_brussels_midnight_utc_timestamp(audit):
    persons = [customer("c1", "2022-10-31")]
    comms = [
        send("s1", "c1", "2025-10-31T22:30:00Z"),  # 23:30 on 31 Oct in Brussels: in time
        send("s2", "c1", "2025-10-31T23:30:00Z"),
    ]  # 00:30 on 1 Nov in Brussels: late
    assert audit.ids("RET-FORMER-CUSTOMER-PROSPECTION", {"persons": persons, "communications": comms}) == {"s2"}


def test_former_customer_only_prospection_purposes(audit):
    persons = [customer("c1", "2020-01-01")]
    comms = [
        send("s1", "c1", "2025-01-01T10:00:00", purpose="commercial"),
        send("s2", "c1", "2025-01-01T10:00:00", purpose="event_invitation", channel="post"),
        send("s3", "c1", "2025-01-01T10:00:00", purpose="service"),
        send("s4", "c1", "2025-01-01T10:00:00", purpose="satisfaction_survey"),
    ]
    assert audit.ids("RET-FORMER-CUSTOMER-PROSPECTION", {"persons": persons, "communications": comms}) == {"s1", "s2"}


def test_former_customer_active_customer_prospect_and_unknown_person_are_not_judged(audit):
    persons = [
        customer("c1", ""),
        prospect("p1", "2018-01-01", relationship_end_at="2019-01-01"),
        customer("c2", "2030-01-01"),
    ]  # a planned end: the relationship is active
    comms = [
        send("s1", "c1", "2025-01-01T10:00:00"),
        send("s2", "p1", "2025-01-01T10:00:00"),
        send("s3", "zz", "2025-01-01T10:00:00"),
        send("s4", "c2", "2025-01-01T10:00:00"),
    ]
    assert audit.ids("RET-FORMER-CUSTOMER-PROSPECTION", {"persons": persons, "communications": comms}) == set()


def test_former_customer_fresh_email_marketing_consent_covers_the_send(audit):
    # catalogue 1.1: the latest email_marketing event at or before sent_at is granted
    persons = [customer("c1", "2020-01-01")]
    consents = [
        consent("k1", "c1", "granted", "2025-01-01T10:00:00", purpose="email_marketing"),
        consent("k2", "c1", "withdrawn", "2025-06-01T10:00:00", purpose="email_marketing"),
        consent("k3", "c1", "granted", "2025-06-01T10:00:00", purpose="email_marketing"),  # withdrawn wins
        consent("k4", "c1", "granted", "2025-06-01T10:00:00", purpose="newsletter"),
    ]  # another purpose
    comms = [
        send("before", "c1", "2024-12-31T10:00:00"),  # before any consent: a finding
        send("at", "c1", "2025-01-01T10:00:00"),  # at the instant of the grant: covered
        send("covered", "c1", "2025-03-01T10:00:00", purpose="commercial", channel="post"),
        send("after_wd", "c1", "2025-06-01T10:00:00"),
    ]
    assert audit.ids(
        "RET-FORMER-CUSTOMER-PROSPECTION", {"persons": persons, "communications": comms, "consents": consents}
    ) == {"before", "after_wd"}


def test_former_customer_29_february_end_plus_3_years(audit):
    persons = [customer("c1", "2020-02-29")]
    comms = [send("s1", "c1", "2023-02-28T12:00:00"), send("s2", "c1", "2023-03-01T12:00:00")]
    assert audit.ids("RET-FORMER-CUSTOMER-PROSPECTION", {"persons": persons, "communications": comms}) == {"s2"}


# --- RET-CUSTOMER-NOT-ARCHIVED --------------------------------------------------------------------


def test_not_archived_on_the_deadline_is_in_time_one_day_late_is_a_breach(audit):
    persons = [customer("c1", "2023-10-31"), customer("c2", "2023-10-30")]
    assert audit.ids("RET-CUSTOMER-NOT-ARCHIVED", {"persons": persons}) == {"c2"}


def test_not_archived_archived_active_prospect_and_legal_hold_are_not_findings(audit):
    persons = [
        customer("c1", "2020-01-01", archived="true"),
        customer("c2", ""),
        customer("c3", "2020-01-01", legal_hold="yes"),
        customer("c4", "2020-01-01"),
        prospect("p1", "2015-01-01", relationship_end_at="2016-01-01"),
    ]
    assert audit.ids("RET-CUSTOMER-NOT-ARCHIVED", {"persons": persons}) == {"c4"}


def test_not_archived_29_february_plus_3_years(audit):
    persons = [customer("c1", "2024-02-29")]
    assert audit.ids("RET-CUSTOMER-NOT-ARCHIVED", {"persons": persons}, as_of="2027-02-28") == set()
    assert audit.ids("RET-CUSTOMER-NOT-ARCHIVED", {"persons": persons}, as_of="2027-03-01") == {"c1"}


# --- RET-CUSTOMER-ARCHIVE-EXPIRED -----------------------------------------------------------------


def test_archive_expired_on_the_deadline_is_in_time_one_day_late_is_a_breach(audit):
    persons = [
        customer("c1", "2016-10-31", archived="true"),
        customer("c2", "2016-10-30", archived="true"),
        customer("c3", "2016-10-30"),
    ]  # archived or not
    assert audit.ids("RET-CUSTOMER-ARCHIVE-EXPIRED", {"persons": persons}) == {"c2", "c3"}


def test_archive_expired_legal_hold_is_exempt(audit):
    persons = [customer("c1", "2010-01-01", archived="true", legal_hold="true"), customer("c2", "2010-01-01")]
    assert audit.ids("RET-CUSTOMER-ARCHIVE-EXPIRED", {"persons": persons}) == {"c2"}


def test_archive_expired_29_february_plus_10_years(audit):
    persons = [customer("c1", "2016-02-29", archived="true")]
    assert audit.ids("RET-CUSTOMER-ARCHIVE-EXPIRED", {"persons": persons}, as_of="2026-02-28") == set()
    assert audit.ids("RET-CUSTOMER-ARCHIVE-EXPIRED", {"persons": persons}, as_of="2026-03-01") == {"c1"}


# --- RET-CONNECTION-LOG-1Y ------------------------------------------------------------------------


def log(ts):
    return {"ts": ts, "ip": "192.0.2.1", "person_id": "", "event": "page", "user_agent": "x"}


def test_connection_log_on_the_deadline_is_in_time_one_day_late_is_a_breach(audit):
    logs = [log("2025-10-31T10:00:00"), log("2025-10-30T10:00:00"), log("2025-10-02T10:00:00")]
    assert audit.counts("RET-CONNECTION-LOG-1Y", {"connection_logs": logs}) == {("2025-10", 2)}


def test_connection_log_brussels_midnight_utc_timestamp_goes_to_the_local_month(audit):
    logs = [
        log("2025-09-30T22:30:00Z"),  # 00:30 on 1 Oct in Brussels (CEST)
        log("2025-09-30T21:30:00Z"),  # 23:30 on 30 Sep in Brussels
        log("2025-08-15T10:00:00"),
    ]
    assert audit.counts("RET-CONNECTION-LOG-1Y", {"connection_logs": logs}) == {
        ("2025-10", 1),
        ("2025-09", 1),
        ("2025-08", 1),
    }


def test_connection_log_dst_autumn_overlap_local_time(audit):
    # 02:30 on 2025-10-26 occurs twice in Brussels; it is read as the earlier (CEST) one, still 26 Oct
    logs = [log("2025-10-26 02:30:00"), log("2025-10-27T00:30:00+01:00")]
    assert audit.counts("RET-CONNECTION-LOG-1Y", {"connection_logs": logs}, as_of="2026-10-27") == {("2025-10", 1)}


def test_connection_log_29_february_plus_1_year(audit):
    logs = [log("2024-02-29T12:00:00"), log("2024-02-28T12:00:00"), log("2024-02-27T12:00:00")]
    assert audit.counts("RET-CONNECTION-LOG-1Y", {"connection_logs": logs}, as_of="2025-02-28") == {("2024-02", 1)}
    assert audit.counts("RET-CONNECTION-LOG-1Y", {"connection_logs": logs}, as_of="2025-03-01") == {("2024-02", 3)}


def test_connection_log_parquet_folder_gives_the_same_result_as_csv(audit, tmp_path):
    stamps = [
        "2025-01-15T10:00:00Z",
        "2025-01-31T23:30:00Z",
        "2025-02-03T08:00:00+01:00",
        "2025-02-28T23:00:00Z",
        "2026-01-10T10:00:00Z",
    ]
    csv_counts = audit.counts(
        "RET-CONNECTION-LOG-1Y", {"connection_logs": [log(s) for s in stamps]}, as_of="2026-02-15"
    )
    folder = tmp_path / "parquet_extract" / "connection_logs"
    folder.mkdir(parents=True)
    con = duckdb.connect()
    for name, part in (("2025-01", stamps[:2]), ("2025-02", stamps[2:])):
        values = ", ".join(f"('{s}'::TIMESTAMPTZ, '192.0.2.1', NULL, 'page', 'x')" for s in part)
        con.execute(
            f"COPY (SELECT * FROM (VALUES {values}) t(ts, ip, person_id, event, user_agent)) "
            f"TO '{folder / (name + '.parquet')}' (FORMAT parquet)"
        )
    con.close()
    from audit_lib.run import run_check

    with Extract(folder.parent, dt.date(2026, 2, 15)) as ex:
        found = run_check(ex, "RET-CONNECTION-LOG-1Y")
        parquet_counts = set(zip(found["record_id"], found["count"].astype(int)))
        kind = ex.con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = 'connection_logs_all'"
        ).fetchone()[0]
    assert kind == "VIEW"  # read in place from the Parquet files, not copied
    assert csv_counts == parquet_counts == {("2025-01", 1), ("2025-02", 2)}


# --- RET-ID-DOCUMENT ------------------------------------------------------------------------------


def request(rid, received="2026-05-01T09:00:00", verified="2026-05-01T10:00:00", deleted=""):
    return {
        "request_id": rid,
        "person_id": "p1",
        "type": "access",
        "received_at": "2026-05-01T08:00:00",
        "id_document_received_at": received,
        "identity_verified_at": verified,
        "id_document_deleted_at": deleted,
        "responded_at": "",
        "outcome": "",
    }


def test_id_document_deleted_on_the_verification_day_is_in_time_one_day_late_is_a_breach(audit):
    rows = [
        request("r1", deleted="2026-05-01T20:00:00"),
        request("r2", deleted="2026-05-02T08:00:00"),
        request("r3"),
    ]  # never deleted
    assert audit.ids("RET-ID-DOCUMENT", {"rights_requests": rows}) == {"r2", "r3"}


def test_id_document_brussels_midnight_utc_timestamp(audit):
    rows = [
        request("r1", verified="2026-05-01T21:00:00Z", deleted="2026-05-01T21:45:00Z"),  # both 1 May local
        request("r2", verified="2026-05-01T21:30:00Z", deleted="2026-05-01T22:30:00Z"),
    ]  # 1 May -> 2 May local
    assert audit.ids("RET-ID-DOCUMENT", {"rights_requests": rows}) == {"r2"}


def test_id_document_not_verified_or_not_received_is_not_judged(audit):
    rows = [request("r1", verified=""), request("r2", received="")]
    assert audit.ids("RET-ID-DOCUMENT", {"rights_requests": rows}) == set()


def test_id_document_not_deleted_is_a_finding_even_on_the_verification_day(audit):
    # checks.md: "id_document_deleted_at empty or later than identity_verified_at + 0 days" - empty is a finding
    rows = [request("r1", verified="2026-10-31T10:00:00"), request("r2", verified="2026-10-30T10:00:00")]
    assert audit.ids("RET-ID-DOCUMENT", {"rights_requests": rows}) == {"r1", "r2"}


# --- RET-CARD-DATA --------------------------------------------------------------------------------


def payment(pid, paid_at, card="4111111111111111", deferred="false", method="card", person=""):
    return {
        "payment_id": pid,
        "person_id": person,
        "paid_at": paid_at,
        "method": method,
        "card_number": card,
        "card_cvv": "",
        "card_expiry": "",
        "deferred_debit": deferred,
    }


def test_card_on_the_deadline_is_in_time_one_day_late_is_a_breach(audit):
    rows = [payment("y1", "2025-09-30T10:00:00"), payment("y2", "2025-09-29T10:00:00")]
    assert audit.ids("RET-CARD-DATA", {"payments": rows, "persons": NO_PERSONS}, as_of="2026-10-30") == {"y2"}


def test_card_deferred_debit_15_months(audit):
    rows = [
        payment("y1", "2025-07-31T10:00:00", deferred="true"),
        payment("y2", "2025-07-30T10:00:00", deferred="true"),
        payment("y3", "2025-07-31T10:00:00"),
    ]
    assert audit.ids("RET-CARD-DATA", {"payments": rows, "persons": NO_PERSONS}) == {"y2", "y3"}


def test_card_31_january_plus_13_months_is_28_february(audit):
    rows = [payment("y1", "2025-01-31T10:00:00")]
    assert audit.ids("RET-CARD-DATA", {"payments": rows, "persons": NO_PERSONS}, as_of="2026-02-28") == set()
    assert audit.ids("RET-CARD-DATA", {"payments": rows, "persons": NO_PERSONS}, as_of="2026-03-01") == {"y1"}


def test_card_brussels_midnight_utc_timestamp(audit):
    rows = [
        payment("y1", "2025-09-30T22:30:00Z"),  # 00:30 on 1 Oct in Brussels: deadline 2026-11-01
        payment("y2", "2025-09-30T21:30:00Z"),
    ]  # 23:30 on 30 Sep in Brussels: deadline 2026-10-30
    assert audit.ids("RET-CARD-DATA", {"payments": rows, "persons": NO_PERSONS}) == {"y2"}


def test_card_dst_spring_forward_local_midnight(audit):
    # a date alone is 00:00 local; 2025-03-30 (the DST change day) stays 30 March
    rows = [payment("y1", "2025-03-30")]
    assert audit.ids("RET-CARD-DATA", {"payments": rows, "persons": NO_PERSONS}, as_of="2026-04-30") == set()
    assert audit.ids("RET-CARD-DATA", {"payments": rows, "persons": NO_PERSONS}, as_of="2026-05-01") == {"y1"}


def test_card_any_method_counts_blank_number_does_not(audit):
    rows = [
        payment("y1", "2024-01-01T10:00:00", method="transfer"),
        payment("y2", "2024-01-01T10:00:00", card="  "),
        payment("y3", "2024-01-01T10:00:00", card=""),
    ]
    assert audit.ids("RET-CARD-DATA", {"payments": rows, "persons": NO_PERSONS}) == {"y1"}


def test_card_legal_hold_exempts_the_payments_that_name_the_person(audit):
    persons = [prospect("p1", "2024-01-01", legal_hold="true"), prospect("p2", "2024-01-01")]
    rows = [
        payment("y1", "2024-01-01T10:00:00", person="p1"),
        payment("y2", "2024-01-01T10:00:00", person="p2"),
        payment("y3", "2024-01-01T10:00:00", person="zz"),
    ]
    assert audit.ids("RET-CARD-DATA", {"payments": rows, "persons": persons}) == {"y2", "y3"}


def test_card_observed_never_shows_the_card_number(audit):
    rows = [payment("y1", "2024-01-01T10:00:00", card="4111111111111111", deferred="true")]
    with audit.extract({"payments": rows, "persons": NO_PERSONS}) as ex:
        from audit_lib.run import run_check

        found = run_check(ex, "RET-CARD-DATA")
    assert list(found["observed"]) == ["paid 2024-01-01; full card number kept (deferred debit); deadline 2025-04-01"]


def test_card_truncated_or_masked_number_is_not_card_data_kept_for_disputes(audit):
    # catalogue 1.1: only a full number (the SEC-PAN-UNMASKED test) is card data kept past the window
    rows = [
        payment("y1", "2024-01-01T10:00:00", card="411111******1111"),
        payment("y2", "2024-01-01T10:00:00", card="4111 11** **** 1111"),
        payment("y3", "2024-01-01T10:00:00", card="************1111"),
        payment("y4", "2024-01-01T10:00:00", card="4111-1111-1111-1111"),
        payment("y5", "2024-01-01T10:00:00", card="4111111*****1111"),
    ]  # one digit too many shown
    assert audit.ids("RET-CARD-DATA", {"payments": rows, "persons": NO_PERSONS}) == {"y4", "y5"}


def test_card_runs_on_payments_alone_without_persons(audit):
    rows = [payment("y1", "2024-01-01T10:00:00", person="p1"), payment("y2", "2026-01-01T10:00:00")]
    assert audit.ids("RET-CARD-DATA", {"payments": rows}) == {"y1"}


# --- the notebook's views (audit_lib.insights.retention) ------------------------------------------


def _run(audit, tables, as_of="2026-10-31"):
    from audit_lib import nb

    ex = audit.extract(tables, as_of)
    ex.close()
    return nb.open_run(str(ex.root), as_of)


def test_due_within_30_days_lists_what_falls_past_next_month_not_what_is_late_already(audit):
    from audit_lib.insights import retention

    persons = [
        prospect("p1", "2023-11-30"),  # deadline 2026-11-30 = as_of + 30: still in time then
        prospect("p2", "2023-11-29"),  # deadline 2026-11-29: due
        prospect("p3", "2023-10-30"),
    ]  # already late on as_of
    logs = [
        log("2025-11-15T10:00:00"),
        log("2025-11-16T10:00:00"),
        log("2025-10-20T10:00:00"),
        log("2025-11-30T10:00:00"),
    ]  # kept until 2026-11-30 = as_of + 30: still in time then
    run = _run(audit, {"persons": persons, "consents": NO_CONSENTS, "connection_logs": logs})
    due = retention.due_within(run, days=30)
    assert set(zip(due["check_id"], due["record_id"], due["count"])) == {
        ("RET-PROSPECT-3Y", "p2", 1),
        ("RET-CONNECTION-LOG-1Y", "2025-11", 2),
    }


def test_timeline_past_the_deadline_matches_the_findings(audit):
    from audit_lib.insights import retention

    persons = [
        prospect("p1", "2023-10-31"),
        prospect("p2", "2023-10-30"),
        customer("c1", "2023-10-30"),
        customer("c2", "2016-10-30", archived="true"),
    ]
    run = _run(audit, {"persons": persons, "consents": NO_CONSENTS})
    line = retention.timeline(run)
    late = set(zip(line.loc[line["in_breach"], "check_id"], line.loc[line["in_breach"], "record_id"]))
    found = run.findings[run.findings["area"] == "retention"]
    assert (
        late
        == set(zip(found["check_id"], found["record_id"]))
        == {("RET-PROSPECT-3Y", "p2"), ("RET-CUSTOMER-NOT-ARCHIVED", "c1"), ("RET-CUSTOMER-ARCHIVE-EXPIRED", "c2")}
    )
    p1 = line[(line["check_id"] == "RET-PROSPECT-3Y") & (line["record_id"] == "p1")]
    assert list(p1["days_past"]) == [0]  # on the deadline: in time


def test_log_cutoff_is_the_first_day_still_kept(audit):
    from audit_lib.insights import retention

    run = _run(audit, {"connection_logs": [log("2024-02-29T12:00:00")]}, as_of="2025-03-01")
    assert retention.log_cutoff(run) == dt.date(2024, 3, 1)


def test_prospect_retention_runs_without_the_consents_table(audit):
    # consents only extend the clock (retention_renewal); without them the persons are still judged
    persons = [
        {"person_id": "p1", "subject_type": "prospect", "collected_at": "2023-10-30"},
        {"person_id": "p2", "subject_type": "prospect", "collected_at": "2023-10-31"},
    ]
    assert audit.ids("RET-PROSPECT-3Y", {"persons": persons}) == {"p1"}


def test_days_from_deadline_is_counted_in_sql_and_agrees_with_the_timeline(audit):
    from audit_lib.insights import retention

    persons = [
        prospect("p1", "2023-10-31"),
        prospect("p2", "2023-10-30"),
        prospect("p3", "2023-10-30"),
        customer("c1", "2023-10-30"),
    ]
    run = _run(audit, {"persons": persons, "consents": NO_CONSENTS})
    days = retention.days_from_deadline(run)
    line = retention.timeline(run)
    expected = line.groupby(["check_id", "days_past"]).size().rename("records").reset_index()
    assert set(zip(days["check_id"], days["days_past"], days["records"])) == set(
        zip(expected["check_id"], expected["days_past"], expected["records"])
    )
    assert set(zip(days["check_id"], days["days_past"], days["records"])) >= {
        ("RET-PROSPECT-3Y", 0, 1),
        ("RET-PROSPECT-3Y", 1, 2),
    }
    summary = retention.summary(run).set_index("check")
    assert summary.loc["RET-PROSPECT-3Y", "records"] == 2
    assert summary.loc["RET-PROSPECT-3Y", "median days past deadline"] == 1


def test_the_retention_views_are_computed_once_per_run_and_handed_out_as_copies(audit, monkeypatch):
    """summary and the overdue chart share days_from_deadline; due_within and due_summary the forecast."""
    from audit_lib.insights import retention

    run = _run(audit, {"persons": [prospect("p1", "2023-10-30")], "consents": NO_CONSENTS})
    calls = []
    found = retention._found
    monkeypatch.setattr(retention, "_found", lambda *a: calls.append(a[1].id) or found(*a))
    first = retention.days_from_deadline(run)
    first.loc[:, "records"] = -1  # a caller changing its frame changes nobody else's
    again = retention.days_from_deadline(run)
    assert (again["records"] > 0).all()
    retention.due_summary(run, days=30)
    runs_of_forecast = len(calls)
    retention.due_within(run, days=30)
    assert runs_of_forecast > 0 and len(calls) == runs_of_forecast  # the forecast ran its checks once
    retention.due_within(run, days=60)
    assert len(calls) == 2 * runs_of_forecast  # another horizon is another forecast
