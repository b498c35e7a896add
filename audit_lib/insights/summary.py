"""The management summary: traffic lights, findings by area, trend, lifecycle, top findings, evidence.

Every function takes the notebook's ``run`` (and, for history, the folder of rendered periods) and
returns a DataFrame, a plotly figure or an escaped HTML fragment. Earlier periods are read from
``<reports_root>/<YYYY-MM>/findings.parquet``; only periods before the run's own month count, so
re-rendering an old month gives the same page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd

from .. import triage
from ..checks import load_areas, load_checks
from ..dates import period_of
from ..htmlsafe import escape as _e
from ..nb import Run, citation, resolve, table
from ..policy import Policy, load_policy
from ..run import AREA_ORDER, SEVERITY_ORDER

# The policy sections management follows, in the policy's order, with a plain-language name.
AREA_NAMES = {a.id: a.title for a in load_areas()}  # checks/areas.yaml
LIGHT_COLOURS = {"red": "#c62828", "amber": "#ef8f00", "green": "#2e7d32", "grey": "#9e9e9e"}
# One colour scheme for severity in every chart and light (data quality grey-blue, apart from the severities).
SEVERITY_COLOURS = {"high": "#c62828", "medium": "#ef8f00", "low": "#5c6bc0", "data quality": "#78909c"}
DATA_QUALITY = "data quality"
TREND_SERIES = [*SEVERITY_ORDER, DATA_QUALITY]
LIFECYCLE = ["new", "still open", "resolved", "not checked"]
# Checks whose record is a period (a month of connection logs): followed from month to month as one problem.
FOLLOWED_BY_CHECK = {"RET-CONNECTION-LOG-1Y"}
PERIOD = re.compile(r"^\d{4}-\d{2}$")
_REF = re.compile(r"§\s*(\d+(?:\.\d+)*)")


def sections_of(policy_ref: str, policy: Policy | None = None) -> list[str]:
    """The policy sections (the policy file's ``sections``) a check's ``policy_ref`` falls under: the most
    specific one listed (``§9.7`` -> ``§9`` when §9.7 is not a section of its own; ``§3.2`` stays)."""
    known = [s.policy_ref for s in (policy or load_policy()).sections]
    out = []
    for number in _REF.findall(policy_ref or ""):
        ref = f"§{number}"
        match = max((s for s in known if ref == s or ref.startswith(s + ".")), key=len, default=None)
        if match and match not in out:
            out.append(match)
    return out


def light_sections(policy: Policy | None = None) -> dict[str, str]:
    """Section number -> title for the traffic lights: the policy's own sections that a declared check
    cites, in the policy's order (a policy numbered differently needs no code change)."""
    policy = policy or load_policy()
    cited = {s for c in load_checks() for s in sections_of(c.policy_ref, policy)}
    return {s.policy_ref: s.title for s in policy.sections if s.policy_ref in cited}


def _light(high: int, other: int, ran: int) -> str:
    if ran == 0:
        return "grey"
    return "red" if high else ("amber" if other else "green")


def traffic_lights(run: Run, by: str = "section") -> pd.DataFrame:
    """One row per policy section (``by="section"``) or area: light, findings per severity, checks run.

    red = a high-severity finding; amber = only medium or low ones; green = checks ran, none found;
    grey = no check of it could run (a table was not provided). Accepted risks and false positives of the
    triage register do not count (they are not open).
    """
    findings = open_findings(run)
    rows = []
    groups = light_sections(run.policy) if by == "section" else AREA_NAMES
    for key, name in groups.items():
        checks = [
            c
            for c in load_checks()
            if (key in sections_of(c.policy_ref, run.policy) if by == "section" else c.area == key)
        ]
        ids = [c.id for c in checks]
        ran = [i for i in ids if run.status(i) == "ran"]
        sub = findings[findings["check_id"].isin(ran)]
        sev = {s: int((sub["severity"] == s).sum()) for s in SEVERITY_ORDER}
        rows.append(
            {
                "section" if by == "section" else "area": key,
                "name": name,
                "light": _light(sev["high"], sev["medium"] + sev["low"], len(ran)),
                **sev,
                "checks_run": len(ran),
                "checks_not_run": len(ids) - len(ran),
            }
        )
    return pd.DataFrame(rows)


def lights_html(run: Run, by: str = "section") -> str:
    """The traffic lights as an HTML table (the colour is also written out, for print and colour-blind readers)."""
    frame = traffic_lights(run, by)
    key = "section" if by == "section" else "area"
    head = "Policy section" if by == "section" else "Area"
    body = []
    for r in frame.itertuples(index=False):
        label = getattr(r, key) + " " + r.name if by == "section" else r.name
        not_run = f" ({r.checks_not_run} not run)" if r.checks_not_run else ""
        body.append(
            f"<tr><td><span class='light {r.light}' style='color:{LIGHT_COLOURS[r.light]}' aria-hidden='true'>●</span> "
            f"{_e(r.light)}</td><td>{_e(label)}</td><td>{r.high:,}</td><td>{r.medium:,}</td><td>{r.low:,}</td>"
            f"<td>{r.checks_run}{_e(not_run)}</td></tr>"
        )
    return (
        f"<table class='audit lights'><thead><tr><th>Status</th><th>{head}</th><th>High</th><th>Medium</th>"
        f"<th>Low</th><th>Checks run</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def by_area_severity(run: Run) -> pd.DataFrame:
    """Open findings and records per area and severity (every area and severity present, zeros included)."""
    f = open_findings(run)
    grid = pd.MultiIndex.from_product([AREA_ORDER, SEVERITY_ORDER], names=["area", "severity"])
    counts = f.groupby(["area", "severity"]).agg(findings=("finding_id", "size"), records=("count", "sum"))
    out = counts.reindex(grid, fill_value=0).reset_index()
    out["area_name"] = out["area"].map(AREA_NAMES)
    return out.astype({"findings": "int64", "records": "int64"})


def area_severity_chart(run: Run):
    import plotly.express as px  # noqa: PLC0415 - charts only (check reads this module's words, not its charts)

    frame = by_area_severity(run)
    return px.bar(
        frame,
        x="area_name",
        y="findings",
        color="severity",
        barmode="stack",
        category_orders={"severity": SEVERITY_ORDER, "area_name": [AREA_NAMES[a] for a in AREA_ORDER]},
        color_discrete_map=SEVERITY_COLOURS,
        labels={"area_name": "", "findings": "findings", "severity": "severity"},
        title=f"Findings by area and severity, as of {run.as_of:%d %B %Y}",
    )


def earlier_periods(run: Run, reports_root: str | Path) -> list[tuple[str, Path]]:
    """(period, findings.parquet) of every rendered period before the run's month, oldest first."""
    root = resolve(str(reports_root)) if reports_root else None
    current = period_of(run.as_of)
    if not root or not root.is_dir():
        return []
    found = [
        (p.name, p / "findings.parquet")
        for p in root.iterdir()
        if p.is_dir() and PERIOD.match(p.name) and p.name < current and (p / "findings.parquet").exists()
    ]
    return sorted(found)


def trend(run: Run, reports_root: str | Path) -> pd.DataFrame:
    """Findings per period and kind: every earlier rendered period plus this run (period, severity, findings).

    ``severity`` is high / medium / low for compliance findings and ``data quality`` for the findings of
    the data-quality checks, counted apart so a month of many malformed rows does not swamp the trend.
    """
    earlier = earlier_periods(run, reports_root)
    frames = [
        pd.read_parquet(path, columns=["finding_id", "severity", "area"]).assign(period=period)
        for period, path in earlier
    ]
    frames.append(run.findings[["finding_id", "severity", "area"]].assign(period=period_of(run.as_of)))
    allf = pd.concat(frames, ignore_index=True)
    allf["severity"] = allf["severity"].where(allf["area"] != "data_quality", DATA_QUALITY)
    periods = [p for p, _ in earlier] + [period_of(run.as_of)]
    grid = pd.MultiIndex.from_product([periods, TREND_SERIES], names=["period", "severity"])
    counts = allf.groupby(["period", "severity"]).size().rename("findings")
    return counts.reindex(grid, fill_value=0).reset_index().astype({"findings": "int64"})


def trend_chart(run: Run, reports_root: str | Path):
    """Compliance findings per month by severity, data quality as its own line; months on a continuous axis
    (a month without a report is a gap, not a zero)."""
    import plotly.express as px  # noqa: PLC0415 - charts only

    frame = trend(run, reports_root)
    frame = frame.assign(month=pd.to_datetime(frame["period"] + "-01"))
    fig = px.line(
        frame,
        x="month",
        y="findings",
        color="severity",
        markers=True,
        category_orders={"severity": TREND_SERIES},
        color_discrete_map=SEVERITY_COLOURS,
        labels={"month": "month", "findings": "findings", "severity": ""},
        title="Findings per month: by severity, data quality apart",
    )
    return fig.update_xaxes(dtick="M1", tickformat="%b %Y").update_yaxes(rangemode="tozero")


def previous_period(run: Run, reports_root: str | Path) -> str:
    earlier = earlier_periods(run, reports_root)
    return earlier[-1][0] if earlier else ""


def _previous_manifest(run: Run, reports_root: str | Path) -> dict:
    earlier = earlier_periods(run, reports_root)
    path = earlier[-1][1].parent / "manifest.json" if earlier else None
    return json.loads(path.read_text(encoding="utf-8")) if path and path.exists() else {}


def coverage_lost(run: Run, reports_root: str | Path) -> dict[str, list[str]]:
    """Tables provided and checks run in the previous period that are missing in this one.

    ``{"tables": [...], "checks": [...]}`` (both empty for a first report or an unchanged scope): a
    smaller extract must not read as progress.
    """
    before = _previous_manifest(run, reports_root)
    tables_before = set(before.get("tables_provided", []))
    tables_now = set(run.manifest.get("tables_provided", []))
    ran_before = {c for c, s in before.get("checks", {}).items() if s.get("status") == "ran"}
    return {
        "tables": sorted(tables_before - tables_now),
        "checks": sorted(c for c in ran_before if run.status(c) != "ran"),
    }


def coverage_warning_html(run: Run, reports_root: str | Path) -> str:
    """A warning for the top of the landing page when less was checked than in the previous period."""
    lost = coverage_lost(run, reports_root)
    if not lost["tables"] and not lost["checks"]:
        return ""
    since = previous_period(run, reports_root)
    tables = ", ".join(lost["tables"]) or "none"
    return (
        f"<div class='warning' role='alert'><b>Less was checked than in {_e(since)}.</b> "
        f"Records not provided this time: {_e(tables)}. {len(lost['checks'])} check(s) that ran in "
        f"{_e(since)} could not run: {_e(', '.join(lost['checks']))}. Their earlier findings are shown as "
        f"<i>not checked</i>, not as resolved.</div>"
    )


def problem_key(check_id: str, finding_id: str) -> str:
    """What a finding is followed by from month to month: its id, or its check for checks listed in
    ``FOLLOWED_BY_CHECK`` (a connection-log month is one problem that moves, not one new and one resolved)."""
    return f"check:{check_id}" if check_id in FOLLOWED_BY_CHECK else finding_id


def lifecycle(run: Run, reports_root: str | Path) -> pd.DataFrame:
    """Each finding of this run and of the previous period: new / still open / resolved / not checked.

    Findings are followed by ``finding_id`` (stable for the same check and record), or by check for
    ``FOLLOWED_BY_CHECK``. A previous finding that is gone counts as *resolved* only when its check ran
    this period; otherwise it is *not checked* (the table was not provided, so nothing is known).
    Without a previous period every finding is new.
    """
    cols = ["finding_id", "check_id", "severity", "record_id"]
    now = run.findings[cols].astype("string")
    earlier = earlier_periods(run, reports_root)
    before = pd.read_parquet(earlier[-1][1], columns=cols).astype("string") if earlier else now.iloc[0:0]
    known = {problem_key(c, f) for c, f in zip(before["check_id"], before["finding_id"])}
    current = {problem_key(c, f) for c, f in zip(now["check_id"], now["finding_id"])}
    now = now.assign(
        status=[
            "still open" if problem_key(c, f) in known else "new" for c, f in zip(now["check_id"], now["finding_id"])
        ]
    )
    kept = pd.Series(
        [problem_key(c, f) not in current for c, f in zip(before["check_id"], before["finding_id"])],
        index=before.index,
        dtype=bool,
    )
    gone = before[kept]
    gone = gone.assign(status=["resolved" if run.status(c) == "ran" else "not checked" for c in gone["check_id"]])
    return pd.concat([now, gone], ignore_index=True)


def lifecycle_counts(run: Run, reports_root: str | Path) -> pd.DataFrame:
    """Number of findings new, still open, resolved and not checked since the previous period."""
    life = lifecycle(run, reports_root)
    counts = life["status"].value_counts().reindex(LIFECYCLE, fill_value=0)
    prev = previous_period(run, reports_root) or "none (first report)"
    return pd.DataFrame({"since": prev, "status": LIFECYCLE, "findings": counts.astype("int64").to_numpy()})


def lifecycle_by_check(run: Run, reports_root: str | Path) -> pd.DataFrame:
    """Per check: findings new, still open and resolved since the previous period (checks with any)."""
    life = lifecycle(run, reports_root)
    if life.empty:
        return pd.DataFrame(columns=["check", "title", *LIFECYCLE])
    wide = life.pivot_table(index="check_id", columns="status", values="finding_id", aggfunc="count", fill_value=0)
    wide = wide.reindex(columns=LIFECYCLE, fill_value=0).reset_index()
    titles = {c.id: c.title for c in load_checks()}
    wide.insert(1, "title", wide["check_id"].map(titles).fillna(""))
    wide.columns.name = None
    return wide.rename(columns={"check_id": "check"}).astype({s: "int64" for s in LIFECYCLE})


def top_findings(run: Run, n: int = 10, examples: int = 5) -> pd.DataFrame:
    """The checks with findings, by severity then number of records, with the policy sentence each breaks."""
    f = run.findings
    if f.empty:
        return pd.DataFrame(
            columns=[
                "problem",
                "severity",
                "check",
                "findings",
                "records",
                "policy",
                "policy sentence",
                "example records",
            ]
        )
    checks = {c.id: c for c in load_checks()}
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    grouped = (
        f.groupby("check_id")
        .agg(
            severity=("severity", "first"),
            findings=("finding_id", "size"),
            records=("count", "sum"),
            example=("record_id", lambda s: ", ".join(map(str, s.head(examples)))),
        )
        .reset_index()
    )
    grouped = (
        grouped.assign(_r=grouped["severity"].map(rank))
        .sort_values(["_r", "records", "findings", "check_id"], ascending=[True, False, False, True])
        .head(n)
    )
    rows = []
    for r in grouped.itertuples(index=False):
        check = checks.get(r.check_id)
        cite = citation(run.policy, check) if check else {"quote": "", "ref": ""}
        rows.append(
            {
                "problem": check.title if check else "",
                "severity": r.severity,
                "check": r.check_id,
                "findings": int(r.findings),
                "records": int(r.records),
                "policy": cite["ref"],
                "policy sentence": cite["quote"],
                "example records": r.example,
            }
        )
    return pd.DataFrame(rows)


def evidence(run: Run) -> pd.DataFrame:
    """The input files the figures come from: table, file, rows, size and SHA-256."""
    inputs = run.manifest.get("inputs", [])
    return pd.DataFrame(
        [
            {
                "table": i.get("table"),
                "file": i.get("path"),
                "rows": i.get("rows"),
                "bytes": i.get("size"),
                "sha256": i.get("sha256"),
            }
            for i in inputs
        ],
        columns=["table", "file", "rows", "bytes", "sha256"],
    )


def evidence_html(run: Run) -> str:
    """The manifest's summary: audit date, policy and its hash, tool version, and every input with its hash."""
    m = run.manifest
    tool = m.get("tool", {})
    pol = m.get("policy", {})
    facts = [
        ("Audit date (as of)", m.get("as_of", run.as_of.isoformat())),
        ("Data read from (folder)", m.get("data", str(Path(run.data).resolve()))),
        ("Policy file", str(pol.get("path", ""))),
        ("Policy SHA-256", pol.get("sha256", "")),
        ("Time zone", pol.get("time_zone", "")),
        ("Tool", f"{tool.get('name', 'gdpr-audit')} {tool.get('version', '')}"),
        ("Run", f"{m.get('started_at', '')} to {m.get('finished_at', '')}"),
        ("Tables not provided", ", ".join(m.get("tables_not_provided", [])) or "none"),
        ("Triage register", _register_fact(m.get("triage") or {})),
    ]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    return f"<dl class='evidence'>{dl}</dl>" + table(evidence(run), max_rows=500)


# --- owners, due dates and the triage register -------------------------------------------------------

TRIAGE_WORDS = {
    "open": "open",
    "in_remediation": "in remediation",
    "reopened": "reopened (acceptance expired)",
    "accepted_risk": "accepted risk",
    "false_positive": "false positive",
}


def first_seen(run: Run, reports_root: str | Path) -> pd.Series:
    """Per finding_id of this run: the audit date of the earliest rendered period that had it (or this run's).

    Findings of ``FOLLOWED_BY_CHECK`` checks are aged by their check (the problem, not the month).
    """
    seen: dict[str, dt.date] = {}
    for _, path in earlier_periods(run, reports_root):
        manifest = path.parent / "manifest.json"
        as_of = (
            dt.date.fromisoformat(json.loads(manifest.read_text(encoding="utf-8"))["as_of"])
            if manifest.exists()
            else None
        )
        if as_of is None:
            continue
        old = pd.read_parquet(path, columns=["finding_id", "check_id"])
        for c, f in zip(old["check_id"], old["finding_id"]):
            seen.setdefault(problem_key(c, f), as_of)
    f = run.findings
    return pd.Series(
        [seen.get(problem_key(c, i), run.as_of) for c, i in zip(f["check_id"], f["finding_id"])],
        index=f["finding_id"].to_numpy(),
        dtype=object,
    )


def working_register(run: Run, reports_root: str | Path = "") -> pd.DataFrame:
    """Every finding with its triage state, owner, due date, first seen and whether it is open or overdue.

    The register (``triage.csv`` beside the extract) and ``owners.yaml`` are read from the run's data folder.
    """
    cache = run.__dict__.setdefault("_registers", {})
    key = str(reports_root)
    if key not in cache:
        seen = first_seen(run, reports_root) if reports_root else None
        cache[key] = triage.decide(
            run.findings,
            triage.load_register(run.data),
            triage.load_owners(run.data),
            run.as_of,
            seen,
            record_owners(run),
        )
    return cache[key]


def record_owners(run: Run) -> dict[tuple[str, str], str]:
    """Owners the extract names for its own records: each processing activity's ``owner``."""
    f = run.findings
    if not (f["table"] == "processing_activities").any():
        return {}
    ex = run.extract
    if "processing_activities" not in ex.provided:
        return {}
    frame = ex.sql(
        "SELECT _key AS record_id, any_value(trim(owner)) AS owner FROM processing_activities_all "
        "WHERE owner IS NOT NULL AND trim(owner) <> '' GROUP BY _key"
    )
    return {("processing_activities", str(r)): str(o) for r, o in zip(frame["record_id"], frame["owner"])}


def open_findings(run: Run) -> pd.DataFrame:
    """The findings still to act on: accepted risks and false positives (not expired) left out."""
    reg = working_register(run)
    return run.findings[reg["is_open"].to_numpy()]


def triage_counts(run: Run, reports_root: str | Path = "") -> dict[str, int]:
    """Findings per triage state (every state present, zeros included)."""
    reg = working_register(run, reports_root)
    counts = reg["triage"].value_counts()
    return {s: int(counts.get(s, 0)) for s in TRIAGE_WORDS}


def _titles() -> dict[str, str]:
    return {c.id: c.title for c in load_checks()}


def _register_view(reg: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    titles = _titles()
    return pd.DataFrame(
        {
            "severity": reg["severity"],
            "problem": reg["check_id"].map(titles).fillna(""),
            "check": reg["check_id"],
            "record": reg["record_id"],
            "owner": reg["owner"],
            "due": [d.isoformat() for d in reg["due"]],
            "first seen": [d.isoformat() for d in reg["first_seen"]],
            "days open": [(as_of - d).days for d in reg["first_seen"]],
            "status": reg["triage"].map(TRIAGE_WORDS),
        }
    )


def act_first(run: Run, reports_root: str | Path, n: int = 10) -> pd.DataFrame:
    """The open findings to act on first: by severity, then the oldest first, then the earliest due date."""
    reg = working_register(run, reports_root)
    reg = reg[reg["is_open"]]
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    reg = reg.assign(_r=reg["severity"].map(rank)).sort_values(["_r", "first_seen", "due", "check_id", "record_id"])
    return _register_view(reg.head(n), run.as_of).reset_index(drop=True)


def overdue(run: Run, reports_root: str | Path) -> pd.DataFrame:
    """Open findings past their due date, the longest overdue first."""
    reg = working_register(run, reports_root)
    reg = reg[reg["overdue"]].sort_values(["due", "check_id", "record_id"])
    view = _register_view(reg, run.as_of)
    view.insert(6, "days overdue", [(run.as_of - d).days for d in reg["due"]])
    return view.reset_index(drop=True)


def decided_apart(run: Run, reports_root: str | Path) -> pd.DataFrame:
    """Accepted risks and false positives: not counted as open, shown with who decided and until when."""
    reg = working_register(run, reports_root)
    reg = reg[reg["triage"].isin(triage.CLOSED_STATES)].sort_values(["triage", "check_id", "record_id"])
    titles = _titles()
    return pd.DataFrame(
        {
            "status": reg["triage"].map(TRIAGE_WORDS),
            "problem": reg["check_id"].map(titles).fillna(""),
            "check": reg["check_id"],
            "record": reg["record_id"],
            "reason": reg["triage_reason"],
            "decided by": reg["decided_by"],
            "until": [d.isoformat() if isinstance(d, dt.date) else "" for d in reg["expires"]],
        }
    ).reset_index(drop=True)


def what_changed(run: Run, reports_root: str | Path) -> pd.DataFrame:
    """Per check: findings new, resolved and not checked since the previous period, the most severe first.

    Checks where nothing changed are left out; a zero shows as an empty cell.
    """
    life = lifecycle(run, reports_root)
    cols = ["severity", "problem", "check", "new", "resolved", "not checked", "still open"]
    if life.empty:
        return pd.DataFrame(columns=cols)
    wide = (
        life.pivot_table(
            index=["check_id", "severity"], columns="status", values="finding_id", aggfunc="count", fill_value=0
        )
        .reindex(columns=LIFECYCLE, fill_value=0)
        .reset_index()
    )
    wide = wide[(wide["new"] + wide["resolved"] + wide["not checked"]) > 0]
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    wide = wide.assign(_r=wide["severity"].map(rank), _n=wide["new"] + wide["resolved"] + wide["not checked"])
    wide = wide.sort_values(["_r", "_n", "check_id"], ascending=[True, False, True])
    out = pd.DataFrame(
        {"severity": wide["severity"], "problem": wide["check_id"].map(_titles()).fillna(""), "check": wide["check_id"]}
    )
    for s in ["new", "resolved", "not checked", "still open"]:
        out[s] = [f"{int(v):,}" if v else "" for v in wide[s]]
    return out.reset_index(drop=True)


def _register_fact(triage_evidence: dict) -> str:
    reg = triage_evidence.get("register")
    if not reg:
        return "none (every finding is open)"
    return f"{reg['path']} ({reg['entries']} decisions, SHA-256 {reg['sha256']})"
