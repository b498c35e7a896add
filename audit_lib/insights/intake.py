"""The intake notebook's views: what was read, its fingerprints, and the data-quality findings."""

from __future__ import annotations

import pandas as pd
import plotly.express as px

from ..contract import load_contract


def inputs_table(run) -> pd.DataFrame:
    """One row per input file: table, path, format, encoding, rows, size and SHA-256."""
    rows = run.manifest["inputs"]
    frame = pd.DataFrame(rows, columns=["table", "path", "format", "profile", "encoding", "rows", "size", "sha256"])
    frame["size"] = frame["size"].map(lambda b: f"{b / 1e6:,.2f} MB")
    return frame


def tables_status(run) -> pd.DataFrame:
    """Every table of the data contract: provided (with rows) or not provided."""
    rows_by_table: dict[str, int] = {}
    for item in run.manifest["inputs"]:
        rows_by_table[item["table"]] = rows_by_table.get(item["table"], 0) + (item["rows"] or 0)
    contract = load_contract()
    return pd.DataFrame(
        [
            {
                "table": name,
                "policy section": table.policy_ref,
                "status": "provided" if name in rows_by_table else "not provided: its checks are not run",
                "rows": rows_by_table.get(name),
            }
            for name, table in contract.items()
        ]
    )


def dq_summary(run) -> pd.DataFrame:
    """Data-quality findings counted by table and check (rows affected)."""
    dq = run.findings[run.findings["area"] == "data_quality"]
    if dq.empty:
        return pd.DataFrame(columns=["table", "check_id", "findings", "rows"])
    return (
        dq.groupby(["table", "check_id"], as_index=False)
        .agg(findings=("finding_id", "count"), rows=("count", "sum"))
        .sort_values(["table", "check_id"])
    )


def dq_chart(run):
    """Bar chart: rows with a data-quality problem, by table and kind of problem."""
    summary = dq_summary(run)
    fig = px.bar(
        summary,
        x="table",
        y="rows",
        color="check_id",
        barmode="stack",
        title="Rows with a data-quality problem (left out of the checks)",
        labels={"rows": "rows", "table": "table", "check_id": "problem"},
    )
    if summary.empty:
        fig.add_annotation(
            text="No data-quality problem found", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
    return fig


def evidence_lines(run) -> pd.DataFrame:
    """The run's evidence: as_of, policy and its SHA-256, tool and library versions, times."""
    m = run.manifest
    items = [
        ("audit date (as_of)", m["as_of"]),
        ("policy file", m["policy"]["path"].rsplit("/", 1)[-1]),
        ("policy SHA-256", m["policy"]["sha256"]),
        ("time zone", m["policy"]["time_zone"]),
        ("tool version", m["tool"]["version"]),
        (
            "Python / DuckDB / pandas",
            f"{m['versions']['python']} / {m['versions']['duckdb']} / {m['versions']['pandas']}",
        ),
        ("run started", m["started_at"]),
        ("run finished", m["finished_at"]),
    ]
    return pd.DataFrame(items, columns=["item", "value"])
