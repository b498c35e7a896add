"""Planted data-quality problems (DQ-*) and the connection-log rows around the 1-year boundary."""

from __future__ import annotations

from datetime import timedelta

from . import timeutil as T
from .plan import Plan, RowRef

DAY = timedelta(days=1)
Z, OFF, NAIVE, L = T.iso_z, T.iso_offset, T.iso_naive, T.local


def plant_table_quality(plan: Plan) -> None:
    ds = lambda days: plan.ago(days).isoformat()  # noqa: E731
    future = plan.as_of + DAY
    # persons
    dup = plan.person("prospect", collected_at=ds(100))
    plan.add("persons", dict(dup))
    plan.expect("DQ-DUPLICATE-KEY", dup["person_id"], 2)
    plan.person("prospect", "DQ-MISSING-REQUIRED", collected_at=None)
    row = plan.person("prospect", collected_at=ds(100))
    row["person_id"] = None  # the key itself is missing: reported on its row number
    plan.key.append(("DQ-MISSING-REQUIRED", _row_ref(plan, "persons"), 1))
    plan.person("lead", "DQ-INVALID-VALUE", collected_at=ds(2500))
    plan.person("prospect", "DQ-INVALID-VALUE", collected_at=f"{plan.as_of.year - 1}-02-30")
    plan.person("customer", "DQ-INVALID-VALUE", collected_at=ds(3000), relationship_end_at="2024-13-01")
    plan.person("prospect", "DQ-FUTURE-DATE", collected_at=future.isoformat())
    plan.person("prospect", "DQ-FUTURE-DATE", collected_at=ds(6 * 365), last_contact_at=(future + 9 * DAY).isoformat())
    # consents (of a prospect who receives nothing)
    p = plan.person("prospect", collected_at=ds(300))["person_id"]
    plan.consent(p, "sms_marketing", "granted", Z(L(plan.ago(200), 10)), "DQ-INVALID-VALUE")
    plan.consent(p, "newsletter", "granted", Z(L(future, 0, 30)), "DQ-FUTURE-DATE")  # 23:30 UTC on as_of
    plan.consent(p, "newsletter", "granted", Z(L(plan.as_of, 23, 30)))  # 22:30 UTC: still as_of
    plan.consent(p, "events", None, Z(L(plan.ago(150), 10)), "DQ-MISSING-REQUIRED", proof="FORM-EVT")

    # objections

    plan.objection("all_prospection", Z(L(plan.ago(30), 10)), "DQ-MISSING-REQUIRED")
    plan.objection("sms", Z(L(plan.ago(30), 10)), "DQ-INVALID-VALUE", email="old.contact@gmail.com")
    plan.objection("email", Z(L(future + DAY, 10)), "DQ-FUTURE-DATE", email="another.contact@hotmail.com")
    # communications
    p = plan.person("prospect", collected_at=ds(300))["person_id"]  # no consent
    s = plan.send(p, "email", "service", Z(L(plan.ago(40), 10)))
    plan.add("communications", dict(s))
    plan.expect("DQ-DUPLICATE-KEY", s["send_id"], 2)
    plan.send(p, "fax", "commercial", Z(L(plan.ago(35), 10)), "DQ-INVALID-VALUE")
    plan.send(p, "email", None, Z(L(plan.ago(34), 10)), "DQ-MISSING-REQUIRED")
    plan.send(p, "email", "commercial", Z(L(future, 0, 30)), "DQ-FUTURE-DATE")  # left out: no consent finding
    plan.send(p, "email", "service", Z(L(plan.as_of, 23, 30)))
    row = plan.send(p, "email", "service", Z(L(plan.ago(33), 10)))
    row["send_id"] = None
    plan.key.append(("DQ-MISSING-REQUIRED", _row_ref(plan, "communications"), 1))
    # rights requests
    rec, resp = OFF(L(plan.ago(40), 10)), OFF(L(plan.ago(35), 10))
    for typ, received, responded, finding in (
        ("deletion", rec, resp, "DQ-INVALID-VALUE"),
        ("access", rec, Z(L(future, 0, 30)), "DQ-FUTURE-DATE"),
        ("access", None, resp, "DQ-MISSING-REQUIRED"),
    ):
        plan.add(
            "rights_requests",
            {
                "request_id": plan.new_id("RQ9", 4, 1),
                "person_id": p,
                "type": typ,
                "received_at": received,
                "responded_at": responded,
                "outcome": "granted",
            },
            finding,
        )
    # breaches
    for detected, risk, finding in (
        (OFF(L(future, 0, 30)), "risk", "DQ-FUTURE-DATE"),
        (OFF(L(plan.ago(30), 10)), "medium", "DQ-INVALID-VALUE"),
    ):
        plan.add("breaches", {"breach_id": plan.new_id("BR-P", 2, 1), "detected_at": detected, "risk": risk}, finding)
    # payments
    c = plan.person("customer", collected_at=ds(900))["person_id"]
    for person, method, paid, finding in (
        ("P8999996", "card", Z(L(plan.ago(20), 10)), "DQ-ORPHAN-REFERENCE"),
        (c, "paypal", Z(L(plan.ago(20), 10)), "DQ-INVALID-VALUE"),
        (c, "card", Z(L(future, 0, 30)), "DQ-FUTURE-DATE"),
    ):
        plan.add(
            "payments",
            {
                "payment_id": plan.new_id("PAY9", 7, 1),
                "person_id": person,
                "paid_at": paid,
                "method": method,
                "card_number": "535310******0042",
                "card_expiry": "11/29",
                "deferred_debit": "false",
            },
            finding,
        )


def _row_ref(plan: Plan, table: str) -> RowRef:
    return RowRef(table, len(plan.rows[table]) - 1)


def plant_logs(plan: Plan, typed: bool) -> None:
    """Connection-log rows: old months, Brussels midnight, future and unparseable timestamps.

    `typed` (Parquet): timestamps are stored as instants, so unparseable text cannot occur.
    """
    late, ok = plan.boundary(12)  # connection_log_years
    counts: dict[tuple[str, str], int] = {}

    def row(month_file: str, text: str, dt, day=None, ip="81.82.201.17", event="page"):
        day = day or (None if dt is None else T.local_date(dt))
        plan.log_rows.append(
            (
                month_file,
                {
                    "ts": dt.astimezone(T.UTC) if typed else text,
                    "ip": ip,
                    "person_id": None,
                    "event": event,
                    "user_agent": None,
                },
            )
        )
        if day is None:
            counts[("DQ-INVALID-VALUE", "unparseable")] = counts.get(("DQ-INVALID-VALUE", "unparseable"), 0) + 1
        elif day > plan.as_of:
            k = ("DQ-FUTURE-DATE", day.strftime("%Y-%m"))
            counts[k] = counts.get(k, 0) + 1
        elif T.add_years(day, 1) < plan.as_of:
            k = ("RET-CONNECTION-LOG-1Y", day.strftime("%Y-%m"))
            counts[k] = counts.get(k, 0) + 1

    m = lambda d: d.strftime("%Y-%m")  # noqa: E731
    for hh, mm, fmt in ((9, 5, OFF), (10, 40, Z), (14, 2, NAIVE), (16, 20, lambda x: OFF(x, compact=True))):
        row(m(late), fmt(L(late, hh, mm)), L(late, hh, mm))
    row(m(late), Z(L(late, 23, 59, 59)), L(late, 23, 59, 59))
    row(m(late), late.isoformat(), L(late))  # a date alone is 00:00 local
    row(m(ok), Z(L(ok, 0, 30)), L(ok, 0, 30))  # UTC date is `late`: still in time
    row(m(ok), ok.isoformat(), L(ok))
    _, autumn = T.dst_days(late.year)
    if autumn < late:
        row(m(autumn), NAIVE(L(autumn, 2, 30)), L(autumn, 2, 30))  # the overlap hour
    prev = late.replace(day=1) - DAY  # a whole month of leftovers
    for d in range(1, prev.day + 1):
        day = prev.replace(day=d)
        fmt = (Z, OFF, NAIVE)[d % 3]
        row(m(prev), fmt(L(day, 11, d)), L(day, 11, d), event=("page", "login", "download")[d % 3])
    row(m(prev), NAIVE(L(prev, 23, 59, 59)), L(prev, 23, 59, 59))
    first = prev + DAY  # UTC says the last day of `prev`, Brussels says the 1st of the next month
    row(m(prev), Z(L(first, 0, 30)), L(first, 0, 30))
    leap = T.last_leap_day_before(late)
    for hh in (8, 9, 10, 11, 13, 15, 17, 19):
        row(m(leap), Z(L(leap, hh, 15)), L(leap, hh, 15))
    future = plan.as_of + DAY
    # Parquet months are rewritten to add plants: keep them off the big as_of month there
    row(m(future) if typed else m(plan.as_of), Z(L(plan.as_of, 23, 59, 59)), L(plan.as_of, 23, 59, 59))
    row(m(future), Z(L(future, 0, 30)), L(future, 0, 30))
    row(m(future), OFF(L(future + DAY, 9)), L(future + DAY, 9))
    row(m(future), NAIVE(L(future + 2 * DAY, 10)), L(future + 2 * DAY, 10))
    if not typed:
        row(m(plan.as_of), f"{plan.as_of.year}-02-30T10:00:00Z", None)
        row(m(plan.as_of), f"{plan.as_of.isoformat()}T25:10:00Z", None)
    for (check, month), n in sorted(counts.items()):
        plan.expect(check, month, n)
