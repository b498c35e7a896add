"""Planted sends, consents and objections for the lawful-basis checks (LB-SEND-*, LB-CONSENT-NO-PROOF)."""

from __future__ import annotations

from datetime import timedelta

from . import timeutil as T
from .plan import Plan

SEC = timedelta(seconds=1)
DAY = timedelta(days=1)
Z, OFF, NAIVE, L = T.iso_z, T.iso_offset, T.iso_naive, T.local


def _prospect(plan: Plan, days_ago: int = 600, **cols) -> str:
    return plan.person("prospect", collected_at=plan.ago(days_ago).isoformat(), **cols)["person_id"]


def plant_consent_sends(plan: Plan) -> None:
    p = _prospect(plan)  # no consent at all
    plan.send(p, "email", "commercial", Z(L(plan.ago(60), 10)), "LB-SEND-NO-CONSENT")
    plan.send(p, "post", "commercial", OFF(L(plan.ago(59), 10)))
    plan.send(p, "phone", "commercial", OFF(L(plan.ago(58), 10)))
    plan.send(p, "email", "event_invitation", Z(L(plan.ago(57), 10)), "LB-SEND-NO-CONSENT")  # advertising
    plan.send(p, "post", "event_invitation", Z(L(plan.ago(57), 11)))
    plan.send(p, "email", "satisfaction_survey", Z(L(plan.ago(56), 10)))
    plan.send(p, " SMS ", "Newsletter", Z(L(plan.ago(55), 10)), "LB-SEND-NO-CONSENT")  # odd case, valid

    p = _prospect(plan)  # consent at the very instant of the send covers it; one second before does not
    t = L(plan.ago(200), 9)
    plan.consent(p, "email_marketing", "granted", OFF(t))
    plan.send(p, "email", "commercial", Z(t))
    plan.send(p, "email", "commercial", Z(t - SEC), "LB-SEND-NO-CONSENT")

    p = _prospect(plan)  # newsletter consent covers newsletters only
    plan.consent(p, " Newsletter", "granted", Z(L(plan.ago(300), 11)))
    plan.send(p, "email", "newsletter", Z(L(plan.ago(250), 8)))
    plan.send(p, "email", "commercial", Z(L(plan.ago(240), 8)), "LB-SEND-NO-CONSENT")
    plan.send(p, "sms", "newsletter", OFF(L(plan.ago(200), 8)))

    p = _prospect(plan)  # withdrawn and granted at the same instant: withdrawn wins
    plan.consent(p, "email_marketing", "granted", Z(L(plan.ago(400), 11)))
    t = T.utc(plan.ago(150), 10)
    plan.consent(p, "email_marketing", "withdrawn", Z(t), proof=None)
    plan.consent(p, "email_marketing", "granted", OFF(t))
    plan.send(p, "email", "commercial", Z(t + DAY), "LB-SEND-AFTER-WITHDRAWAL")
    plan.send(p, "email", "newsletter", Z(t + 2 * DAY), "LB-SEND-AFTER-WITHDRAWAL")

    p = _prospect(plan)  # a withdrawal takes effect at its instant; a newsletter consent still covers newsletters
    plan.consent(p, "email_marketing", "granted", Z(L(plan.ago(400), 11)))
    w = L(plan.ago(120), 10)
    plan.consent(p, "email_marketing", "withdrawn", OFF(w), proof=None)
    plan.consent(p, "newsletter", "granted", OFF(w + 4 * DAY))
    plan.send(p, "email", "commercial", Z(w - SEC))
    plan.send(p, "email", "commercial", Z(w), "LB-SEND-AFTER-WITHDRAWAL")
    plan.send(p, "email", "newsletter", Z(w + 9 * DAY))
    plan.send(p, "email", "commercial", Z(w + 10 * DAY), "LB-SEND-AFTER-WITHDRAWAL")

    p = _prospect(plan)  # consent given the day after the send
    plan.send(p, "email", "commercial", Z(L(plan.ago(100), 10)), "LB-SEND-NO-CONSENT")
    plan.consent(p, "email_marketing", "granted", Z(L(plan.ago(99), 10)))
    plan.send(p, "email", "commercial", Z(L(plan.ago(50), 10)))

    # details from a distributor: no soft opt-in, the customer needs consent as a prospect does
    c = plan.person("customer", collected_at=plan.ago(2000).isoformat(), source="distributor")["person_id"]
    plan.send(c, "email", "commercial", Z(L(plan.ago(40), 10)), "LB-SEND-NO-CONSENT")
    plan.send(c, "email", "newsletter", Z(L(plan.ago(39), 10)), "LB-SEND-NO-CONSENT")
    plan.send(c, "sms", "commercial", Z(L(plan.ago(38), 10)), "LB-SEND-NO-CONSENT")
    plan.send(c, "post", "commercial", Z(L(plan.ago(37), 10)))
    c = plan.person("customer", collected_at=plan.ago(2000).isoformat(), source=" Distributor ")["person_id"]
    plan.consent(c, "email_marketing", "granted", Z(L(plan.ago(300), 10)))  # with consent: covered
    plan.send(c, "email", "commercial", Z(L(plan.ago(40), 10)))
    plan.send(c, "email", "event_invitation", Z(L(plan.ago(39), 10)))
    # details obtained directly: soft opt-in, no event needed ...
    c = plan.person("customer", collected_at=plan.ago(2000).isoformat(), source="website")["person_id"]
    plan.send(c, "email", "commercial", Z(L(plan.ago(40), 10)))
    plan.send(c, "email", "newsletter", Z(L(plan.ago(39), 10)))
    # ... but an unsubscribe is honoured (latest event withdrawn, none granted)
    c = plan.person("customer", collected_at=plan.ago(2000).isoformat(), source="trade_fair")["person_id"]
    plan.consent(c, "email_marketing", "granted", Z(L(plan.ago(400), 10)))
    u = L(plan.ago(100), 10)
    plan.consent(c, "email_marketing", "withdrawn", Z(u), proof="UNSUB-0001")
    plan.send(c, "email", "commercial", Z(u - SEC))
    plan.send(c, "email", "commercial", Z(u), "LB-SEND-AFTER-WITHDRAWAL")
    plan.send(c, "email", "event_invitation", Z(u + 5 * DAY), "LB-SEND-AFTER-WITHDRAWAL")
    plan.send(c, "post", "commercial", Z(u + 6 * DAY))
    # unsubscribed from the newsletter only: e-mail marketing still granted covers a newsletter
    c = plan.person("customer", collected_at=plan.ago(2000).isoformat(), source="website")["person_id"]
    plan.consent(c, "email_marketing", "granted", Z(L(plan.ago(400), 10)))
    plan.consent(c, "newsletter", "granted", Z(L(plan.ago(400), 11)))
    plan.consent(c, "newsletter", "withdrawn", Z(L(plan.ago(100), 10)), proof="UNSUB-0002")
    plan.send(c, "email", "newsletter", Z(L(plan.ago(90), 10)))
    c = plan.person(
        "customer", collected_at=plan.ago(2000).isoformat(), relationship_end_at=plan.ago(2 * 365).isoformat()
    )["person_id"]
    plan.send(c, "sms", "commercial", Z(L(plan.ago(30), 10)))  # ended 2 years ago: still soft opt-in

    # spring gap: a naive 02:30 takes the earlier offset (+01:00), i.e. 01:30 UTC
    spring, autumn = T.dst_days(plan.as_of.year)
    if spring >= plan.as_of - timedelta(days=2):
        spring, _ = T.dst_days(plan.as_of.year - 1)
    if autumn >= plan.as_of - timedelta(days=2):
        _, autumn = T.dst_days(plan.as_of.year - 1)
    p = _prospect(plan, 900)
    g = T.utc(spring, 1, 30)
    plan.consent(p, "email_marketing", "granted", OFF(g))  # written 03:30+02:00
    plan.send(p, "email", "commercial", f"{spring.isoformat()} 02:30:00")
    plan.send(p, "email", "commercial", f"{spring.isoformat()} 01:59:59", "LB-SEND-NO-CONSENT")
    # autumn overlap: a naive 02:30 is the first one (+02:00), before a withdrawal at 02:15+01:00
    p = _prospect(plan, 900)
    plan.consent(p, "email_marketing", "granted", Z(L(autumn - 200 * DAY, 10)))
    plan.consent(p, "email_marketing", "withdrawn", OFF(T.utc(autumn, 1, 15)), proof=None)
    plan.send(p, "email", "commercial", f"{autumn.isoformat()} 02:30:00")
    plan.send(p, "email", "commercial", OFF(T.utc(autumn, 1, 30)), "LB-SEND-AFTER-WITHDRAWAL")

    # a consent row with an unparseable date is left out: the send it would cover has no consent
    p = _prospect(plan)
    plan.consent(p, "email_marketing", "granted", f"{plan.as_of.year}-02-30T10:00:00Z", "DQ-INVALID-VALUE")
    plan.send(p, "email", "commercial", Z(L(plan.ago(20), 10)), "LB-SEND-NO-CONSENT")

    # a person_id not in persons: consent findings are skipped, objections still apply
    plan.send("P8999999", "email", "commercial", Z(L(plan.ago(10), 10)), "DQ-ORPHAN-REFERENCE")
    plan.add(
        "objections",
        {
            "objection_id": "OBJ9000001",
            "person_id": "P8999998",
            "scope": "all_prospection",
            "registered_at": Z(L(plan.ago(40), 10)),
        },
    )
    plan.send(
        "P8999998", "email", "commercial", Z(L(plan.ago(30), 10)), "DQ-ORPHAN-REFERENCE", "LB-SEND-AFTER-OBJECTION"
    )
    plan.consent("P8999997", "email_marketing", "granted", Z(L(plan.ago(30), 10)), "DQ-ORPHAN-REFERENCE")


def plant_objections(plan: Plan) -> None:

    row = plan.person("prospect", collected_at=plan.ago(700).isoformat())
    p = row["person_id"]
    plan.consent(p, "email_marketing", "granted", Z(L(plan.ago(500), 10)))
    r = L(plan.ago(150), 12)
    plan.objection("email", OFF(r), person=p)
    plan.send(p, "email", "commercial", Z(r), "LB-SEND-AFTER-OBJECTION")  # at the same instant
    plan.send(p, "email", "commercial", Z(r - SEC))
    plan.send(p, "post", "commercial", Z(r + 10 * DAY))
    plan.send(p, "sms", "commercial", Z(r + 11 * DAY), "LB-SEND-AFTER-OBJECTION")  # email covers sms
    plan.send(p, "email", "service", Z(r + 12 * DAY))
    plan.send(p, "email", "satisfaction_survey", Z(r + 13 * DAY))

    row = plan.person("prospect", collected_at=plan.ago(700).isoformat())  # matched on e-mail
    p = row["person_id"]
    plan.consent(p, "email_marketing", "granted", Z(L(plan.ago(500), 10)))
    plan.objection("postal", Z(L(plan.ago(200), 10)), email=f"  {row['email'].upper()} ")
    plan.send(p, "post", "commercial", OFF(L(plan.ago(150), 10)), "LB-SEND-AFTER-OBJECTION")
    plan.send(p, "email", "event_invitation", OFF(L(plan.ago(140), 10)))
    plan.send(p, "post", "commercial", OFF(L(plan.ago(220), 10)))

    row = plan.person("customer", collected_at=plan.ago(1500).isoformat(), source="trade_fair")
    p = row["person_id"]
    plan.objection("all_prospection", Z(L(plan.ago(100), 10)), email=row["email"].title())
    plan.send(p, "email", "event_invitation", Z(L(plan.ago(90), 10)), "LB-SEND-AFTER-OBJECTION")
    plan.send(p, "email", "satisfaction_survey", Z(L(plan.ago(85), 10)))
    plan.send(p, "phone", "commercial", Z(L(plan.ago(80), 10)), "LB-SEND-AFTER-OBJECTION")

    p = _prospect(plan, 700)
    plan.consent(p, "email_marketing", "granted", Z(L(plan.ago(500), 10)))
    plan.objection(" Phone", Z(L(plan.ago(100), 10)), person=p)
    plan.send(p, "phone", "commercial", Z(L(plan.ago(50), 10)), "LB-SEND-AFTER-OBJECTION")
    plan.send(p, "email", "newsletter", Z(L(plan.ago(40), 10)))

    p = _prospect(plan, 700)  # profiling covers no channel, only personalised messages
    plan.consent(p, "email_marketing", "granted", Z(L(plan.ago(500), 10)))
    o = L(plan.ago(100), 10)
    plan.objection("profiling", Z(o), person=p)
    plan.send(p, "email", "commercial", Z(L(plan.ago(50), 10)))
    plan.send(p, "email", "commercial", Z(o - SEC), personalised="true")
    plan.send(p, "email", "commercial", Z(o), "LB-PROFILING-AFTER-OBJECTION", personalised="true")
    plan.send(p, "email", "service", Z(o + 3 * DAY), "LB-PROFILING-AFTER-OBJECTION", personalised=" TRUE ")
    plan.send(p, "post", "commercial", Z(o + 4 * DAY), personalised=None)  # empty is not true
    row = plan.person("prospect", collected_at=plan.ago(700).isoformat())  # matched on e-mail
    plan.consent(row["person_id"], "email_marketing", "granted", Z(L(plan.ago(500), 10)))
    plan.objection("profiling", Z(L(plan.ago(100), 10)), email=row["email"].upper())
    plan.send(
        row["person_id"],
        "email",
        "newsletter",
        Z(L(plan.ago(60), 10)),
        "LB-PROFILING-AFTER-OBJECTION",
        personalised="yes",
    )
    row = plan.person("prospect", collected_at=plan.ago(700).isoformat())  # an objection of another scope
    plan.consent(row["person_id"], "email_marketing", "granted", Z(L(plan.ago(500), 10)))
    plan.objection("postal", Z(L(plan.ago(100), 10)), person=row["person_id"])
    plan.send(row["person_id"], "email", "newsletter", Z(L(plan.ago(60), 10)), personalised="true")


def plant_consent_proof(plan: Plan) -> None:
    p = _prospect(plan, 400)
    plan.consent(p, "email_marketing", "granted", Z(L(plan.ago(300), 10)), "LB-CONSENT-NO-PROOF", proof=None)
    plan.consent(p, "email_marketing", "withdrawn", Z(L(plan.ago(200), 10)), proof=None)
    plan.consent(p, "events", " Granted ", OFF(L(plan.ago(190), 10)), "LB-CONSENT-NO-PROOF", proof=None)
    plan.consent(p, "postal_marketing", "GRANTED", OFF(L(plan.ago(180), 10)), proof="FORM-TRADEFAIR-2026")
