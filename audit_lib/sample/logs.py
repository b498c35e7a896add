"""Background connection logs: one file per month, daily and weekly rhythm, made set-wise in DuckDB."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

# share of a day's traffic per local hour, 06:00-23:59 (no traffic in the DST gap or overlap)
HOURLY = {
    6: 0.2,
    7: 0.6,
    8: 1.2,
    9: 1.6,
    10: 1.7,
    11: 1.6,
    12: 1.0,
    13: 1.3,
    14: 1.6,
    15: 1.5,
    16: 1.3,
    17: 0.9,
    18: 0.6,
    19: 0.5,
    20: 0.5,
    21: 0.4,
    22: 0.3,
    23: 0.2,
}
WEEKEND_KEEP = {6: 0.35, 7: 0.25}  # ISO day of week: Saturday, Sunday
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:130.0) Gecko/20100101 Firefox/130.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Edg/128.0",
)
PREFIXES = ("81.82", "91.180", "109.128", "78.20", "84.195", "90.12", "145.53", "176.62")


def _quantiles() -> str:
    """Seconds after midnight at each 1/1000 of a day's traffic: an inverse CDF, monotonic."""
    total = sum(HOURLY.values())
    out, cum, hours = [], 0.0, sorted(HOURLY)
    for q in range(1001):
        target = q / 1000 * total
        cum = 0.0
        for h in hours:
            if cum + HOURLY[h] >= target or h == hours[-1]:
                frac = 0.0 if HOURLY[h] == 0 else min(1.0, (target - cum) / HOURLY[h])
                out.append(int(h * 3600 + frac * 3599))
                break
            cum += HOURLY[h]
    return "[" + ", ".join(map(str, out)) + "]"


def _sql_list(items) -> str:
    return "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def month_sql(start: date, first: date, last: date, slots: int, n_persons: int, typed: bool) -> str:
    """Rows of the days first..last; g numbers every slot from `start`, so months never overlap."""
    g0 = (first - start).days * slots
    g1 = ((last - start).days + 1) * slots
    ts = "timezone('Europe/Brussels', t)" if typed else "ts_text(t, u(g, 701))"
    return f"""
        WITH r AS (SELECT g, DATE '{start.isoformat()}' + (g // {slots})::INTEGER AS day, g % {slots} AS k
                   FROM range({g0}, {g1}) x(g)),
        f AS (SELECT * FROM r WHERE CASE isodow(day) WHEN 6 THEN u(g, 700) < {WEEKEND_KEEP[6]}
                                                      WHEN 7 THEN u(g, 700) < {WEEKEND_KEEP[7]} ELSE true END),
        q AS (SELECT *, (k + 0.5) / {slots} * 1000 AS qq, u(g, 702) < 0.55 AS known FROM f),
        s AS (SELECT *, floor(qq)::INTEGER AS qi, CASE WHEN known THEN 1 + pick(g, 703, {n_persons}) END AS p FROM q),
        t AS (SELECT *, day::TIMESTAMP + to_seconds((list_extract({_quantiles()}, qi + 1)
                   + (qq - qi) * (list_extract({_quantiles()}, least(qi + 2, 1001)) - list_extract({_quantiles()}, qi + 1)))::BIGINT) AS t,
                   coalesce(p, g) AS who, u(g, 710) AS re FROM s)
        SELECT {ts} AS ts,
            list_extract({_sql_list(PREFIXES)}, 1 + pick(who, 705, {len(PREFIXES)})) || '.' || pick(who, 706, 256)
                || '.' || (1 + pick(who, 707, 254)) AS ip,
            CASE WHEN known THEN 'P' || lpad(p::VARCHAR, 7, '0') END AS person_id,
            CASE WHEN known THEN (CASE WHEN re < 0.70 THEN 'page' WHEN re < 0.80 THEN 'login' WHEN re < 0.85 THEN 'logout'
                                       WHEN re < 0.93 THEN 'download' WHEN re < 0.97 THEN 'configurator' ELSE 'search' END)
                 ELSE (CASE WHEN re < 0.80 THEN 'page' WHEN re < 0.90 THEN 'download' ELSE 'search' END) END AS event,
            CASE WHEN known AND re >= 0.70 AND re < 0.80 THEN list_extract({_sql_list(USER_AGENTS)}, 1 + pick(who, 708, {len(USER_AGENTS)}))
            END AS user_agent
        FROM t"""


def months(start: date, end: date) -> list[tuple[str, date, date]]:
    """(YYYY-MM, first day, last day) of each calendar month from start to end."""
    out, d = [], start
    while d <= end:
        nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        out.append((d.strftime("%Y-%m"), d, min(end, nxt - timedelta(days=1))))
        d = nxt
    return out


def write_background(
    con, folder: Path, start: date, end: date, rows: int, n_persons: int, typed: bool
) -> dict[str, int]:
    """COPY each month's rows to `folder/YYYY-MM.csv|parquet`; returns rows written per month."""
    days = (end - start).days + 1
    slots = max(1, round(rows / (days * (5 + WEEKEND_KEEP[6] + WEEKEND_KEEP[7]) / 7)))
    written = {}
    for name, first, last in months(start, end):
        sql = month_sql(start, first, last, slots, n_persons, typed)
        fmt = "(FORMAT parquet, COMPRESSION zstd)" if typed else "(HEADER, DELIMITER ',')"
        path = str(folder / (name + (".parquet" if typed else ".csv"))).replace("'", "''")
        written[name] = con.execute(f"COPY ({sql}) TO '{path}' {fmt}").fetchone()[0]
    return written
