"""Read web-server access logs (Apache, nginx, load balancers) as a streaming DuckDB view.

Each line of the log files becomes one row of text columns: ``ip, ident, user, time, request, method,
path, status, bytes, referer, user_agent, host``. The lines are scanned by DuckDB (gzip included), never
looped over in Python, so a folder of large logs loads like a Parquet table. The format is the profile's
``log_format`` (Apache LogFormat / nginx log_format) or, by default, the common ones detected per line
(see ``logformat.AUTO``).

A line in no known format, or one that cannot be decoded (invalid UTF-8) or is absurdly long (more than
``MAX_LINE`` bytes), is not a row: it is counted per file (``SourceFile.unparsed``) and reported as one
data-quality finding per file. A file of which no line can be read stops the run (exit 2) naming the file,
its first bad line and the formats tried: a folder of unread lines must never read as "retention 0".
"""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import duckdb

from ..errors import InputError
from .logformat import AUTO, AUTO_TRIED, FIELDS, LogFormat
from .sources import TableSource

# a byte that never occurs in a log line, so that each line is one column
NO_DELIMITER = "\x1f"
MAX_LINE = 64 * 1024


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _lines(paths: list[Path], store: str | None = None) -> str:
    files = ", ".join(_lit(str(p)) for p in paths)
    rejects = (
        f", store_rejects=true, rejects_table={_lit(store)}, rejects_scan={_lit(store + '_scan')}" if store else ""
    )
    return (
        f"read_csv([{files}], columns={{'line': 'VARCHAR'}}, delim={_lit(NO_DELIMITER)}, quote='', escape='', "
        f"header=false, compression='auto', filename=true, auto_detect=false, max_line_size={MAX_LINE}, "
        f"ignore_errors=true, null_padding=false{rejects})"
    )


def scan_sql(paths: list[Path], fmt: LogFormat = AUTO) -> str:
    """A SELECT of the log fields (text) of every line of ``paths`` that is in the format, with ``_file``."""
    pattern = _lit(fmt.regex)
    names = ", ".join(_lit(g or f"_g{i}") for i, g in enumerate(fmt.groups))
    cols = [f"nullif(p.{f}, '') AS {f}" if fmt.group_of(f) else f"NULL::VARCHAR AS {f}" for f in FIELDS]
    req = "p.request" if fmt.group_of("request") else "NULL::VARCHAR"
    return (
        f"SELECT {', '.join(cols)}, nullif(split_part({req}, ' ', 1), '') AS method, "
        f"nullif(split_part({req}, ' ', 2), '') AS path, filename AS _file "
        f"FROM (SELECT regexp_extract(line, {pattern}, [{names}]) AS p, filename FROM {_lines(paths)} "
        f"WHERE line IS NOT NULL AND trim(line) <> '' AND regexp_matches(line, {pattern}))"
    )


def read_clf(
    con: duckdb.DuckDBPyConnection,
    source: TableSource,
    name: str,
    workdir: Path,
    fmt: LogFormat | None = None,
    tried: str | None = None,
) -> None:
    """Create the view ``name`` over the table's log files; record each file's rows and unread lines."""
    fmt = fmt or AUTO
    tried = tried or (AUTO_TRIED if fmt is AUTO else f"the profile's log_format '{fmt.name}'")
    files = [f for f in source.files if f.size > 0]
    for f in source.files:
        f.encoding = f.encoding or "utf-8"
        f.rows, f.unparsed = 0, 0
    if files:
        _count(con, files, fmt, name, tried)
        paths = [f.path for f in files]
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT row_number() OVER () AS _row, * EXCLUDE (_file) "
            f"FROM ({scan_sql(paths, fmt)})"
        )
    else:  # only empty files: no connections in the period, not unusable input
        cols = ", ".join(f"NULL::VARCHAR AS {c}" for c in [*FIELDS, "method", "path"])
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT NULL::BIGINT AS _row, {cols} LIMIT 0")


def _count(con, files, fmt: LogFormat, name: str, tried: str) -> None:
    """One scan: per file, lines in the format and lines not (unmatched, undecodable or too long)."""
    paths = [f.path for f in files]
    store = f"{name}_rejects"
    try:
        counts = {
            r[0]: (r[1], r[2])
            for r in con.execute(
                f"SELECT filename, count(*) FILTER (regexp_matches(line, {_lit(fmt.regex)})), count(*) "
                f"FROM {_lines(paths, store)} WHERE line IS NOT NULL AND trim(line) <> '' GROUP BY filename"
            ).fetchall()
        }
        rejected = dict(
            con.execute(
                f"SELECT s.file_path, count(*) FROM {store} e JOIN {store}_scan s USING (scan_id, file_id) "
                f"GROUP BY s.file_path"
            ).fetchall()
        )
    except duckdb.Error as err:
        msg = next((ln for ln in str(err).splitlines() if ln.strip()), str(err))
        raise InputError(f"{paths[0].parent}: unreadable web-server log ({msg[:200]})") from None
    for f in files:
        parsed, total = counts.get(str(f.path), (0, 0))
        f.rows = parsed
        f.unparsed = total - parsed + rejected.get(str(f.path), 0)
        if parsed == 0 and f.unparsed > 0:
            raise InputError(
                f"{f.path}: no line is in a known web-server log format (first bad line "
                f"{first_bad_line(f.path)}; tried {tried}); state the server's format as "
                f"log_format in a profile (docs/profiles.md)"
            )


def first_bad_line(path: Path) -> int:
    """The number of the first non-blank line of a log file (plain or gzip) - in a file of which no line parses."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as f:
        for number, line in enumerate(itertools.islice(f, 1_000_000), start=1):
            if line.strip():
                return number
    return 1
