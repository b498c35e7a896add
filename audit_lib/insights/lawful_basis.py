"""The lawful-basis notebook's views: the policy's §3.1 table beside the register, and prospection coverage.

The purpose x basis matrix compares the purposes and bases the policy declares (``policy_purposes``)
with the record of processing activities (the ``processing_activities`` view: rows without a
data-quality problem). Prospection coverage classifies every prospection message; the three
problem classes are the LB-SEND-* findings of the run itself, so the chart and the findings agree.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from ..checks import load_checks
from ..nb import words
from ..policy import ART6_BASES
from ..run import ensure_shared

NO_BASIS = "no valid basis"
REGISTER = "processing_activities"
# cell states of the purpose x basis matrix, in legend order, with their colours
STATES = {
    "": "#ffffff",
    "declared, not used in the register": "#d5dbdb",
    "declared and recorded": "#27ae60",
    "purpose missing from the register": "#f39c12",
    "recorded, not declared by the policy": "#c0392b",
    "no valid basis recorded": "#641e16",
    "purpose not in the policy": "#8e44ad",
}
# prospection coverage classes, worst first (a message counts once, in the first class it meets)
COVERAGE = {
    "sent after objection": "#7b241c",
    "sent after withdrawal": "#c0392b",
    "uncovered (no consent)": "#e67e22",
    "person not in the CRM extract": "#95a5a6",
    "covered by consent": "#27ae60",
    "soft opt-in (customer)": "#2e86c1",
    "no consent needed": "#d5dbdb",
}
SEND_CHECKS = {
    "LB-SEND-AFTER-OBJECTION": "sent after objection",
    "LB-SEND-AFTER-WITHDRAWAL": "sent after withdrawal",
    "LB-SEND-NO-CONSENT": "uncovered (no consent)",
}


def _has(run, *tables: str) -> bool:
    return set(tables) <= set(run.extract.provided)


def _empty_figure(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, xaxis_visible=False, yaxis_visible=False)
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


# --- the policy's §3.1 table beside the register ---------------------------------------------------


def register_bases(run) -> pd.DataFrame:
    """Activities in the register per (purpose_id, basis); an empty or unknown basis is ``no valid basis``."""
    if not _has(run, REGISTER):
        return pd.DataFrame(columns=["purpose_id", "basis", "activities"])
    return run.extract.sql(
        """SELECT lower(trim(purpose_id)) AS purpose_id,
                  CASE WHEN list_contains($bases, lower(trim(lawful_basis))) THEN lower(trim(lawful_basis))
                       ELSE $no_basis END AS basis,
                  count(*) AS activities
           FROM processing_activities
           GROUP BY ALL ORDER BY ALL""",
        bases=list(ART6_BASES),
        no_basis=NO_BASIS,
    )


def basis_matrix(run) -> pd.DataFrame:
    """One row per (purpose, basis) cell: what the policy declares, what the register records, the state.

    Purposes in policy order, then purposes found only in the register; bases in Art. 6 order, then
    ``no valid basis``.
    """
    recorded = register_bases(run)
    counts = {(r.purpose_id, r.basis): int(r.activities) for r in recorded.itertuples()}
    in_register = set(recorded["purpose_id"])
    titles = {p.id: p.title for p in run.policy.purposes}
    declared = {(p.id, b) for p in run.policy.purposes for b in p.bases}
    purposes = [p.id for p in run.policy.purposes] + sorted(in_register - set(titles))
    rows = []
    for purpose in purposes:
        for basis in (*ART6_BASES, NO_BASIS):
            n = counts.get((purpose, basis), 0)
            if purpose not in titles:
                state = "purpose not in the policy" if n else ""
            elif basis == NO_BASIS:
                state = "no valid basis recorded" if n else ""
            elif (purpose, basis) in declared:
                state = (
                    "declared and recorded"
                    if n
                    else "declared, not used in the register"
                    if purpose in in_register
                    else "purpose missing from the register"
                )
            else:
                state = "recorded, not declared by the policy" if n else ""
            rows.append(
                {
                    "purpose_id": purpose,
                    "purpose": titles.get(purpose, f"{purpose} (not in the policy)"),
                    "basis": basis,
                    "declared": (purpose, basis) in declared,
                    "activities": n,
                    "state": state,
                }
            )
    return pd.DataFrame(rows, columns=["purpose_id", "purpose", "basis", "declared", "activities", "state"])


def policy_vs_register(run) -> pd.DataFrame:
    """The §3.1 table beside the register: per purpose the declared bases, the recorded ones, a verdict."""
    cells = basis_matrix(run)
    groups = {p.id: p.group.replace("_", " ") for p in run.policy.purposes}
    rows = []
    for purpose_id, cell in cells.groupby("purpose_id", sort=False):
        used = cell[cell["activities"] > 0]
        problems = []
        if purpose_id not in groups:
            problems.append("purpose not in the policy")
        elif used.empty:
            problems.append("no activity in the register")
        wrong = [words(b) for b in used[~used["declared"] & (used["basis"] != NO_BASIS)]["basis"]]
        if wrong and purpose_id in groups:
            problems.append("basis not declared by the policy: " + ", ".join(wrong))
        if (used["basis"] == NO_BASIS).any():
            problems.append("activity without a valid basis")
        rows.append(
            {
                "group": groups.get(purpose_id, ""),
                "purpose": cell["purpose"].iloc[0],
                "purpose_id": purpose_id,
                "policy basis": ", ".join(words(b) for b in cell.loc[cell["declared"], "basis"]),
                "register basis": ", ".join(f"{words(r.basis)} ({r.activities})" for r in used.itertuples()),
                "activities": int(used["activities"].sum()),
                "verdict": "; ".join(problems) or "in line with the policy",
            }
        )
    return pd.DataFrame(
        rows, columns=["group", "purpose", "purpose_id", "policy basis", "register basis", "activities", "verdict"]
    )


def basis_heatmap(run) -> go.Figure:
    """Purpose x basis heatmap: declared by the policy vs recorded in the register, gaps and mismatches coloured."""
    title = "Lawful basis per purpose: the privacy policy (§3.1) against the record of processing activities"
    if not _has(run, REGISTER):
        return _empty_figure(title, "The record of processing activities was not provided")
    cells = basis_matrix(run)
    names = list(STATES)
    purposes = list(dict.fromkeys(cells["purpose"]))
    bases = list(dict.fromkeys(cells["basis"]))
    grid = cells.pivot(index="purpose", columns="basis", values="state").loc[purposes, bases]
    counts = cells.pivot(index="purpose", columns="basis", values="activities").loc[purposes, bases]
    z = grid.apply(lambda col: col.map(names.index)).to_numpy()
    n = len(names)
    scale = [[pos, colour] for i, colour in enumerate(STATES.values()) for pos in (i / n, (i + 1) / n)]
    text = counts.where(counts > 0).to_numpy()
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=bases,
            y=purposes,
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            xgap=2,
            ygap=2,
            text=[["" if pd.isna(v) else f"{int(v)}" for v in row] for row in text],
            texttemplate="%{text}",
            customdata=grid.to_numpy(),
            hovertemplate="%{y}<br>%{x}: %{customdata}<br>activities: %{text}<extra></extra>",
            colorbar={"tickvals": list(range(1, n)), "ticktext": names[1:], "title": ""},
        )
    )
    fig.update_layout(
        title=title,
        height=max(400, 34 * len(purposes) + 160),
        xaxis={"title": ""},
        yaxis={"autorange": "reversed", "title": ""},
    )
    return fig


# --- prospection messages: how each one is covered -------------------------------------------------


def prospection_coverage(run) -> pd.DataFrame:
    """Prospection messages per local month, channel and coverage class (one class per message, worst first).
    Computed once per run (the chart and the table share it)."""
    return run.once("lawful_basis.prospection_coverage", lambda: _prospection_coverage(run))


def _prospection_coverage(run) -> pd.DataFrame:
    columns = ["month", "channel", "coverage", "messages"]
    if not _has(run, "communications", "persons"):
        return pd.DataFrame(columns=columns)
    flagged = run.of(*SEND_CHECKS)[["check_id", "record_id"]].astype(str)
    flagged = flagged.assign(rank=flagged["check_id"].map(list(SEND_CHECKS).index))
    con = run.extract.con
    ensure_shared(run.extract, "consent_at_send")
    con.register("_lb_flagged", flagged)
    try:
        frame = run.extract.sql(
            """WITH flag AS (SELECT record_id, min(rank) AS rank FROM _lb_flagged GROUP BY record_id),
            -- how the consent checks judged each message: the shared relation consent_at_send, never re-derived
            judged AS (
                SELECT send_id, bool_or(judged_as = 'prospect' OR granted) AS by_consent
                FROM consent_at_send GROUP BY send_id
            ),
            sends AS (
                SELECT c.send_id, c.channel, c.purpose, local_month(c.sent_at) AS month,
                       j.send_id IS NOT NULL AS known, coalesce(j.by_consent, false) AS by_consent
                FROM communications c
                LEFT JOIN judged j ON j.send_id = c.send_id
                WHERE c.purpose IN (SELECT purpose FROM policy_prospection_purposes)
            ),
            classed AS (
                SELECT s.month, s.channel,
                    CASE f.rank WHEN 0 THEN 'sent after objection' WHEN 1 THEN 'sent after withdrawal'
                                WHEN 2 THEN 'uncovered (no consent)' ELSE
                    CASE WHEN NOT EXISTS (SELECT 1 FROM policy_consent_rules r
                                          WHERE r.message_purpose = s.purpose AND r.channel = s.channel)
                              THEN 'no consent needed'
                         WHEN NOT s.known THEN 'person not in the CRM extract'
                         WHEN s.by_consent THEN 'covered by consent'
                         ELSE 'soft opt-in (customer)' END END AS coverage
                FROM sends s LEFT JOIN flag f ON f.record_id = s.send_id
            )
            SELECT month, channel, coverage, count(*) AS messages FROM classed GROUP BY ALL ORDER BY ALL"""
        )
    finally:
        con.unregister("_lb_flagged")
    return frame[columns]


def coverage_summary(run) -> pd.DataFrame:
    """Prospection messages per channel and coverage class, with the share of the channel's messages."""
    data = prospection_coverage(run)
    out = data.groupby(["channel", "coverage"], as_index=False)["messages"].sum()
    share = out["messages"] / out.groupby("channel")["messages"].transform("sum")
    out["share"] = [f"{v:.1%}" for v in share]
    order = {c: i for i, c in enumerate(COVERAGE)}
    return (
        out.assign(_o=out["coverage"].map(order))
        .sort_values(["channel", "_o"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def coverage_chart(run) -> go.Figure:
    """Bars per month, one panel per channel: prospection messages in each coverage class, in numbers (a
    100 % stack would hide a handful of uncovered messages), each panel on its own scale."""
    title = "How prospection messages were covered, by channel and month"
    data = prospection_coverage(run)
    if data.empty:
        return _empty_figure(title, "No prospection message in the extract")
    data = data.assign(share=data["messages"] / data.groupby(["month", "channel"])["messages"].transform("sum"))
    data = data.assign(month=pd.to_datetime(data["month"].astype(str).str[:7] + "-01"))  # a continuous month axis
    channels = [c for c in ("email", "sms", "post", "phone") if c in set(data["channel"])]
    fig = px.bar(
        data,
        x="month",
        y="messages",
        color="coverage",
        facet_row="channel",
        barmode="group",
        category_orders={"coverage": list(COVERAGE), "channel": channels},
        color_discrete_map=COVERAGE,
        hover_data={"messages": True, "share": ":.1%"},
        labels={"month": "month sent", "messages": "messages", "coverage": ""},
        title=title,
        height=max(320, 240 * len(channels)),
    )
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_yaxes(matches=None, rangemode="tozero").update_xaxes(dtick="M1")
    return fig


# --- consents without proof ------------------------------------------------------------------------


def consents_without_proof(run) -> pd.DataFrame:
    """Per consent purpose: granted consent events, those without proof_ref, the share, and their date range."""
    columns = [
        "purpose",
        "granted",
        "without proof",
        "share without proof",
        "first without proof",
        "last without proof",
    ]
    if not _has(run, "consents"):
        return pd.DataFrame(columns=columns)
    return run.extract.sql(
        """SELECT purpose, count(*) AS granted,
                  count(*) FILTER (WHERE blank(proof_ref)) AS "without proof",
                  round(count(*) FILTER (WHERE blank(proof_ref)) / count(*), 3) AS "share without proof",
                  strftime(min(local_date(recorded_at)) FILTER (WHERE blank(proof_ref)), '%Y-%m-%d') AS "first without proof",
                  strftime(max(local_date(recorded_at)) FILTER (WHERE blank(proof_ref)), '%Y-%m-%d') AS "last without proof"
           FROM consents WHERE status = 'granted'
           GROUP BY purpose ORDER BY "without proof" DESC, purpose"""
    )[columns]


def summary(run) -> pd.DataFrame:
    """Per lawful-basis check: whether it ran, its findings and the records they cover."""
    rows = []
    for check in (c for c in load_checks() if c.area == "lawful_basis"):
        found = run.of(check.id)
        rows.append(
            {
                "check": check.id,
                "rule": check.title,
                "status": "ran" if run.status(check.id) == "ran" else f"not run ({run.not_run_reason(check.id)})",
                "findings": len(found),
                "records": int(found["count"].astype(int).sum()) if len(found) else 0,
            }
        )
    return pd.DataFrame(rows, columns=["check", "rule", "status", "findings", "records"])
