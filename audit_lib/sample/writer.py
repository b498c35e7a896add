"""Writing the extract: COPY for the big background queries, Python's csv for planted rows."""

from __future__ import annotations

import csv
from pathlib import Path

from .plan import RowRef
from .tables import COLUMNS


def _q(path: Path) -> str:
    return str(path).replace("'", "''")


def copy_csv(con, sql: str, path: Path) -> int:
    """COPY a query to a CSV file with a header; returns the number of data rows."""
    return con.execute(f"COPY ({sql}) TO '{_q(path)}' (HEADER, DELIMITER ',')").fetchone()[0]


def append_rows(path: Path, table: str, rows: list[dict], header: bool = False) -> None:
    """Append rows (None = empty cell) in the canonical column order, '\\n' line ends like DuckDB."""
    cols = COLUMNS[table]
    with path.open("a" if not header else "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        if header:
            w.writerow(cols)
        for row in rows:
            w.writerow(["" if row.get(c) is None else row[c] for c in cols])


def write_answer_key(path: Path, key: list[tuple[str, object, int]], offsets: dict[str, int]) -> list[tuple]:
    """Resolve `row:<n>` references (1-based data rows) and write the sorted answer key."""
    rows = []
    for check, record, count in key:
        if isinstance(record, RowRef):
            record = f"row:{offsets.get(record.table, 0) + record.index + 1}"
        rows.append((check, str(record), int(count)))
    rows.sort(key=lambda r: (r[0], r[1]))
    if len({(c, r) for c, r, _ in rows}) != len(rows):
        raise ValueError("answer key: a (check_id, record_id) pair is planted twice")
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("check_id", "record_id", "count"))
        w.writerows(rows)
    return rows


def write_log_plants(con, folder: Path, month: str, rows: list[dict], typed: bool, has_background: bool) -> None:
    """Add planted connection-log rows to a month file (CSV: appended; Parquet: rewritten in ts order)."""
    if not typed:
        path = folder / f"{month}.csv"
        append_rows(path, "connection_logs", rows, header=not path.exists())
        return
    import pyarrow as pa  # noqa: PLC0415 - only the typed (Parquet) sample needs it

    tbl = pa.table(
        {c: [r.get(c) for r in rows] for c in COLUMNS["connection_logs"]},
        schema=pa.schema(
            [("ts", pa.timestamp("us", tz="UTC"))] + [(c, pa.string()) for c in COLUMNS["connection_logs"][1:]]
        ),
    )
    con.register("log_plants", tbl)
    path = folder / f"{month}.parquet"
    src = "SELECT * FROM log_plants"
    if has_background:
        con.execute(f"CREATE OR REPLACE TEMP TABLE log_month AS SELECT * FROM read_parquet('{_q(path)}')")
        src = f"SELECT * FROM log_month UNION ALL {src}"
    con.execute(f"COPY (SELECT * FROM ({src}) ORDER BY ts) TO '{_q(path)}' (FORMAT parquet, COMPRESSION zstd)")
    con.execute("DROP TABLE IF EXISTS log_month")
    con.unregister("log_plants")
