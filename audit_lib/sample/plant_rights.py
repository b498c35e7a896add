"""Planted rights requests, breaches and payments (DSR-*, RET-ID-DOCUMENT, BR-*, RET-CARD-DATA, SEC-*)."""

from __future__ import annotations

from datetime import date, timedelta

from . import timeutil as T
from .plan import Plan

SEC = timedelta(seconds=1)
DAY = timedelta(days=1)
H72 = timedelta(hours=72)
Z, OFF, L = T.iso_z, T.iso_offset, T.local


def _request(plan: Plan, person, typ, received, responded, *findings, outcome="granted", **cols) -> dict:
    row = {
        "request_id": plan.new_id("RQ9", 4, 1),
        "person_id": person,
        "type": typ,
        "received_at": received,
        "extended": "false",
        "responded_at": responded,
        "outcome": outcome,
        **cols,
    }
    return plan.add("rights_requests", row, *findings)


def _working(d: date) -> date:
    """The day itself or the next that is no weekend day and no Belgian public holiday."""
    import holidays  # noqa: PLC0415

    off = holidays.country_holidays("BE", years=range(d.year, d.year + 2))
    while d.weekday() >= 5 or d in off:
        d += DAY
    return d


def _received_for(plan: Plan, deadline_ok) -> date:
    """The latest receipt date, at least 40 days before as_of, whose 1-month deadline passes the test."""
    r = plan.ago(60)
    while not deadline_ok(T.add_months(r, 1)):
        r -= DAY
    return r


def plant_deadlines(plan: Plan) -> None:
    p = plan.person("customer", collected_at=plan.ago(3000).isoformat(), source="distributor")["person_id"]
    y = plan.as_of.year if date(plan.as_of.year, 3, 31) < plan.as_of else plan.as_of.year - 1
    jan31 = L(date(y, 1, 31), 10)
    _request(plan, p, "access", OFF(jan31), OFF(L(date(y, 2, 28), 16)))  # 31 Jan + 1 month = 28 Feb
    # in time when 28 Feb is a weekend day (the deadline moves to the next working day), else late
    mar1 = date(y, 3, 1)
    _request(
        plan, p, "access", OFF(jan31), OFF(L(mar1, 9)), *(() if _working(date(y, 2, 28)) >= mar1 else ("DSR-OVERDUE",))
    )
    # a deadline on a Saturday: answered on the Monday in time, on the Tuesday late
    r = _received_for(plan, lambda d: d.weekday() == 5 and _working(d) == d + 2 * DAY)
    monday = T.add_months(r, 1) + 2 * DAY
    _request(plan, p, "access", OFF(L(r, 10)), OFF(L(monday, 16)))
    _request(plan, p, "access", OFF(L(r, 11)), OFF(L(monday + DAY, 9)), "DSR-OVERDUE")
    # a deadline on a Belgian public holiday (a weekday): the next working day is in time, the one after late
    r = _received_for(plan, lambda d: d.weekday() < 5 and _working(d) != d)
    nxt = _working(T.add_months(r, 1))
    _request(plan, p, "rectification", OFF(L(r, 10)), OFF(L(nxt, 16)))
    _request(plan, p, "rectification", OFF(L(r, 11)), OFF(L(_working(nxt + DAY), 9)), "DSR-OVERDUE")
    late, ok = plan.boundary(1)
    while _working(T.add_months(late, 1)) >= plan.as_of:  # a deadline moved past a weekend is not yet late
        late -= DAY
    _request(plan, p, "access", OFF(L(late, 10)), None, "DSR-OVERDUE", outcome="pending")
    _request(plan, p, "rectification", OFF(L(ok, 10)), None, outcome=None)  # open, on the deadline
    _request(plan, p, "access", Z(L(ok, 0, 30)), None, outcome="pending")  # UTC date is a day earlier
    r = L(plan.ago(140), 10)  # extension notified on the 1-month deadline: 3 months
    _request(
        plan,
        p,
        "portability",
        OFF(r),
        OFF(L(T.add_months(r.date(), 3), 11)),
        extended="true",
        extension_notified_at=OFF(L(T.add_months(r.date(), 1), 15)),
    )
    r = L(plan.ago(150), 10)  # extension notified one day late (after the moved deadline): still 1 month
    first = _working(T.add_months(r.date(), 1))
    _request(
        plan,
        p,
        "portability",
        OFF(r),
        OFF(L(first + 10 * DAY, 11)),
        "DSR-OVERDUE",
        extended="true",
        extension_notified_at=OFF(L(first + DAY, 9)),
    )
    r = L(plan.ago(130), 10)  # extended without a notification
    _request(plan, p, "access", OFF(r), OFF(L(T.add_months(r.date(), 1) + 5 * DAY, 11)), "DSR-OVERDUE", extended="yes")
    leap = T.last_leap_day_before(plan.ago(60))  # 29 February + 1 month = 29 March
    _request(plan, p, "access", Z(L(leap, 10)), Z(L(date(leap.year, 3, 29), 17)))
    _request(plan, p, "access", Z(L(leap, 10)), Z(L(date(leap.year, 3, 30), 9)), "DSR-OVERDUE")
    # received 1 March 00:30 in Brussels (28/29 Feb in UTC), answered 1 April 01:30 (31 March in UTC)
    _request(plan, p, "rectification", Z(L(date(y, 3, 1), 0, 30)), Z(L(date(y, 4, 1), 1, 30)))
    late3, ok3 = plan.boundary(3)
    while _working(T.add_months(late3, 3)) >= plan.as_of:
        late3 -= DAY
    for received, findings in ((late3, ("DSR-OVERDUE",)), (ok3, ())):
        _request(
            plan,
            p,
            "access",
            OFF(L(received, 10)),
            None,
            *findings,
            outcome="pending",
            extended="true",
            extension_notified_at=OFF(L(received + 7 * DAY, 10)),
        )


def plant_id_documents(plan: Plan) -> None:
    p = plan.person("prospect", collected_at=plan.ago(200).isoformat())["person_id"]

    def req(verified, deleted, *findings, received_doc=True):
        v = verified
        _request(
            plan,
            p,
            "access",
            OFF(v - 3 * DAY),
            OFF(v + 2 * DAY),
            *findings,
            id_document_received_at=OFF(v - 2 * DAY) if received_doc else None,
            identity_verified_at=None if verified is None else Z(v),
            id_document_deleted_at=deleted,
        )

    v = L(plan.ago(60), 10)
    req(v, None, "RET-ID-DOCUMENT")
    req(v, OFF(v + DAY), "RET-ID-DOCUMENT")
    v = L(plan.ago(70), 10)
    req(v, OFF(L(plan.ago(70), 18)))  # deleted the same day
    d = plan.ago(80)  # same UTC date, next Brussels date
    req(L(d, 23), Z(L(d + DAY, 0, 30)), "RET-ID-DOCUMENT")
    d = plan.ago(90)  # next UTC date, same Brussels date
    req(L(d, 0, 30), Z(L(d, 20)))
    v = L(plan.ago(100), 10)  # document received, identity not yet verified
    _request(plan, p, "access", OFF(v), OFF(v + 5 * DAY), id_document_received_at=OFF(v + DAY))


def plant_request_outcomes(plan: Plan) -> None:
    rec, resp = OFF(L(plan.ago(60), 10)), OFF(L(plan.ago(55), 16))

    def cust(**cols):
        return plan.person("customer", collected_at=plan.ago(2500).isoformat(), **cols)["person_id"]

    _request(plan, cust(), "erasure", rec, resp, "DSR-ERASURE-NOT-DONE")
    _request(plan, "P8999990", "erasure", rec, resp)  # erased: the request stays as proof
    _request(plan, cust(legal_hold="true"), "erasure", rec, resp)
    _request(plan, cust(), "erasure", rec, resp, outcome="refused")
    # an archived customer row is the legal archive (Art. 17(3)(b)); an archived prospect row is not
    _request(
        plan,
        cust(relationship_end_at=plan.ago(5 * 365).isoformat(), archived="true"),
        "erasure",
        rec,
        resp,
        outcome=" Granted ",
    )
    archived_prospect = plan.person("prospect", collected_at=plan.ago(500).isoformat(), archived="true")
    _request(plan, archived_prospect["person_id"], "erasure", rec, resp, "DSR-ERASURE-NOT-DONE")

    def prospect():
        return plan.person("prospect", collected_at=plan.ago(500).isoformat())

    _request(plan, prospect()["person_id"], "objection", rec, resp, "DSR-OBJECTION-NOT-RECORDED")
    row = prospect()
    plan.objection("all_prospection", OFF(L(plan.ago(56), 9)), email=row["email"].capitalize() + " ")
    _request(plan, row["person_id"], "objection", rec, resp)
    row = prospect()
    plan.objection("profiling", Z(L(plan.ago(400), 9)), person=row["person_id"])  # any scope, any date
    _request(plan, row["person_id"], "objection", rec, resp)
    _request(plan, prospect()["person_id"], "objection", rec, resp, outcome="partially_granted")

    def withdraw(events, *findings):
        p = prospect()["person_id"]
        for purpose, status, at in events:
            plan.consent(p, purpose, status, at)
        _request(plan, p, "withdraw_consent", rec, resp, *findings)

    g = Z(L(plan.ago(400), 10))
    w = Z(L(plan.ago(56), 10))
    withdraw([("email_marketing", "granted", g)], "DSR-WITHDRAWAL-NOT-RECORDED")
    withdraw(
        [
            ("email_marketing", "granted", g),
            ("newsletter", "granted", g),
            ("email_marketing", "withdrawn", w),
            ("newsletter", "withdrawn", w),
        ]
    )
    withdraw(
        [
            ("email_marketing", "granted", g),
            ("email_marketing", "withdrawn", w),
            ("email_marketing", "granted", Z(L(plan.ago(20), 10))),
        ]
    )  # a new consent after the answer
    withdraw(
        [("email_marketing", "granted", g), ("email_marketing", "withdrawn", w), ("email_marketing", "granted", w)]
    )  # same instant: withdrawn wins
    withdraw(
        [
            ("email_marketing", "granted", g),
            ("email_marketing", "withdrawn", w),
            ("newsletter", "granted", Z(L(plan.ago(300), 10))),
        ],
        "DSR-WITHDRAWAL-NOT-RECORDED",
    )
    withdraw(
        [("email_marketing", "granted", g), ("email_marketing", "withdrawn", w), ("email_marketing", "granted", resp)]
    )  # granted at the very instant of the answer


def _after(dt, delta):
    """Elapsed time: aware Python datetimes in one zone add wall-clock time, so go through UTC."""
    return dt.astimezone(T.UTC) + delta


def plant_breaches(plan: Plan) -> None:
    def breach(detected, risk, notified, *findings, subjects=None, reason=None, exemption=None):
        plan.add(
            "breaches",
            {
                "breach_id": plan.new_id("BR-P", 2, 1),
                "detected_at": OFF(detected),
                "risk": risk,
                "notified_authority_at": None if notified is None else Z(notified),
                "subjects_notified_at": subjects,
                "delay_reason": reason,
                "subjects_notice_exemption": exemption,
            },
            *findings,
        )

    d = L(plan.ago(200), 10)
    breach(d, "risk", _after(d, H72))  # exactly 72 hours
    d = L(plan.ago(190), 10)
    breach(d, "risk", _after(d, H72 + SEC), "BR-LATE-NOTIFICATION")
    spring, autumn = T.dst_days(plan.as_of.year - 1)
    d = L(spring - 2 * DAY, 12)  # 72 h across the spring change: the wall clock shows 73
    breach(d, "risk", _after(d, H72))
    d = L(autumn - 2 * DAY, 12)  # across the autumn change the wall clock shows 71 h
    breach(d, "risk", _after(d, H72))
    breach(d + DAY, "risk", _after(d + DAY, H72 + timedelta(minutes=30)), "BR-LATE-NOTIFICATION")
    d = L(plan.ago(150), 10)
    breach(
        d,
        "high_risk",
        _after(d, timedelta(hours=100)),
        subjects=Z(_after(d, timedelta(hours=120))),
        reason="Forensic analysis needed to establish which accounts were exposed",
    )
    breach(L(plan.ago(50), 10), "none", None)
    end = T.end_of_day(plan.as_of)  # never notified: as_of counts as 24:00 local
    breach(_after(end, -H72), "risk", None)
    breach(_after(end, -H72 - SEC), "risk", None, "BR-LATE-NOTIFICATION")
    d = L(plan.ago(120), 10)
    breach(d, "high_risk", _after(d, timedelta(hours=10)), "BR-SUBJECTS-NOT-INFORMED")
    breach(d, " High_Risk ", _after(d, timedelta(hours=10)), subjects=OFF(_after(d, timedelta(hours=30))))
    breach(L(plan.ago(400), 10), "high_risk", None, "BR-LATE-NOTIFICATION", "BR-SUBJECTS-NOT-INFORMED")
    # a reason excuses a late notification, never a missing one (catalogue 1.1)
    d = L(plan.ago(90), 10)
    breach(d, "risk", None, "BR-LATE-NOTIFICATION", reason="Waiting for the processor's forensic report")
    breach(d, "risk", _after(d, timedelta(hours=80)), reason="Waiting for the processor's forensic report")
    # an Art. 34(3) exception exempts informing the people affected
    breach(d, "high_risk", _after(d, timedelta(hours=20)), exemption="encrypted")
    breach(d, "high_risk", _after(d, timedelta(hours=20)), exemption=" Public_Communication ")


def plant_payments(plan: Plan) -> None:
    p = plan.person("customer", collected_at=plan.ago(2500).isoformat(), source="website")["person_id"]
    held = plan.person("customer", collected_at=plan.ago(2500).isoformat(), legal_hold="true")["person_id"]
    masked = "497010******1234"

    def pay(paid, *findings, person=p, method="card", card=masked, cvv=None, deferred="false"):
        plan.add(
            "payments",
            {
                "payment_id": plan.new_id("PAY9", 7, 1),
                "person_id": person,
                "paid_at": paid,
                "method": method,
                "card_number": card,
                "card_cvv": cvv,
                "card_expiry": "09/28" if card else None,
                "deferred_debit": deferred,
            },
            *findings,
        )

    late13, ok13 = plan.boundary(13)
    late15, ok15 = plan.boundary(15)
    full = "4970101234561234"  # a full number: card data kept, and unmasked
    pay(OFF(L(late13, 12)), "RET-CARD-DATA", "SEC-PAN-UNMASKED", card=full)
    pay(OFF(L(late13, 12)))  # truncated: not card data kept for disputes (catalogue 1.1)
    pay(OFF(L(ok13, 9)), "SEC-PAN-UNMASKED", card=full)
    pay(Z(L(ok13, 0, 30)), "SEC-PAN-UNMASKED", card=full)  # the UTC date is still `late13`
    pay(OFF(L(ok15, 10)), "SEC-PAN-UNMASKED", deferred="true", card=full)
    pay(OFF(L(late15, 10)), "RET-CARD-DATA", "SEC-PAN-UNMASKED", deferred="true", card=full)
    pay(Z(L(plan.ago(600), 10)), "RET-CARD-DATA", "SEC-PAN-UNMASKED", method="transfer", card=full)  # any method
    pay(Z(L(plan.ago(600), 11)), method="transfer")  # truncated
    pay(Z(L(plan.ago(700), 10)), card=None)
    pay(Z(L(plan.ago(800), 10)), "SEC-PAN-UNMASKED", person=held, card=full)
    pay(Z(L(plan.ago(500), 10)), "RET-CARD-DATA", "SEC-PAN-UNMASKED", person=None, card=full)
    recent = Z(L(plan.ago(30), 10))
    pay(recent, "SEC-CVV-STORED", cvv="123")
    pay(recent, "SEC-CVV-STORED", cvv="042")
    for card, findings in (
        ("4970101234561234", ("SEC-PAN-UNMASKED",)),
        ("4970 10** **** 1234", ()),
        ("497010-XXXXXX-1234", ()),
        ("4970101*****1234", ("SEC-PAN-UNMASKED",)),
        ("************1234", ()),
        ("5555 5555 5555 4444", ("SEC-PAN-UNMASKED",)),
        ("378282*****0005", ()),
    ):
        pay(recent, *findings, card=card)
