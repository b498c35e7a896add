"""Background rights requests and breaches: small registers made in Python, all handled in time."""

from __future__ import annotations

import random
from datetime import timedelta

from . import timeutil as T

DAY = timedelta(days=1)


def _ts(rng: random.Random, dt) -> str:
    r = rng.random()
    return T.iso_z(dt) if r < 0.5 else T.iso_offset(dt) if r < 0.95 else T.iso_naive(dt)


def _people(con, where: str, limit: int) -> list[str]:
    return [
        r[0]
        for r in con.execute(f"SELECT person_id FROM persons_bg WHERE {where} ORDER BY i LIMIT {int(limit)}").fetchall()
    ]


def rights_requests(con, n_persons: int, as_of, seed: int) -> list[dict]:
    rng = random.Random(f"{seed}-rights")
    total = min(3000, max(30, n_persons // 200))
    general = _people(con, "u(i, 500) < 0.02 AND NOT p_objector(i)", total)
    objectors = _people(con, "p_objector(i)", max(2, total // 10))
    withdrawers = _people(con, "p_withdrawer(i)", max(2, total // 10))
    plan = []
    for k in range(total):
        r = rng.random()
        if r < 0.10 and objectors:
            plan.append(("objection", objectors[k % len(objectors)], "granted"))
        elif r < 0.20 and withdrawers:
            plan.append(("withdraw_consent", withdrawers[k % len(withdrawers)], "granted"))
        elif r < 0.30:  # erased: the person is gone, the request stays as proof
            plan.append(("erasure", f"P{n_persons + 1000 + k:07d}", "granted"))
        elif r < 0.33:
            plan.append(("erasure", general[k % len(general)], "refused"))
        else:
            typ = rng.choice(
                ("access", "access", "access", "rectification", "rectification", "portability", "restriction")
            )
            # a restriction comes from someone who gets no prospection (an objector): it is honoured
            who = objectors[k % len(objectors)] if typ == "restriction" and objectors else general[k % len(general)]
            plan.append((typ, who, rng.choice(("granted", "granted", "partially_granted"))))
    rows = []
    for k, (typ, person, outcome) in enumerate(plan, start=1):
        open_ = k % 15 == 0
        if open_:
            received = T.local(as_of - (1 + rng.randrange(20)) * DAY, 8 + rng.randrange(10), rng.randrange(60))
        else:
            received = T.local(as_of - (30 + rng.randrange(700)) * DAY, 8 + rng.randrange(10), rng.randrange(60))
        row = {
            "request_id": f"RQ{k:05d}",
            "person_id": person,
            "type": typ,
            "received_at": _ts(rng, received),
            "extended": "false",
            "outcome": "pending" if open_ else outcome,
        }
        if not open_ and received.date() < as_of - 70 * DAY and rng.random() < 0.05:
            row["extended"] = "true"
            row["extension_notified_at"] = _ts(rng, received + (5 + rng.randrange(15)) * DAY)
            row["responded_at"] = _ts(rng, received + (35 + rng.randrange(30)) * DAY)
        elif not open_:
            row["responded_at"] = _ts(rng, received + (3 + rng.randrange(22)) * DAY)
        if typ in ("access", "portability", "erasure") and rng.random() < 0.25:
            doc = received + DAY
            verified = T.local((received + 2 * DAY).date(), 10, rng.randrange(60))
            row["id_document_received_at"] = _ts(rng, doc)
            if not open_:
                row["identity_verified_at"] = _ts(rng, verified)
                row["id_document_deleted_at"] = _ts(rng, verified + timedelta(hours=1 + rng.randrange(6)))
        rows.append(row)
    return rows


def breaches(as_of) -> list[dict]:
    def at(days, hh):
        return T.local(as_of - days * DAY, hh)

    def plus(dt, hours):
        return T.iso_z(dt.astimezone(T.UTC) + timedelta(hours=hours))

    rows = [
        ("BR-0001", at(520, 9), "none", None, None),
        ("BR-0002", at(430, 14), "risk", 30, None),
        ("BR-0003", at(300, 10), "high_risk", 48, 70),
        ("BR-0004", at(110, 16), "none", None, None),
        ("BR-0005", at(60, 11), "risk", 20, None),
    ]
    return [
        {
            "breach_id": bid,
            "detected_at": T.iso_offset(d),
            "risk": risk,
            "notified_authority_at": None if n is None else plus(d, n),
            "subjects_notified_at": None if s is None else plus(d, s),
        }
        for bid, d, risk, n, s in rows
    ]
