"""The floor: every check's SQL run on plain DuckDB relations straight over the extract's files.

No validation, no data-quality findings, no fingerprinting, no findings files: relations named like
the canonical tables with plain casts (try_cast to TIMESTAMPTZ/DATE, lower() for enums, booleans by
CASE), each file read once into a table (``--views``: pure views), ``<table>_all`` as aliases,
``connection_logs_days`` as one GROUP BY of the local date over the log files, the policy and
reference tables, the macros, then the shared relations and each ``-- name:`` SQL file with its
``$params``. Prints one JSON line: rows returned and seconds per check.

Example:
  python -m benchmarks.floor --data benchmarks/.data/M --period 2026-10
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
import time
import zoneinfo
from pathlib import Path

import duckdb

import audit_lib.checks
from audit_lib.checks import load_checks
from audit_lib.contract import load_contract
from audit_lib.dates import as_of_for
from audit_lib.lookup_db import lookup_tables
from audit_lib.policy import load_policy
from audit_lib.sqlmacros import install_macros

SHARED = Path(audit_lib.checks.__file__).parent / "shared"
TRUE_WORDS = "'true', 't', '1', 'yes', 'y', 'ja', 'oui'"


def table_files(root: Path, table: str) -> tuple[str, list[Path]] | None:
    """(format, files) of a table: ``<table>.csv|.parquet`` or a folder ``<table>/`` of them."""
    for fmt in ("parquet", "csv"):
        single = root / f"{table}.{fmt}"
        if single.exists():
            return fmt, [single]
        many = sorted((root / table).glob(f"*.{fmt}")) if (root / table).is_dir() else []
        if many:
            return fmt, many
    return None


def cast(name: str, kind: str, raw_type: str | None) -> str:
    col, text = f'"{name}"', f'CAST("{name}" AS VARCHAR)'
    if not raw_type:
        return {"bool": "false", "list": "NULL::VARCHAR[]", "date": "NULL::DATE", "timestamp": "NULL::TIMESTAMPTZ"}.get(
            kind, "NULL::VARCHAR"
        )
    return {
        # on text, nullif() keeps DuckDB 2.0.1 from pushing the cast into a multi-file CSV scan, where
        # it turns strict and fails on the first bad value (2026-02-30) instead of giving NULL;
        # Parquet's native timestamps are cast as they are
        "timestamp": f"try_cast(nullif({col}, '') AS TIMESTAMPTZ)"
        if raw_type == "VARCHAR"
        else f"try_cast({col} AS TIMESTAMPTZ)",
        "date": f"try_cast(nullif({col}, '') AS DATE)" if raw_type == "VARCHAR" else f"try_cast({col} AS DATE)",
        "enum": f"lower({text})",
        "bool": f"CASE WHEN lower({text}) IN ({TRUE_WORDS}) THEN true ELSE false END",
        "list": f"string_split({text}, ';')",
        "country": f"coalesce((SELECT a.code FROM ref_country_alias a WHERE a.alias = lower(trim({text}))), "
        f"upper({text}))",
    }.get(kind, text)


def csv_source(paths: str, first: Path) -> str:
    """All the files as text columns named by the first header (a plain, fixed dialect)."""
    with open(first, encoding="utf-8-sig", newline="") as f:
        header = f.readline()
    delim = ";" if header.count(";") > header.count(",") else ","
    names = next(csv.reader([header], delimiter=delim))
    columns = "{" + ", ".join("'" + n.strip().lower().replace("'", "''") + "': 'VARCHAR'" for n in names) + "}"
    return (
        f"read_csv([{paths}], header=true, auto_detect=false, columns={columns}, delim='{delim}', "
        f"quote='\"', escape='\"')"
    )


def create_views(con: duckdb.DuckDBPyConnection, root: Path, materialize: bool = True) -> None:
    """The canonical names over the files; with ``materialize`` each table but the large one is read once.

    Pure views over CSV are the simplest floor, but DuckDB plans the consent ASOF join badly over them
    (scale M: 49 s for consent_at_send on views, 0.34 s on the same rows as tables), so by default the
    floor reads each file once into a table, as any hand-written script would; the large table
    stays a view that its one GROUP BY scans.
    """
    for name, table in load_contract().items():
        found = table_files(root, name)
        if found:
            fmt, files = found
            paths = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
            source = f"read_parquet([{paths}], union_by_name=true)" if fmt == "parquet" else csv_source(paths, files[0])
            present = {r[0].lower(): r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
        else:
            source, present = "(SELECT 1 WHERE false)", {}
        cols = ", ".join(f'{cast(c, col.type, present.get(c))} AS "{c}"' for c, col in table.columns.items())
        kind = "TABLE" if materialize and not table.aggregate else "VIEW"
        con.execute(f"CREATE {kind} {name} AS SELECT {cols} FROM {source}")
        con.execute(f"CREATE VIEW {name}_all AS SELECT * FROM {name}")
        if table.aggregate:
            con.execute(
                f"CREATE TABLE {name}_days AS SELECT local_date(\"{table.aggregate}\") AS day, '' AS _missing, "
                f"'' AS _invalid, '' AS _future, NULL::VARCHAR AS _file, count(*) AS rows FROM {name} GROUP BY ALL"
            )


def shared_relations(con: duckdb.DuckDBPyConnection, values: dict) -> None:
    """Relations several checks share (``checks/shared/*.sql``, if any): made once, as the tool does."""
    for path in sorted(SHARED.glob("*.sql")) if SHARED.is_dir() else []:
        sql = path.read_text(encoding="utf-8")
        name = sql.splitlines()[0].removeprefix("-- name:").strip() or path.stem
        code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
        params = dict.fromkeys(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", code))
        con.execute(f"CREATE TEMP TABLE {name} AS {sql}", {p: values[p] for p in params})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--period", default="2026-10")
    ap.add_argument("--views", action="store_true", help="pure views over the files (no table is read once)")
    args = ap.parse_args(argv)

    policy = load_policy()
    as_of = as_of_for(args.period)
    tz = zoneinfo.ZoneInfo(policy.time_zone)
    values = {
        "as_of": as_of,
        "as_of_end": dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
        **policy.param_values(),
    }
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    install_macros(con, policy.time_zone)
    for name, frame in lookup_tables(policy, as_of).items():
        con.register(f"_{name}_df", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}_df")
        con.unregister(f"_{name}_df")
    started = time.perf_counter()
    create_views(con, args.data.resolve(), materialize=not args.views)
    seconds = {"_load": round(time.perf_counter() - started, 3)}
    started = time.perf_counter()
    shared_relations(con, values)
    seconds["_shared"] = round(time.perf_counter() - started, 3)
    rows = {}
    for check in load_checks():
        if check.generated:
            continue  # the DQ-* checks are validation, which the floor leaves out
        started = time.perf_counter()
        result = con.sql(check.sql, params={p: values[p] for p in check.params}).to_arrow_table()
        seconds[check.id] = round(time.perf_counter() - started, 3)
        rows[check.id] = result.num_rows
    print(json.dumps({"rows": rows, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
