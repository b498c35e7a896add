"""The triage register: what the auditor decided about findings, kept beside the extracts.

``triage.csv`` (or ``triage.yaml``) in the extract folder holds one decision per row, keyed by
``finding_id``, or by ``check_id`` with an optional ``record_pattern`` (a glob on ``record_id``; empty
means every record of the check). Statuses: ``in_remediation`` (still open, with an owner and a due
date), ``accepted_risk`` (not open until ``expires``; the day after, it is *reopened*) and
``false_positive`` (not open; an expiry, when given, reopens it the same way). A row without a status
(a line of the written template nobody has decided yet) is skipped.

Owners and due dates come from the register, else from ``owners.yaml`` (beside the extracts, else the
shipped one): an owner per area and remediation days per severity, counted from the day a finding was
first seen. A bad row is one line naming the file, the row and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .errors import AuditError
from .findings import neutralise
from .intake.paths import inside
from .safeyaml import YamlLimitError, safe_load

STATUSES = ("in_remediation", "accepted_risk", "false_positive")
OPEN_STATES = ("open", "in_remediation", "reopened")
CLOSED_STATES = ("accepted_risk", "false_positive")
REGISTER_NAMES = ("triage.csv", "triage.yaml", "triage.yml")
OWNERS_NAME = "owners.yaml"
SHIPPED_OWNERS = Path(__file__).parent / "data" / OWNERS_NAME
FIELDS = [
    "finding_id",
    "check_id",
    "record_pattern",
    "status",
    "owner",
    "due",
    "reason",
    "decided_by",
    "decided_at",
    "expires",
]
# Columns the written template adds to help whoever fills it in; ignored when the register is read.
INFO_FIELDS = ["check_title", "severity", "record_id", "first_seen"]
TEMPLATE_NAME = "triage_template.csv"


class TriageError(AuditError):
    """The triage register or the owners file is invalid; the message names the file, row and field."""


class Decision(BaseModel):
    """One row of the register."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    finding_id: str = ""
    check_id: str = ""
    record_pattern: str = ""
    status: Literal["in_remediation", "accepted_risk", "false_positive"]
    owner: str = ""
    due: dt.date | None = None
    reason: str = ""
    decided_by: str = ""
    decided_at: dt.date | None = None
    expires: dt.date | None = None

    @field_validator("due", "decided_at", "expires", mode="before")
    @classmethod
    def _blank_is_none(cls, v):
        return None if v is None or (isinstance(v, str) and not v.strip()) else v

    @model_validator(mode="after")
    def _complete(self) -> Decision:
        if not self.finding_id and not self.check_id:
            raise ValueError("finding_id or check_id: one of them is required")
        if self.finding_id and (self.check_id or self.record_pattern):
            raise ValueError("finding_id: give it alone, or check_id with record_pattern")
        if self.status in CLOSED_STATES:
            missing = [f for f in ("reason", "decided_by", "decided_at") if not getattr(self, f)]
            if self.status == "accepted_risk" and not self.expires:
                missing.append("expires")
            if missing:
                raise ValueError(f"{missing[0]}: required for {self.status}")
        return self

    def matches(self, finding_id: str, check_id: str, record_id: str) -> bool:
        if self.finding_id:
            return self.finding_id == finding_id
        return self.check_id == check_id and fnmatch.fnmatchcase(str(record_id), self.record_pattern or "*")

    def state(self, as_of: dt.date) -> str:
        """The finding's triage state on ``as_of``: an expired acceptance is reopened the day after ``expires``."""
        if self.status in CLOSED_STATES and self.expires and as_of > self.expires:
            return "reopened"
        return self.status


class Owners(BaseModel):
    """``owners.yaml``: who answers for each area, and days to remediate per severity."""

    model_config = ConfigDict(extra="forbid")
    owners: dict[str, str]
    remediation_days: dict[Literal["high", "medium", "low"], int]


def _one_line(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "literal_error" and where == "status":
        return f"status: '{first['input']}' (expected {', '.join(STATUSES)})"
    if first["type"].startswith("date"):
        return f"{where}: '{first['input']}' is not a date (expected YYYY-MM-DD)"
    if first["type"] == "extra_forbidden":
        return f"unknown column '{where}' (expected {', '.join(FIELDS)})"
    return f"{where}: {message}" if where else message


def register_path(data: Path) -> Path | None:
    """The register in the extract folder, or None (two registers are an error, not a choice)."""
    found = [data / n for n in REGISTER_NAMES if (data / n).is_file()] if Path(data).is_dir() else []
    if len(found) > 1:
        raise TriageError(f"{data}: both {found[0].name} and {found[1].name}: keep one triage register")
    if not found:
        return None
    inside(Path(data), found[0])  # a link out of the extract is refused, never followed
    return found[0]


def _raw_rows(path: Path) -> list[tuple[str, dict]]:
    """(where, row) pairs: 'line N' of a CSV (the header is line 1), 'entry N' of a YAML list."""
    try:
        if path.suffix == ".csv":
            with open(path, newline="", encoding="utf-8-sig") as f:
                reader = csv.DictReader(f)
                rows = []
                for row in reader:
                    if None in row:
                        raise TriageError(f"{path.name}, line {reader.line_num}: more fields than the header has")
                    if (row.get("status") or "").strip():  # template rows not yet decided are skipped
                        rows.append((f"line {reader.line_num}", {k: v for k, v in row.items() if k not in INFO_FIELDS}))
                return rows
        entries = safe_load(path.read_bytes()) or []  # size and alias limits: the register is a file from outside
    except YamlLimitError as e:
        raise TriageError(f"{path.name}: {e}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, csv.Error) as e:
        raise TriageError(f"{path.name}: cannot read ({type(e).__name__})") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise TriageError(f"{path.name}: expected a list of entries (finding_id or check_id, status, ...)")
    return [
        (f"entry {i}", {k: ("" if v is None else v) for k, v in e.items() if k not in INFO_FIELDS})
        for i, e in enumerate(entries, 1)
        if e.get("status")
    ]


def load_register(data: Path) -> list[Decision]:
    """The decisions of the register beside the extract (empty when there is none)."""
    path = register_path(Path(data))
    if path is None:
        return []
    decisions = []
    for where, row in _raw_rows(path):
        try:
            decisions.append(Decision.model_validate(row))
        except ValidationError as e:
            raise TriageError(f"{path.name}, {where}: {_one_line(e)}") from None
    return decisions


def load_owners(data: Path) -> Owners:
    """``owners.yaml`` beside the extract, else the shipped one."""
    local = Path(data) / OWNERS_NAME
    path = inside(Path(data), local) if local.is_file() else SHIPPED_OWNERS
    try:
        return Owners.model_validate(safe_load(path.read_bytes()))
    except ValidationError as e:
        raise TriageError(f"{path.name}: {_one_line(e)}") from None
    except (OSError, yaml.YAMLError) as e:
        raise TriageError(f"{path.name}: cannot read ({type(e).__name__})") from None


def decide(
    findings: pd.DataFrame,
    decisions: list[Decision],
    owners: Owners,
    as_of: dt.date,
    first_seen: pd.Series | None = None,
    record_owners: dict[tuple[str, str], str] | None = None,
) -> pd.DataFrame:
    """The findings with ``triage`` (state), ``is_open``, ``owner``, ``due``, ``overdue``, ``first_seen``,
    ``triage_reason``, ``decided_by``, ``expires``.

    A decision by ``finding_id`` wins over one by check and pattern; among patterns, the first row of
    the register that matches. ``first_seen`` (per finding_id) defaults to ``as_of``. The owner is the
    register's, else the record's own (``record_owners``: (table, record_id) -> owner, e.g. the
    processing activity's ``owner``), else the area's from ``owners.yaml``.
    """
    record_owners = record_owners or {}
    by_id = {d.finding_id: d for d in decisions if d.finding_id}
    by_check: dict[str, list[Decision]] = {}
    for d in decisions:
        if d.check_id:
            by_check.setdefault(d.check_id, []).append(d)
    out = findings.copy()
    seen = first_seen.reindex(out["finding_id"]).to_numpy() if first_seen is not None else [as_of] * len(out)
    rows = []
    for fid, check, area, sev, rid, first, table in zip(
        out["finding_id"], out["check_id"], out["area"], out["severity"], out["record_id"], seen, out["table"]
    ):
        first = first if isinstance(first, dt.date) else as_of
        d = by_id.get(fid) or next((c for c in by_check.get(check, []) if c.matches(fid, check, rid)), None)
        state = d.state(as_of) if d else "open"
        due = d.due if d and d.due else first + dt.timedelta(days=owners.remediation_days.get(sev, 90))
        reason = d.reason if d else ""
        if state == "reopened":
            reason = f"acceptance expired on {d.expires.isoformat()}" + (f" ({reason})" if reason else "")
        rows.append(
            {
                "triage": state,
                "is_open": state in OPEN_STATES,
                "owner": (
                    d.owner
                    if d and d.owner
                    else record_owners.get((str(table), str(rid))) or owners.owners.get(area, "")
                ),
                "due": due,
                "overdue": state in OPEN_STATES and due < as_of,
                "first_seen": first,
                "triage_reason": reason,
                "decided_by": d.decided_by if d else "",
                "expires": d.expires if d else None,
            }
        )
    extra = pd.DataFrame(
        rows,
        index=out.index,
        columns=[
            "triage",
            "is_open",
            "owner",
            "due",
            "overdue",
            "first_seen",
            "triage_reason",
            "decided_by",
            "expires",
        ],
    )
    return pd.concat([out, extra], axis=1)


def template(findings: pd.DataFrame, decisions: list[Decision], titles: dict[str, str]) -> pd.DataFrame:
    """A register to fill in: one row per finding, keyed by finding_id, the existing decision copied in.

    Decisions by check and pattern stay as they are (one row each, after the findings' rows).
    """
    by_id = {d.finding_id: d for d in decisions if d.finding_id}
    rows = []
    for fid, check, sev, rid in zip(
        findings["finding_id"], findings["check_id"], findings["severity"], findings["record_id"]
    ):
        d = by_id.get(fid)
        base = d.model_dump(mode="json") if d else {"finding_id": fid}
        rows.append(
            {
                **{f: "" for f in FIELDS},
                **{k: ("" if v is None else v) for k, v in base.items()},
                "check_title": titles.get(check, ""),
                "severity": sev,
                "record_id": rid,
            }
        )
    for d in decisions:
        if d.check_id:
            rows.append(
                {
                    **{f: "" for f in FIELDS},
                    **{k: ("" if v is None else v) for k, v in d.model_dump(mode="json").items()},
                }
            )
    frame = pd.DataFrame(rows, columns=[*FIELDS, "check_title", "severity", "record_id"]).fillna("")
    return frame.map(neutralise)


def write_template(findings: pd.DataFrame, data: Path, out: Path) -> Path:
    """Write ``triage_template.csv`` into ``out`` (validating the current register on the way)."""
    from .checks import load_checks  # noqa: PLC0415

    titles = {c.id: c.title for c in load_checks()}
    path = out / TEMPLATE_NAME
    template(findings, load_register(data), titles).to_csv(path, index=False, encoding="utf-8")
    return path
