"""The planted records and the findings they must produce: the answer key, kept as we plant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from . import timeutil as T
from .tables import COLUMNS

THIRD_PARTY = ("distributor", "subsidiary", "partner", "database_rental", "employer")  # the shipped policy's


@dataclass(frozen=True)
class RowRef:
    """A finding on a row whose key is unusable: `row:<n>`, n known only once the file is written."""

    table: str
    index: int  # position among the planted rows of that table


@dataclass
class Plan:
    as_of: date
    identities: list[dict]  # Faker contacts reserved for planted persons
    scale: str = "S"
    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    log_rows: list[tuple[str, dict]] = field(default_factory=list)  # (file month, row)
    key: list[tuple[str, object, int]] = field(default_factory=list)
    _next: dict[str, int] = field(default_factory=dict)

    # --- ids -------------------------------------------------------------------------------
    def new_id(self, prefix: str, width: int, start: int) -> str:
        n = self._next.get(prefix, start)
        self._next[prefix] = n + 1
        return f"{prefix}{n:0{width}d}"

    # --- rows ------------------------------------------------------------------------------
    def add(self, table: str, row: dict, *findings: str, record_id: object = None, count: int = 1) -> dict:
        """Plant one row; each finding id names a check that must report it (on its key)."""
        unknown = set(row) - set(COLUMNS[table])
        if unknown:
            raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
        self.rows[table].append(row)
        if record_id is None and findings:
            key = COLUMNS[table][0]
            record_id = row.get(key) or RowRef(table, len(self.rows[table]) - 1)
        for check in findings:
            self.key.append((check, record_id, count))
        return row

    def expect(self, check: str, record_id: object, count: int = 1) -> None:
        """A finding not tied to one planted row (an aggregate, a policy purpose)."""
        self.key.append((check, record_id, count))

    def person(self, subject_type: str = "prospect", *findings: str, **cols) -> dict:
        ident = self.identities.pop(0)
        row = {
            "person_id": self.new_id("P9", 6, 1),
            "subject_type": subject_type,
            "source": "website",
            "archived": "false",
            "legal_hold": "false",
            **ident,
        }
        row.update(cols)
        if str(row.get("source") or "").strip().lower() in THIRD_PARTY and "art14_notice_at" not in cols:
            row["art14_notice_at"] = row.get("collected_at")  # told on arrival (Art. 14(3)) unless planted
        return self.add("persons", row, *findings)

    def consent(
        self, person: str, purpose: str, status: str, at: str, *findings: str, proof: str | None = "auto", **cols
    ) -> dict:
        cid = self.new_id("C9", 8, 1)
        if proof == "auto":
            proof = f"DOI-{cid[2:]}" if (status or "").strip().lower() == "granted" else None
        row = {
            "consent_id": cid,
            "person_id": person,
            "purpose": purpose,
            "status": status,
            "recorded_at": at,
            "proof_ref": proof,
            "wording_version": "v4.1",
            **cols,
        }
        return self.add("consents", row, *findings)

    def objection(
        self, scope: str, at: str, *findings: str, person: str | None = None, email: str | None = None
    ) -> dict:
        row = {
            "objection_id": self.new_id("OBJ9", 6, 2),
            "person_id": person,
            "email": email,
            "scope": scope,
            "registered_at": at,
        }
        return self.add("objections", row, *findings)

    def send(self, person: str, channel: str, purpose: str, at: str, *findings: str, **cols) -> dict:
        sid = self.new_id("S9", 7, 1)
        row = {
            "send_id": sid,
            "person_id": person,
            "channel": channel,
            "purpose": purpose,
            "sent_at": at,
            "campaign_id": None if purpose in (None, "service") else f"{purpose.strip()[:3].upper()}-{at[:7]}",
            "personalised": "false",
            "optout_link": "true",
            **cols,
        }
        return self.add("communications", row, *findings)

    # --- dates relative to as_of --------------------------------------------------------------
    def ago(self, days: int) -> date:
        return self.as_of - timedelta(days=days)

    def boundary(self, months: int) -> tuple[date, date]:
        """(last date that is breached, first date still in time) for `as_of > d + months`."""
        d = T.add_months(self.as_of, -months) + timedelta(days=3)
        while T.breached(d, months, self.as_of) is False:
            d -= timedelta(days=1)
        return d, d + timedelta(days=1)
