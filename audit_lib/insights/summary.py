"""The management summary: traffic lights, findings by area, trend, lifecycle, top findings, evidence.

Every function takes the notebook's ``run`` (and, for history, the folder of rendered periods) and
returns a DataFrame, a plotly figure or an escaped HTML fragment. Earlier periods are read from
``<reports_root>/<YYYY-MM>/findings.parquet``; only periods before the run's own month count, so
re-rendering an old month gives the same page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import plotly.express as px

from ..checks import load_areas, load_checks
from ..dates import period_of
from ..nb import Run, resolve, table
from ..run import AREA_ORDER, SEVERITY_ORDER

# The policy sections management follows, in the policy's order, with a plain-language name.
SECTIONS = {
    "§3.1": "Purposes and lawful basis",
    "§4": "How long data is kept",
    "§5": "Who receives personal data",
    "§7": "Transfers outside the EU",
    "§9": "Rights of the people concerned, and data breaches",
    "§10": "Identity checks when people contact us",
}
# Clauses some checks cite beyond those six; shown after them so no finding is left without a light.
OTHER_SECTIONS = {"§3.2": "Categories of personal data (payment data)", "§6": "Security and quality of the records"}
AREA_NAMES = {a.id: a.title for a in load_areas()}  # checks/areas.yaml
LIGHT_COLOURS = {"red": "#c62828", "amber": "#ef8f00", "green": "#2e7d32", "grey": "#9e9e9e"}
LIFECYCLE = ["new", "still open", "resolved"]
PERIOD = re.compile(r"^\d{4}-\d{2}$")
_REF = re.compile(r"§\s*(\d+(?:\.\d+)*)")


def sections_of(policy_ref: str) -> list[str]:
    """The summary sections a check's ``policy_ref`` falls under (``§9.7`` -> ``§9``; ``§3.2`` stays)."""
    known = [*SECTIONS, *OTHER_SECTIONS]
    out = []
    for number in _REF.findall(policy_ref or ""):
        ref = f"§{number}"
        match = next((s for s in known if ref == s or (ref.startswith(s + "."))), None)
        if match and match not in out:
            out.append(match)
    return out


def _light(high: int, other: int, ran: int) -> str:
    if ran == 0:
        return "grey"
    return "red" if high else ("amber" if other else "green")


def traffic_lights(run: Run, by: str = "section") -> pd.DataFrame:
    """One row per policy section (``by="section"``) or area: light, findings per severity, checks run.

    red = a high-severity finding; amber = only medium or low ones; green = checks ran, none found;
    grey = no check of it could run (a table was not provided).
    """
    findings = run.findings
    rows = []
    groups = {**SECTIONS, **OTHER_SECTIONS} if by == "section" else AREA_NAMES
    for key, name in groups.items():
        checks = [c for c in load_checks() if (key in sections_of(c.policy_ref) if by == "section" else c.area == key)]
        ids = [c.id for c in checks]
        if by == "section" and key in OTHER_SECTIONS and not ids:
            continue
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
            f"<tr><td><span class='light {r.light}' style='background:{LIGHT_COLOURS[r.light]}'></span> "
            f"{_e(r.light)}</td><td>{_e(label)}</td><td>{r.high:,}</td><td>{r.medium:,}</td><td>{r.low:,}</td>"
            f"<td>{r.checks_run}{_e(not_run)}</td></tr>"
        )
    return (
        f"<table class='audit lights'><thead><tr><th>Status</th><th>{head}</th><th>High</th><th>Medium</th>"
        f"<th>Low</th><th>Checks run</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def by_area_severity(run: Run) -> pd.DataFrame:
    """Findings and records per area and severity (every area and severity present, zeros included)."""
    f = run.findings
    grid = pd.MultiIndex.from_product([AREA_ORDER, SEVERITY_ORDER], names=["area", "severity"])
    counts = f.groupby(["area", "severity"]).agg(findings=("finding_id", "size"), records=("count", "sum"))
    out = counts.reindex(grid, fill_value=0).reset_index()
    out["area_name"] = out["area"].map(AREA_NAMES)
    return out.astype({"findings": "int64", "records": "int64"})


def area_severity_chart(run: Run):
    frame = by_area_severity(run)
    return px.bar(
        frame,
        x="area_name",
        y="findings",
        color="severity",
        barmode="stack",
        category_orders={"severity": SEVERITY_ORDER, "area_name": [AREA_NAMES[a] for a in AREA_ORDER]},
        color_discrete_map={"high": LIGHT_COLOURS["red"], "medium": LIGHT_COLOURS["amber"], "low": "#5c6bc0"},
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
    """Findings per period and severity: every earlier rendered period plus this run (period, severity, findings)."""
    frames = [
        pd.read_parquet(path, columns=["finding_id", "severity"]).assign(period=period)
        for period, path in earlier_periods(run, reports_root)
    ]
    frames.append(run.findings[["finding_id", "severity"]].assign(period=period_of(run.as_of)))
    allf = pd.concat(frames, ignore_index=True)
    periods = [p for p, _ in earlier_periods(run, reports_root)] + [period_of(run.as_of)]
    grid = pd.MultiIndex.from_product([periods, SEVERITY_ORDER], names=["period", "severity"])
    counts = allf.groupby(["period", "severity"]).size().rename("findings")
    return counts.reindex(grid, fill_value=0).reset_index().astype({"findings": "int64"})


def trend_chart(run: Run, reports_root: str | Path):
    frame = trend(run, reports_root)
    return px.bar(
        frame,
        x="period",
        y="findings",
        color="severity",
        barmode="stack",
        category_orders={"severity": SEVERITY_ORDER},
        color_discrete_map={"high": LIGHT_COLOURS["red"], "medium": LIGHT_COLOURS["amber"], "low": "#5c6bc0"},
        labels={"period": "month", "findings": "open findings"},
        title="Open findings per month",
    ).update_xaxes(type="category")


def previous_period(run: Run, reports_root: str | Path) -> str:
    earlier = earlier_periods(run, reports_root)
    return earlier[-1][0] if earlier else ""


def lifecycle(run: Run, reports_root: str | Path) -> pd.DataFrame:
    """Each finding of this run and of the previous period, with status new / still open / resolved.

    Findings are followed by ``finding_id`` (stable for the same check and record). Without a previous
    period every finding is new.
    """
    cols = ["finding_id", "check_id", "severity", "record_id"]
    now = run.findings[cols].astype("string")
    earlier = earlier_periods(run, reports_root)
    before = pd.read_parquet(earlier[-1][1], columns=cols).astype("string") if earlier else now.iloc[0:0]
    known = set(before["finding_id"])
    current = set(now["finding_id"])
    now = now.assign(status=["still open" if f in known else "new" for f in now["finding_id"]])
    gone = before[~before["finding_id"].isin(current)].assign(status="resolved")
    return pd.concat([now, gone], ignore_index=True)


def lifecycle_counts(run: Run, reports_root: str | Path) -> pd.DataFrame:
    """Number of findings new, still open and resolved since the previous period."""
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
                "severity",
                "check",
                "title",
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
        quote = run.policy.quote_for(check.policy) if check and check.policy else ""
        rows.append(
            {
                "severity": r.severity,
                "check": r.check_id,
                "title": check.title if check else "",
                "findings": int(r.findings),
                "records": int(r.records),
                "policy": check.policy_ref if check else "",
                "policy sentence": quote,
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
        ("Policy file", Path(str(pol.get("path", ""))).name),
        ("Policy SHA-256", pol.get("sha256", "")),
        ("Time zone", pol.get("time_zone", "")),
        ("Tool", f"{tool.get('name', 'gdpr-audit')} {tool.get('version', '')}"),
        ("Run", f"{m.get('started_at', '')} to {m.get('finished_at', '')}"),
        ("Tables not provided", ", ".join(m.get("tables_not_provided", [])) or "none"),
    ]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    return f"<dl class='evidence'>{dl}</dl>" + table(evidence(run), max_rows=500)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
