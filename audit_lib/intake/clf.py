"""Read web-server access logs in Combined Log Format (Apache, Nginx) as a streaming DuckDB view.

Each ``*.log`` / ``*.log.gz`` line becomes one row of text columns: ``ip, ident, user, time, request,
method, path, status, bytes, referer, user_agent``. The lines are scanned by DuckDB (gzip included),
never looped over in Python, so a folder of large logs loads like a Parquet table. A line that is not
in Combined Log Format keeps its row with ``time = 'not in Combined Log Format'``, so the timestamp
cannot be read and the row shows up as a data-quality finding instead of disappearing.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from ..errors import InputError
from .sources import TableSource

# host ident authuser [time] "request" status bytes ["referer" "user agent"] (the last two: combined only)
QUOTED = r'"((?:[^"\\]|\\.)*)"'
PATTERN = rf"^(\S+) (\S+) (\S+) \[([^\]]*)\] {QUOTED} (\S+) (\S+)(?: {QUOTED} {QUOTED})?"
FIELDS = ["ip", "ident", "user", "time", "request", "status", "bytes", "referer", "user_agent"]
UNPARSED = "not in Combined Log Format"
# a byte that never occurs in a log line, so that each line is one column
NO_DELIMITER = "\x1f"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def scan_sql(paths: list[Path]) -> str:
    """A SELECT of the raw log fields (text) of every line of ``paths``, with ``_file``."""
    files = ", ".join(_lit(str(p)) for p in paths)
    fields = ", ".join(_lit(f) for f in FIELDS)
    m = f"regexp_matches(line, {_lit(PATTERN)})"
    parsed = f"regexp_extract(line, {_lit(PATTERN)}, [{fields}])"
    cols = ", ".join(
        f"CASE WHEN {m} THEN nullif(p.{f}, '') " + (f"ELSE {_lit(UNPARSED)} END" if f == "time" else "END") + f" AS {f}"
        for f in FIELDS
    )
    return (
        f"SELECT {cols}, "
        f"nullif(split_part(p.request, ' ', 1), '') AS method, nullif(split_part(p.request, ' ', 2), '') AS path, "
        f"filename AS _file FROM (SELECT line, filename, {parsed} AS p FROM read_csv([{files}], "
        f"columns={{'line': 'VARCHAR'}}, delim={_lit(NO_DELIMITER)}, quote='', escape='', header=false, "
        f"compression='auto', filename=true, auto_detect=false, max_line_size=16777216) "
        f"WHERE line IS NOT NULL AND trim(line) <> '')"
    )


def read_clf(con: duckdb.DuckDBPyConnection, source: TableSource, name: str, workdir: Path) -> None:
    """Create the view ``name`` over the table's log files and record each file's line count."""
    paths = [f.path for f in source.files]
    try:
        counts = dict(con.execute(f"SELECT _file, count(*) FROM ({scan_sql(paths)}) GROUP BY _file").fetchall())
    except duckdb.Error as err:
        msg = next((ln for ln in str(err).splitlines() if ln.strip()), str(err))
        raise InputError(f"{paths[0].parent}: unreadable web-server log ({msg[:200]})") from None
    for f in source.files:
        f.rows = counts.get(str(f.path), 0)
        f.encoding = f.encoding or "utf-8"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT row_number() OVER () AS _row, * EXCLUDE (_file) "
        f"FROM ({scan_sql(paths)})"
    )
