"""Run declared checks on a loaded extract and assemble the findings table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from .checks import Check, load_areas, load_checks, load_shared
from .errors import CheckError
from .extract import Extract
from .findings import COLUMNS, empty_findings, finding_id
from .intake.readers import first_line

AREA_ORDER = [a.id for a in load_areas()]  # checks/areas.yaml
SEVERITY_ORDER = ["high", "medium", "low"]


@dataclass
class Results:
    """The findings of a run, and for each check whether it ran (``ran``/``not_run``) and why."""

    findings: pd.DataFrame
    status: dict[str, dict] = field(default_factory=dict)

    def of(self, check_id: str) -> pd.DataFrame:
        return self.findings[self.findings["check_id"] == check_id].reset_index(drop=True)


def check_by_id(check_id: str) -> Check:
    for check in load_checks():
        if check.id == check_id:
            return check
    raise CheckError(f"no check with id {check_id}")


def run_check(extract: Extract, check: Check | str) -> pd.DataFrame:
    """The merged findings of one check (empty when it finds nothing or cannot run)."""
    check = check_by_id(check) if isinstance(check, str) else check
    if check.generated:
        raw = extract.dq_findings()
        raw = raw[raw["check_id"] == check.id]
    else:
        if _not_run_reason(extract, check):
            return _assemble(check, pd.DataFrame(), extract)
        raw = _execute(extract, check)
    return _assemble(check, raw, extract)


def run_checks(extract: Extract, checks: list[Check] | None = None) -> Results:
    """Run every declared check (or the given ones); a check missing a table or a column is ``not_run``."""
    checks = list(checks or load_checks())
    frames, status = [], {}
    dq = extract.dq_findings()
    for check in checks:
        reason = _not_run_reason(extract, check)
        if reason:
            status[check.id] = {"status": "not_run", "reason": reason, "findings": 0}
            continue
        raw = dq[dq["check_id"] == check.id] if check.generated else _execute(extract, check)
        merged = _assemble(check, raw, extract)
        status[check.id] = {"status": "ran", "reason": "", "findings": len(merged)}
        frames.append(merged)
    findings = pd.concat(frames, ignore_index=True) if frames else empty_findings()
    return Results(findings=_sort(findings), status=status)


def _not_run_reason(extract: Extract, check: Check) -> str:
    """Why a check cannot run ('' when it can): a table it needs is absent, or a column it cannot do without."""
    missing = [t for t in check.tables if t not in extract.provided]
    if missing:
        return f"{', '.join(missing)} not provided"
    absent = [c for c in check.columns if not extract.has_column(*c.split("."))]
    if absent:
        return f"column {', '.join(absent)} not provided"
    return ""


def _execute(extract: Extract, check: Check) -> pd.DataFrame:
    values = extract.params()
    unknown = [p for p in check.params if p not in values]
    if unknown:
        raise CheckError(f"{check.id}: parameter ${unknown[0]} is not in the policy file")
    try:
        _ensure_shared(extract, check.sql, values)
        frame = extract.con.execute(check.sql, {p: values[p] for p in check.params}).df()
    except duckdb.Error as err:
        # DuckDB quotes the value it choked on: the message is redacted, never echoed raw
        raise CheckError(f"{check.id}: the check's SQL failed ({first_line(err)})") from None
    for col in ("record_id", "observed"):
        if col not in frame.columns:
            raise CheckError(f"{check.id}: the check's SQL must return a column '{col}'")
    if "person_id" not in frame.columns:
        frame["person_id"] = None
    if "count" not in frame.columns:
        frame["count"] = 1
    frame["table"] = check.table
    return frame


def ensure_shared(extract: Extract, sql: str) -> None:
    """Make the shared relations a query reads (a view reading a check's SQL or a shared relation)."""
    _ensure_shared(extract, sql, extract.params())


def _ensure_shared(extract: Extract, sql: str, values: dict) -> None:
    """Materialise, once per extract, the shared relations a check's SQL reads."""
    for shared in load_shared():
        if shared.name in extract.shared_ready or not shared.used_by(sql):
            continue
        extract.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {shared.name} AS {shared.sql}", {p: values[p] for p in shared.params}
        )
        extract.shared_ready.add(shared.name)


def _assemble(check: Check, raw: pd.DataFrame, extract: Extract) -> pd.DataFrame:
    """Merge per (check, record) and add the declaration's columns.

    One finding per (table, record_id), sorted by both (a missing record id last): its person is the
    first one given, its ``observed`` the distinct non-empty values in the order seen joined by "; ",
    its ``count`` the sum. Grouped in plain Python: pandas' groupby with a Python aggregation cost 18 ms
    per check whatever the size, most of a small extract's check run.
    """
    if raw.empty:
        return empty_findings()
    groups: dict[tuple[object, object], list] = {}
    rows = zip(
        raw["table"].tolist(),
        raw["record_id"].astype("string").tolist(),
        raw["person_id"].astype("string").tolist(),
        raw["observed"].map(_no_contact_data, na_action="ignore").tolist(),
        raw["count"].tolist(),
    )
    for table, record, person, observed, count in rows:
        group = groups.get((table, record))
        if group is None:
            group = groups[(table, record)] = [pd.NA, {}, 0]
        if group[0] is pd.NA and not pd.isna(person):
            group[0] = person
        if not pd.isna(observed) and str(observed) != "":
            group[1].setdefault(str(observed), None)
        if not pd.isna(count):
            group[2] += count
    keys = sorted(groups, key=lambda k: (*_last_if_missing(k[0]), *_last_if_missing(k[1])))
    declared = {
        "check_id": check.id,
        "area": check.area,
        "severity": check.severity,
        "rule": check.rule_text(extract.policy.rule_values()),
        "policy_ref": check.policy_ref,
        "legal_ref": check.legal_ref,
        "as_of": extract.as_of.isoformat(),
    }
    columns = {
        "finding_id": pd.array([finding_id(check.id, k[1]) for k in keys], dtype="string"),
        "table": pd.array([k[0] for k in keys], dtype="string"),
        "record_id": pd.array([k[1] for k in keys], dtype="string"),
        "person_id": pd.array([groups[k][0] for k in keys], dtype="string"),
        "observed": pd.array(["; ".join(groups[k][1]) for k in keys], dtype="string"),
        "count": pd.array([groups[k][2] for k in keys], dtype="int64"),
        **{name: pd.array([value] * len(keys), dtype="string") for name, value in declared.items()},
    }
    return pd.DataFrame({c: columns[c] for c in COLUMNS})


def _last_if_missing(value: object) -> tuple[bool, object]:
    """A sort key putting a missing value after every other, as pandas' groupby does."""
    return (True, "") if pd.isna(value) else (False, value)


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _no_contact_data(value: object) -> object:
    """An e-mail address typed into an id or purpose field is personal data: never copied into ``observed``."""
    return EMAIL.sub("<e-mail address>", value) if isinstance(value, str) else value


def _sort(findings: pd.DataFrame) -> pd.DataFrame:
    order = {a: i for i, a in enumerate(AREA_ORDER)}
    return (
        findings.assign(_a=findings["area"].map(order))
        .sort_values(["_a", "check_id", "table", "record_id"], kind="stable")
        .drop(columns="_a")
        .reset_index(drop=True)
    )
