"""Planted persons for the retention checks (RET-PROSPECT-3Y, RET-CUSTOMER-*, RET-FORMER-CUSTOMER-PROSPECTION)."""

from __future__ import annotations

from datetime import timedelta

from . import timeutil as T
from .plan import Plan

DAY = timedelta(days=1)


def _ds(d) -> str:
    return d.isoformat()


def plant_prospects(plan: Plan) -> None:
    late, ok = plan.boundary(36)  # prospect_years = 3
    old = _ds(plan.ago(5 * 365))
    plan.person("prospect", "RET-PROSPECT-3Y", collected_at=_ds(late))  # one day past
    plan.person("prospect", collected_at=_ds(ok))  # on the deadline: in time
    plan.person("prospect", collected_at=old, last_contact_at=_ds(ok + 20 * DAY))  # a reply resets the clock
    plan.person("prospect", "RET-PROSPECT-3Y", collected_at=old, last_contact_at=_ds(late))
    # a granted retention_renewal moves the clock to its (Brussels) date
    p = plan.person("prospect", collected_at=old)
    plan.consent(p["person_id"], "retention_renewal", "granted", T.iso_offset(T.local(ok + 40 * DAY, 10)))
    p = plan.person("prospect", collected_at=old)  # 23:30 UTC on `late` is already `ok` in Brussels
    plan.consent(p["person_id"], "retention_renewal", "granted", T.iso_z(T.local(ok, 0, 30)))
    p = plan.person("prospect", "RET-PROSPECT-3Y", collected_at=old)  # 23:30 Brussels on `late` stays `late`
    plan.consent(p["person_id"], "retention_renewal", "granted", T.iso_offset(T.local(late, 23, 30)))
    p = plan.person("prospect", collected_at=old)  # withdrawn later: the granted date still counts
    plan.consent(p["person_id"], "retention_renewal", "granted", T.iso_z(T.local(plan.ago(700), 11)))
    plan.consent(p["person_id"], "retention_renewal", "withdrawn", T.iso_z(T.local(plan.ago(300), 11)))
    p = plan.person("prospect", "RET-PROSPECT-3Y", collected_at=old)  # only a withdrawal: no clock
    plan.consent(p["person_id"], "retention_renewal", "withdrawn", T.iso_z(T.local(plan.ago(300), 15)))
    # archived complies with §4 ("verwijderd of gearchiveerd"); the same prospect not archived does not
    plan.person("prospect", collected_at=_ds(late - 200 * DAY), archived="true")
    plan.person("prospect", "RET-PROSPECT-3Y", collected_at=_ds(late - 200 * DAY), archived="false")
    plan.person("prospect", collected_at=_ds(plan.ago(6 * 365)), legal_hold="true")
    # a prospect's relationship_end_at is ignored (it would be an expired archive for a customer)
    plan.person("prospect", collected_at=_ds(plan.ago(300)), relationship_end_at=_ds(plan.ago(12 * 365)))
    plan.person(" Prospect ", "RET-PROSPECT-3Y", collected_at=_ds(plan.ago(4 * 365)))  # odd case, valid


def plant_customers(plan: Plan) -> None:
    late3, ok3 = plan.boundary(36)  # active_after_end_years = 3
    late10, ok10 = plan.boundary(120)  # archive_years = 10

    def customer(end, *findings, **cols):
        return plan.person(
            "customer",
            *findings,
            collected_at=_ds(end - 1000 * DAY),
            source="distributor",
            relationship_end_at=_ds(end),
            **cols,
        )

    customer(late3, "RET-CUSTOMER-NOT-ARCHIVED")
    customer(ok3)  # on the deadline
    customer(plan.ago(5 * 365), archived="true")
    customer(plan.ago(5 * 365), legal_hold="true")
    customer(plan.ago(4 * 365), archived="oui")  # boolean spellings of the contract
    customer(plan.ago(6 * 365), archived="Yes")
    customer(plan.ago(7 * 365), archived=" JA ")
    plan.person("customer", collected_at=_ds(plan.ago(900)), relationship_end_at=_ds(plan.as_of + 150 * DAY))
    customer(late10, "RET-CUSTOMER-ARCHIVE-EXPIRED", archived="true")
    customer(ok10, archived="true")
    customer(late10 - 400 * DAY, "RET-CUSTOMER-ARCHIVE-EXPIRED", "RET-CUSTOMER-NOT-ARCHIVED")
    customer(plan.ago(12 * 365), archived="true", legal_hold="true")


def plant_former_customers(plan: Plan) -> None:
    """Prospection more than 3 years after the end of the relationship (date of sent_at, Brussels)."""
    # ended on 29 February: + 3 years = 28 February
    end = T.last_leap_day_before(T.add_years(plan.as_of, -3))
    dl = T.add_years(end, 3)
    p = plan.person(
        "customer",
        collected_at=_ds(end - 2000 * DAY),
        relationship_end_at=_ds(end),
        archived="true",
        source="trade_fair",
    )["person_id"]
    plan.send(p, "email", "event_invitation", T.iso_z(T.local(dl, 23, 30)))  # UTC evening, still dl locally
    # the day after, the former customer counts as a prospect: an invitation by e-mail needs consent
    plan.send(
        p,
        "email",
        "event_invitation",
        T.iso_z(T.local(dl + DAY, 0, 30)),
        "RET-FORMER-CUSTOMER-PROSPECTION",
        "LB-SEND-NO-CONSENT",
    )
    plan.send(p, "email", "service", T.iso_z(T.local(dl + 30 * DAY, 10)))
    plan.send(
        p,
        "post",
        "commercial",
        T.iso_offset(T.local(max(plan.ago(100), dl + DAY), 9)),
        "RET-FORMER-CUSTOMER-PROSPECTION",
    )  # after the deadline whatever the period
    plan.send(p, "email", "satisfaction_survey", T.iso_offset(T.local(plan.ago(90), 9)))
    # deadline on the spring DST change: on it a customer (soft opt-in), the day after a prospect
    spring, _ = T.dst_days(plan.as_of.year - 1)
    end = T.add_years(spring, -3)
    p = plan.person(
        "customer",
        collected_at=_ds(end - 1500 * DAY),
        relationship_end_at=_ds(end),
        archived="true",
        source="trade_fair",
    )["person_id"]
    plan.send(p, "email", "commercial", T.iso_offset(T.local(spring, 23, 30)))
    plan.send(
        p,
        "email",
        "commercial",
        T.iso_z(T.local(spring + DAY, 0, 15)),
        "RET-FORMER-CUSTOMER-PROSPECTION",
        "LB-SEND-NO-CONSENT",
    )
    plan.send(p, "email", "newsletter", T.iso_z(T.local(spring - 10 * DAY, 8)))  # soft opt-in (catalogue 1.1)
    # fresh email_marketing consent covers a send after the 3 years; a consent withdrawn before does not
    end = plan.ago(5 * 365)
    p = plan.person(
        "customer", collected_at=_ds(end - 900 * DAY), relationship_end_at=_ds(end), archived="true", source="website"
    )["person_id"]
    plan.consent(p, "email_marketing", "granted", T.iso_z(T.local(plan.ago(200), 10)))
    plan.send(p, "email", "commercial", T.iso_z(T.local(plan.ago(100), 10)))
    p = plan.person(
        "customer", collected_at=_ds(end - 900 * DAY), relationship_end_at=_ds(end), archived="true", source="website"
    )["person_id"]
    plan.consent(p, "email_marketing", "granted", T.iso_z(T.local(plan.ago(200), 10)))
    plan.consent(p, "email_marketing", "withdrawn", T.iso_z(T.local(plan.ago(150), 10)), proof=None)
    plan.send(
        p,
        "email",
        "commercial",
        T.iso_z(T.local(plan.ago(100), 10)),
        "RET-FORMER-CUSTOMER-PROSPECTION",
        "LB-SEND-AFTER-WITHDRAWAL",
    )
