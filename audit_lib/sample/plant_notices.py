"""Planted cases of the checks catalogue 1.1 added: LB-NO-OPTOUT, LB-SOURCE-NOT-INFORMED and
DSR-RESTRICTION-NOT-HONOURED, each with near misses on both sides."""

from __future__ import annotations

from datetime import timedelta

from . import timeutil as T
from .plan import Plan

SEC = timedelta(seconds=1)
DAY = timedelta(days=1)
Z, OFF, L = T.iso_z, T.iso_offset, T.local


def _customer(plan: Plan, **cols) -> str:
    """A direct customer (soft opt-in): prospection needs no consent event."""
    return plan.person("customer", collected_at=plan.ago(2000).isoformat(), source="website", **cols)["person_id"]


def plant_optout(plan: Plan) -> None:
    c = _customer(plan)
    plan.send(c, "email", "commercial", Z(L(plan.ago(40), 10)), "LB-NO-OPTOUT", optout_link="false")
    plan.send(c, "sms", "newsletter", Z(L(plan.ago(39), 10)), "LB-NO-OPTOUT", optout_link=None)  # empty
    plan.send(c, "email", "event_invitation", Z(L(plan.ago(38), 10)), "LB-NO-OPTOUT", optout_link=" No ")
    plan.send(c, "email", "commercial", Z(L(plan.ago(37), 10)), optout_link=" TRUE ")
    plan.send(c, "post", "commercial", Z(L(plan.ago(36), 10)), optout_link="false")  # not e-mail/sms
    plan.send(c, "email", "service", Z(L(plan.ago(35), 10)), optout_link="false")  # not prospection


def plant_source_notices(plan: Plan) -> None:
    def third(collected, notice, source="distributor", *findings):
        return plan.person(
            "prospect",
            *findings,
            collected_at=collected.isoformat(),
            source=source,
            art14_notice_at=None if notice is None else notice.isoformat(),
        )["person_id"]

    late, ok = plan.boundary(1)  # as_of > collected_at + 1 month
    third(late, None, "partner", "LB-SOURCE-NOT-INFORMED")  # never told, one day past the month
    third(ok, None, "partner")  # never told, on the last day of the month: still in time
    plan.person("prospect", collected_at=late.isoformat(), source="website")  # direct: no Art. 14
    c = plan.ago(300)
    third(c, T.add_months(c, 1))  # told on the last day
    third(c, T.add_months(c, 1) + DAY, "database_rental", "LB-SOURCE-NOT-INFORMED")  # one day late
    third(c, c + 40 * DAY, " Employer ", "LB-SOURCE-NOT-INFORMED")
    # before the first message at the latest: told on its date in time, the day after it late
    p = third(c, c + 10 * DAY, "subsidiary")
    plan.consent(p, "email_marketing", "granted", Z(L(c + 2 * DAY, 10)))
    plan.send(p, "email", "newsletter", Z(L(c + 10 * DAY, 10)))
    p = third(c, c + 11 * DAY, "subsidiary", "LB-SOURCE-NOT-INFORMED")
    plan.consent(p, "email_marketing", "granted", Z(L(c + 2 * DAY, 10)))
    plan.send(p, "email", "newsletter", Z(L(c + 10 * DAY, 10)))


def plant_restrictions(plan: Plan) -> None:
    def restriction(person, responded, lifted, *findings, outcome="granted", count=1):
        row = {
            "request_id": plan.new_id("RQ9", 4, 500),
            "person_id": person,
            "type": "restriction",
            "received_at": OFF(responded - 5 * DAY),
            "extended": "false",
            "responded_at": Z(responded),
            "outcome": outcome,
            "restriction_lifted_at": None if lifted is None else Z(lifted),
        }
        plan.add("rights_requests", row, *findings, count=count)

    c = _customer(plan)  # lifted: messages after the lift are fine
    r, lifted = L(plan.ago(100), 12), L(plan.ago(50), 12)
    restriction(c, r, lifted, "DSR-RESTRICTION-NOT-HONOURED")
    plan.send(c, "email", "commercial", Z(r - SEC))
    plan.send(c, "email", "commercial", Z(r))  # at the instant of the answer: not after it
    plan.send(c, "post", "commercial", Z(L(plan.ago(70), 10)))  # any channel
    plan.send(c, "email", "service", Z(L(plan.ago(60), 10)))
    plan.send(c, "email", "newsletter", Z(lifted))  # at the lift: ended
    c = _customer(plan)  # still in force: every prospection message counts
    r = L(plan.ago(60), 12)
    restriction(c, r, None, "DSR-RESTRICTION-NOT-HONOURED", outcome="partially_granted", count=2)
    plan.send(c, "email", "newsletter", Z(r + SEC))
    plan.send(c, "phone", "event_invitation", Z(L(plan.ago(20), 10)))
    c = _customer(plan)  # refused: no restriction
    restriction(c, L(plan.ago(60), 12), None, outcome="refused")
    plan.send(c, "email", "commercial", Z(L(plan.ago(20), 10)))
