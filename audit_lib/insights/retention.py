"""The retention notebook's views: the periods and their sources, how far past the deadline, what is due next.

Every view runs the RET-* checks' own SQL (``audit_lib/checks/sql``) on the loaded extract, with the
audit date moved where a forecast needs it, so the notebook and the findings can never disagree.
Each RET-* query returns, besides the finding, ``deadline`` and ``judged`` (the date compared with it).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from ..checks import Check, load_checks
from ..run import ensure_shared

LOG_CHECK = "RET-CONNECTION-LOG-1Y"
FAR_FUTURE = dt.date(9999, 12, 31)  # an audit date past every deadline: lists every record that has one
COLUMNS = ["check_id", "record_id", "count", "deadline", "judged"]


def retention_checks() -> list[Check]:
    return [c for c in load_checks() if c.area == "retention"]


def _runnable(run) -> list[Check]:
    provided = set(run.extract.provided)
    return [c for c in retention_checks() if set(c.tables) <= provided]


def _found(run, check: Check, as_of: dt.date) -> pd.DataFrame:
    """The check's raw rows (record_id, count, deadline, judged) for another audit date."""
    values = {**run.extract.params(), "as_of": as_of}
    if "as_of_end" in check.params:  # not for FAR_FUTURE: 24:00 on 9999-12-31 does not exist
        values["as_of_end"] = run.extract.as_of_end() + (as_of - run.as_of)
    ensure_shared(run.extract, check.sql)  # param-free relations (legal hold, card test): any as_of
    frame = run.extract.con.execute(check.sql, {p: values[p] for p in check.params}).df()
    if "count" not in frame.columns:
        frame["count"] = 1
    frame["check_id"] = check.id
    return frame[COLUMNS]


def parameters(run) -> pd.DataFrame:
    """One row per retention rule: the period, where the policy states it and the law behind it."""
    rows = []
    for check in retention_checks():
        for name in dict.fromkeys([check.policy, *check.params]):  # a shared relation may hold the period
            param = run.policy.parameters.get(name)
            if param is None:
                continue
            rows.append(
                {
                    "check": check.id,
                    "rule": param.title,
                    "parameter": name,
                    "period": f"{param.value} {param.unit}",
                    "policy": param.policy_ref,
                    "law": param.legal_ref,
                    "note": param.note or "",
                }
            )
    return pd.DataFrame(rows, columns=["check", "rule", "parameter", "period", "policy", "law", "note"])


def timeline(run) -> pd.DataFrame:
    """Every record with a retention deadline, and how many days past it it is (negative: still in time).

    Connection logs are left out (they are shown by month, see ``log_volume``). ``days_past`` compares the
    deadline with as_of, or with the date of the event the rule judges (a message sent, a document deleted).
    """
    frames = []
    for check in _runnable(run):
        if check.id == LOG_CHECK:
            continue
        frame = _found(run, check, FAR_FUTURE)
        frame["judged"] = frame["judged"].where(frame["judged"] != pd.Timestamp(FAR_FUTURE), pd.Timestamp(run.as_of))
        frames.append(frame)
    if not frames:
        frames = [
            pd.DataFrame(
                {c: pd.Series(dtype="datetime64[us]" if c in ("deadline", "judged") else "object") for c in COLUMNS}
            )
        ]
    out = pd.concat(frames, ignore_index=True)
    out["deadline"] = pd.to_datetime(out["deadline"])
    out["judged"] = pd.to_datetime(out["judged"])
    out["days_past"] = (out["judged"] - out["deadline"]).dt.days
    out["in_breach"] = out["days_past"] > 0
    return out


def days_from_deadline(run) -> pd.DataFrame:
    """Records per rule and number of days relative to their deadline (positive: too late), counted in SQL.

    The same view as ``timeline`` but aggregated where the data is, so its size does not grow with the
    extract (at scale L a rule can judge ten million messages). Computed once per run.
    """
    return run.once("retention.days_from_deadline", lambda: _days_from_deadline(run))


def _days_from_deadline(run) -> pd.DataFrame:
    frames = []
    for check in _runnable(run):
        if check.id == LOG_CHECK:
            continue
        values = {**run.extract.params(), "as_of": FAR_FUTURE}
        sql = (
            f"SELECT date_diff('day', deadline, CASE WHEN judged = $as_of::DATE THEN $real_as_of::DATE "
            f"ELSE judged END) AS days_past, count(*) AS records FROM (\n{check.sql}\n) GROUP BY ALL"
        )
        ensure_shared(run.extract, check.sql)
        frame = run.extract.con.execute(
            sql,
            {**{p: values[p] for p in check.params if p != "as_of_end"}, "as_of": FAR_FUTURE, "real_as_of": run.as_of},
        ).df()
        frames.append(frame.assign(check_id=check.id))
    if not frames:
        return pd.DataFrame(
            {
                "check_id": pd.Series(dtype=object),
                "days_past": pd.Series(dtype="int64"),
                "records": pd.Series(dtype="int64"),
                "in_breach": pd.Series(dtype=bool),
            }
        )
    out = pd.concat(frames, ignore_index=True)[["check_id", "days_past", "records"]]
    out["in_breach"] = out["days_past"] > 0
    return out.sort_values(["check_id", "days_past"]).reset_index(drop=True)


def summary(run) -> pd.DataFrame:
    """Per retention check: records in breach, and how long past the deadline (median and longest)."""
    rows = []
    runnable = {c.id for c in _runnable(run)}
    found = run.of(*[c.id for c in retention_checks()])
    past = days_from_deadline(run)
    past = past[past["in_breach"]]
    for check in retention_checks():
        mine = found[found["check_id"] == check.id]
        days = past[past["check_id"] == check.id]
        rows.append(
            {
                "check": check.id,
                "rule": check.title,
                "status": "ran" if check.id in runnable else "not run (a table is not provided)",
                "findings": len(mine),
                "records": int(mine["count"].sum()) if len(mine) else 0,
                "median days past deadline": _weighted_median(days) if len(days) else None,
                "longest days past deadline": int(days["days_past"].max()) if len(days) else None,
            }
        )
    out = pd.DataFrame(rows)
    return out.astype({"median days past deadline": "Int64", "longest days past deadline": "Int64"})


def _weighted_median(days: pd.DataFrame) -> int:
    ordered = days.sort_values("days_past")
    cumulative = ordered["records"].cumsum()
    return int(ordered.loc[cumulative >= ordered["records"].sum() / 2, "days_past"].iloc[0])


def overdue_chart(run) -> go.Figure:
    """Histogram per rule of days relative to the deadline; the deadline is the line at 0."""
    data = days_from_deadline(run)
    data = data.assign(state=data["in_breach"].map({True: "past the deadline", False: "still in time"}))
    fig = px.histogram(
        data,
        x="days_past",
        y="records",
        histfunc="sum",
        color="state",
        facet_row="check_id",
        nbins=60,
        color_discrete_map={"past the deadline": "#c0392b", "still in time": "#7f8c8d"},
        labels={
            "days_past": "days relative to the deadline (right of the line: too late)",
            "check_id": "rule",
            "state": "",
        },
        title="How far each record is from its retention deadline",
        height=max(300, 220 * max(1, data["check_id"].nunique())),
    )
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_yaxes(matches=None, title_text="records")
    fig.add_vline(x=0, line_dash="dash", line_color="black")
    fig.add_annotation(x=0, y=1.02, xref="x", yref="paper", text="deadline", showarrow=False)
    if data.empty:
        fig.add_annotation(
            text="No record has a retention deadline", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
    return fig


def due_within(run, days: int = 30) -> pd.DataFrame:
    """Records that are in time on as_of but breach a rule by as_of + ``days`` (a forecast).

    The same check SQL runs for both dates; connection-log months count the rows that newly fall past.
    Computed once per run and number of days.
    """
    return run.once(("retention.due_within", days), lambda: _due_within(run, days))


def _due_within(run, days: int) -> pd.DataFrame:
    later = run.as_of + dt.timedelta(days=days)
    frames = []
    for check in _runnable(run):
        now, then = _found(run, check, run.as_of), _found(run, check, later)
        now_counts = now.groupby("record_id")["count"].sum()
        then = then.groupby("record_id", as_index=False).agg(count=("count", "sum"), deadline=("deadline", "min"))
        then["count"] = then["count"] - then["record_id"].map(now_counts).fillna(0).astype(int)
        then = then[then["count"] > 0]
        frames.append(then.assign(check_id=check.id))
    if not frames:
        return pd.DataFrame(columns=["check_id", "record_id", "count", "deadline"])
    out = pd.concat(frames, ignore_index=True)[["check_id", "record_id", "count", "deadline"]]
    out["deadline"] = pd.to_datetime(out["deadline"]).dt.date
    return out.sort_values(["check_id", "deadline", "record_id"]).reset_index(drop=True)


def due_summary(run, days: int = 30) -> pd.DataFrame:
    """Per rule: how many records will fall past their deadline in the next ``days`` days."""
    due = due_within(run, days)
    counts = due.groupby("check_id")["count"].sum()
    return pd.DataFrame(
        [
            {"check": c.id, "rule": c.title, f"records due within {days} days": int(counts.get(c.id, 0))}
            for c in retention_checks()
        ]
    )


def log_volume(run) -> pd.DataFrame:
    """Connection-log rows per local calendar month, split into past the retention period or not (the
    days RET-CONNECTION-LOG-1Y counts: the shared relation connection_log_retention)."""
    if "connection_logs" not in run.extract.provided:
        return pd.DataFrame(columns=["month", "state", "rows"])
    ensure_shared(run.extract, _LOG_VOLUME)
    return run.extract.sql(_LOG_VOLUME, as_of=run.as_of)


_LOG_VOLUME = """
SELECT date_trunc('month', day)::DATE AS month,
       CASE WHEN deadline < $as_of THEN 'past the retention period' ELSE 'within the retention period' END AS state,
       sum(rows)::BIGINT AS rows
FROM connection_log_retention
GROUP BY ALL
ORDER BY month, state
"""


def log_cutoff(run) -> dt.date:
    """The earliest row date still within the connection-log period on as_of (by the check's own macro)."""
    years = run.extract.params()["connection_log_years"]
    frame = run.extract.sql(
        "SELECT min(d)::DATE AS d FROM range($as_of::DATE - to_years($years::INTEGER) - INTERVAL 3 DAY, "
        "$as_of::DATE - to_years($years::INTEGER) + INTERVAL 2 DAY, INTERVAL 1 DAY) t(d) "
        "WHERE add_years(d::DATE, $years) >= $as_of",
        as_of=run.as_of,
        years=years,
    )
    return pd.Timestamp(frame["d"][0]).date()


def log_volume_chart(run) -> go.Figure:
    """Bar chart of connection-log rows per month, with the one-year cut-off drawn.

    A logarithmic scale with the count written on the bars past the period: 8 late rows stay visible
    beside months of thousands.
    """
    data = log_volume(run)
    late = "past the retention period"
    fig = px.bar(
        data,
        x="month",
        y="rows",
        color="state",
        barmode="group",
        log_y=not data.empty,
        color_discrete_map={late: "#c0392b", "within the retention period": "#7f8c8d"},
        text=[f"{int(r):,}" if s == late else "" for r, s in zip(data["rows"], data["state"])]
        if not data.empty
        else None,
        labels={"month": "month of the connection (local time)", "rows": "rows (log scale)", "state": ""},
        title="Connection logs kept, by month",
    )
    fig.update_traces(textposition="outside", cliponaxis=False)
    fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    if data.empty:
        fig.add_annotation(
            text="No connection logs provided", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
        return fig
    cutoff = log_cutoff(run).isoformat()
    # a shape rather than add_vline: plotly cannot place an annotated vline on a date axis
    fig.add_shape(
        type="line", x0=cutoff, x1=cutoff, y0=0, y1=1, xref="x", yref="paper", line={"dash": "dash", "color": "black"}
    )
    fig.add_annotation(
        x=cutoff,
        y=1.02,
        xref="x",
        yref="paper",
        showarrow=False,
        text=f"retention cut-off {cutoff}: older rows are past",
    )
    return fig
