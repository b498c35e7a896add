"""The rights, breaches and payment-data notebook's views (05_rights_breaches_payments).

Dates are local dates in the policy's time zone; deadlines follow DSR-OVERDUE and hours
BR-LATE-NOTIFICATION. Nothing here returns a name, e-mail or card number (not even masked).
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from ..checks import checks_in
from ..run import check_by_id, ensure_shared
from .plot_text import plot_text

# The deadline of each request is DSR-OVERDUE's own: the shared relation dsr_deadline (weekends and
# public holidays of the policy's calendar moved to the next working day), never re-derived here.
_REQUESTS = """
SELECT request_id, person_id, type, coalesce(outcome, '') AS outcome, received, responded, deadline,
       extension_valid AS extended, overdue
FROM dsr_deadline
"""

# Hours and verdict are BR-LATE-NOTIFICATION's own: the shared relation breach_notification.
_BREACHES = """
SELECT breach_id, risk, local_date(detected_at) AS detected,
       local_date(notified_authority_at) AS authority_notified,
       local_date(subjects_notified_at) AS subjects_notified,
       NOT blank(delay_reason) AS delay_reason_given,
       elapsed_s AS seconds, open, verdict
FROM breach_notification
ORDER BY detected_at, breach_id
"""

_CARD_DATA = """
SELECT count(*) AS payments,
       count(*) FILTER (WHERE NOT blank(card_number)) AS with_card_number,
       count(*) FILTER (WHERE NOT blank(card_cvv)) AS with_cvv
FROM payments
"""


def _provided(run, table: str) -> bool:
    return table in run.extract.provided


def _empty_figure(fig: go.Figure, text: str) -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


# ---------------------------------------------------------------- rights requests


def requests(run) -> pd.DataFrame:
    """Every readable rights request with its deadline, days taken and days past the deadline."""
    cols = [
        "request_id",
        "person_id",
        "type",
        "outcome",
        "received",
        "responded",
        "deadline",
        "extended",
        "month",
        "days_taken",
        "days_allowed",
        "days_after_deadline",
        "status",
    ]
    if not _provided(run, "rights_requests"):
        empty = pd.DataFrame(columns=cols)
        return empty.astype({c: "datetime64[ns]" for c in ("received", "responded", "deadline")})
    ensure_shared(run.extract, _REQUESTS)
    frame = run.extract.sql(_REQUESTS)
    as_of = pd.Timestamp(run.as_of)
    for c in ("received", "responded", "deadline"):
        frame[c] = pd.to_datetime(frame[c])
    answered_or_today = frame["responded"].fillna(as_of)
    frame["month"] = frame["received"].dt.strftime("%Y-%m")
    frame["days_taken"] = (answered_or_today - frame["received"]).dt.days
    frame["days_allowed"] = (frame["deadline"] - frame["received"]).dt.days
    frame["days_after_deadline"] = (answered_or_today - frame["deadline"]).dt.days
    late = frame["overdue"].astype(bool)
    frame["status"] = [
        ("answered late" if lt else "answered in time") if pd.notna(r) else ("open, overdue" if lt else "open")
        for r, lt in zip(frame["responded"], late)
    ]
    return frame[cols].sort_values(["received", "request_id"]).reset_index(drop=True)


def requests_by_month_chart(run) -> go.Figure:
    """Bar chart: rights requests received per month, by type."""
    frame = requests(run)
    counts = frame.groupby(["month", "type"], as_index=False).size().rename(columns={"size": "requests"})
    fig = px.bar(
        counts,
        x="month",
        y="requests",
        color="type",
        barmode="stack",
        title="Rights requests received per month, by type",
        labels={"month": "month received", "requests": "requests", "type": "type of request"},
    )
    fig.update_xaxes(type="category", categoryorder="category ascending")
    return _empty_figure(fig, "No rights request in the extract") if frame.empty else fig


def answer_time_chart(run) -> go.Figure:
    """Requests counted by days from their deadline to the answer (or to the audit date if still open).

    0 is the deadline itself, right of the line is late. Counted per day and status, so the chart's
    size does not grow with the number of requests.
    """
    frame = requests(run)
    title = "Days from the deadline to the answer (right of the line: late)"
    if frame.empty:
        return _empty_figure(go.Figure(layout={"title": title}), "No rights request in the extract")
    counts = (
        frame.groupby(["days_after_deadline", "status"], as_index=False).size().rename(columns={"size": "requests"})
    )
    fig = px.bar(
        counts,
        x="days_after_deadline",
        y="requests",
        color="status",
        barmode="stack",
        title=title,
        labels={"days_after_deadline": "days after the deadline (0 = the deadline)", "status": ""},
        color_discrete_map={
            "answered in time": "#7f8c8d",
            "open": "#95a5a6",
            "answered late": "#c0392b",
            "open, overdue": "#e67e22",
        },
    )
    fig.add_vline(x=0.5, line_dash="dash", line_color="firebrick")
    fig.add_annotation(x=0.5, y=1.02, xref="x", yref="paper", text="deadline", showarrow=False)
    return fig


def open_requests(run) -> pd.DataFrame:
    """Requests not yet answered, soonest deadline first, with the days left (negative = overdue)."""
    frame = requests(run)
    frame = frame[frame["responded"].isna()].sort_values(["deadline", "request_id"])
    out = pd.DataFrame(
        {
            "request_id": frame["request_id"],
            "person_id": frame["person_id"],
            "type": frame["type"],
            "received": frame["received"].dt.strftime("%Y-%m-%d"),
            "deadline": frame["deadline"].dt.strftime("%Y-%m-%d"),
            "extended": frame["extended"].map({True: "yes", False: "no"}),
            "days left": -frame["days_after_deadline"],
            "status": frame["status"],
        }
    )
    return out.reset_index(drop=True)


def erasures(run) -> pd.DataFrame:
    """Every erasure request checked against the CRM extract (persons, archived rows included)."""
    cols = ["request_id", "person_id", "outcome", "responded", "rows in CRM extract", "legal hold", "verdict"]
    if not _provided(run, "rights_requests"):
        return pd.DataFrame(columns=cols)
    if not _provided(run, "persons"):
        frame = run.extract.sql(
            "SELECT request_id, person_id, coalesce(outcome, '') AS outcome, local_date(responded_at) AS responded "
            "FROM rights_requests WHERE type = 'erasure' ORDER BY request_id"
        )
        frame["rows in CRM extract"], frame["legal hold"] = None, None
        frame["verdict"] = "cannot verify: the CRM extract (persons) was not provided"
        return frame[cols]
    frame = run.extract.sql("""
        SELECT r.request_id, r.person_id, coalesce(r.outcome, '') AS outcome,
               local_date(r.responded_at) AS responded,
               count(p.person_id) AS "rows in CRM extract",
               coalesce(bool_or(p.legal_hold IS TRUE), false) AS on_hold
        FROM rights_requests r LEFT JOIN persons_all p ON p.person_id = r.person_id
        WHERE r.type = 'erasure'
        GROUP BY ALL ORDER BY r.request_id""")
    frame["legal hold"] = frame["on_hold"].map({True: "yes", False: "no"})
    frame["verdict"] = [
        _erasure_verdict(outcome, n, hold)
        for outcome, n, hold in zip(frame["outcome"], frame["rows in CRM extract"], frame["on_hold"])
    ]
    return frame[cols]


def _erasure_verdict(outcome: str, rows: int, hold: bool) -> str:
    if outcome != "granted":
        return f"not granted ({outcome or 'no outcome'}): nothing to verify"
    if rows == 0:
        return "erased: no longer in the CRM extract"
    if hold:
        return "kept on legal hold (allowed)"
    return "NOT erased: still in the CRM extract"


# ---------------------------------------------------------------- breaches


def breach_register(run) -> pd.DataFrame:
    """The breach register: dates, hours to notify the authority (or elapsed so far) and the verdict."""
    cols = [
        "breach_id",
        "risk",
        "detected",
        "authority notified",
        "time to notify",
        "subjects notified",
        "delay reason given",
        "verdict",
    ]
    if not _provided(run, "breaches"):
        return pd.DataFrame(columns=cols + ["hours"])
    ensure_shared(run.extract, _BREACHES)
    frame = run.extract.sql(_BREACHES)
    frame["hours"] = frame["seconds"] / 3600
    frame["time to notify"] = [
        _elapsed(s, o) if risk != "none" else "" for s, o, risk in zip(frame["seconds"], frame["open"], frame["risk"])
    ]
    frame = frame.rename(
        columns={
            "authority_notified": "authority notified",
            "subjects_notified": "subjects notified",
            "delay_reason_given": "delay reason given",
        }
    )
    frame["delay reason given"] = frame["delay reason given"].map({True: "yes", False: "no"})
    for c in ("detected", "authority notified", "subjects notified"):
        frame[c] = pd.to_datetime(frame[c]).dt.strftime("%Y-%m-%d").fillna("")
    return frame[cols + ["hours"]]


def breach_table(run) -> pd.DataFrame:
    """The breach register as shown to readers (the exact time to notify, not the chart's hours)."""
    return breach_register(run).drop(columns="hours")


def _elapsed(seconds: float, is_open: bool) -> str:
    s = int(seconds)
    text = f"{s // 3600} h {s // 60 % 60:02d} min {s % 60:02d} s"
    return f"{text} so far (not notified)" if is_open else text


def breach_timeline(run) -> go.Figure:
    """Horizontal bars: hours from detection to the authority's notification, with the limit line.

    Breaches without risk are left out (nothing to notify); an open breach runs to 24:00 of as_of.
    """
    frame = breach_register(run)
    frame = frame[frame["risk"] != "none"]  # no notification is owed for them
    frame = frame.assign(breach_id=frame["breach_id"].map(plot_text))  # an id holding <a href> stays text
    limit = run.extract.params()["breach_notification_hours"]
    fig = px.bar(
        frame,
        x="hours",
        y="breach_id",
        color="risk",
        orientation="h",
        hover_data=["detected", "authority notified", "time to notify", "delay reason given", "verdict"],
        title=f"Hours from detection to notifying the authority (limit {limit} h)",
        labels={
            "hours": "hours after detection (open: up to the end of the audit date)",
            "breach_id": "breach",
            "risk": "risk",
        },
        category_orders={"risk": ["high_risk", "risk", "none"]},
    )
    fig.add_vline(x=limit, line_dash="dash", line_color="firebrick", annotation_text=f"{limit} hours")
    fig.update_yaxes(type="category", autorange="reversed")
    return _empty_figure(fig, "No breach that must be notified") if frame.empty else fig


# ---------------------------------------------------------------- payment data

PAYMENT_CHECKS = tuple(c.id for c in checks_in("payment_data"))  # `groups:` in the declarations


def card_data_overview(run) -> pd.DataFrame:
    """Counts only: payments, those holding a card number, unmasked, with a CVV, kept too long."""
    if not _provided(run, "payments"):
        return pd.DataFrame(columns=["item", "payments"])
    counts = run.extract.sql(_CARD_DATA).iloc[0]
    flagged = {c: run.of(c)["record_id"].nunique() for c in PAYMENT_CHECKS}
    items = [
        ("payments in the extract (readable rows)", counts["payments"]),
        ("with a card number stored (masked or not)", counts["with_card_number"]),
        ("card number not masked (SEC-PAN-UNMASKED)", flagged["SEC-PAN-UNMASKED"]),
        ("card security code stored (SEC-CVV-STORED)", flagged["SEC-CVV-STORED"]),
        ("card number kept past the dispute period (RET-CARD-DATA)", flagged["RET-CARD-DATA"]),
    ]
    return pd.DataFrame(items, columns=["item", "payments"]).astype({"payments": "int64"})


def payment_findings(run) -> pd.DataFrame:
    """One row per flagged payment: its id and which payment-data checks flag it (no card data)."""
    found = run.of(*PAYMENT_CHECKS)
    if found.empty:
        return pd.DataFrame(columns=["payment_id", "person_id", "checks", "problems"])
    titles = {c: check_by_id(c).title for c in PAYMENT_CHECKS}
    grouped = (
        found.groupby("record_id", sort=True)
        .agg(
            person_id=("person_id", "first"),
            checks=("check_id", lambda s: ", ".join(sorted(s))),
            problems=("check_id", lambda s: "; ".join(titles[c] for c in sorted(s))),
        )
        .reset_index()
        .rename(columns={"record_id": "payment_id"})
    )
    return grouped
