"""Turn a raw text relation into the canonical typed table and its data-quality findings.

For each table ``t`` these relations result:
- ``t_all``: every row, typed, with ``_row`` and ``_missing``, ``_invalid``, ``_future`` (the names of
  the columns with that problem, comma-separated; '' when none);
- ``t``: the rows without a data-quality problem, the canonical columns only (what checks read);
- for the large table (``aggregate`` in the contract), ``t_days``: one row per local date of the
  aggregate timestamp and data-quality state with its row count, made in one scan, so that the
  checks and DQ findings on it never scan the table again.
"""

from __future__ import annotations

import duckdb

from ..contract import Column, Table
from ..errors import InputError
from ..sqlident import literal

# what a readable value looks like, per canonical type (named in DQ-INVALID-VALUE, with the value's shape)
EXPECTED = {
    "timestamp": "YYYY-MM-DD[ HH:MM[:SS]][±HH:MM]",
    "date": "YYYY-MM-DD",
    "bool": "true/false, 1/0, yes/no",
    "country": "an ISO country code or name",
}
# The typed table's rowid is its row's place in the file (``_row``, and ``row:N`` for a row without a key):
# DuckDB keeps a CSV scan's order in CREATE TABLE AS only when the plan holds no join ("Batch Create Table
# As"); with one, a file of several buffers (scale M) is inserted in a different order at each run. So
# the typing SQL joins nothing (tests/test_row_order.py checks every table's plan).
ORDER_KEEPING = "Batch Create Table As"
COUNTRY_MAP = "country_aliases"  # alias -> ISO code, set by ``build_typed`` from ref_country_alias
TIME_TYPES = ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "DATE")


def _raw(col: str) -> str:
    return f'"{col}"'


def _span_ts(col: str) -> str:
    """A naive native timestamp, NULL outside 1900-2200 (compared before any zone arithmetic)."""
    return (
        f"CASE WHEN {_raw(col)} >= TIMESTAMP '1900-01-01' AND {_raw(col)} < TIMESTAMP '2201-01-01' THEN {_raw(col)} END"
    )


def _text(col: str, raw_type: str) -> str:
    return _raw(col) if raw_type == "VARCHAR" else f"CAST({_raw(col)} AS VARCHAR)"


def parse_expr(col: Column, raw_type: str | None) -> str:
    """SQL that turns the raw column into its canonical type (NULL when it cannot)."""
    if raw_type is None:
        return {"bool": "false", "list": "NULL::VARCHAR[]", "date": "NULL::DATE", "timestamp": "NULL::TIMESTAMPTZ"}.get(
            col.type, "NULL::VARCHAR"
        )
    text = _text(col.name, raw_type)
    # native Parquet dates are bounded like text ones (1900-2200): infinity would overflow in a check
    if col.type == "timestamp":
        if raw_type == "TIMESTAMP WITH TIME ZONE":
            return f"ts_in_span({_raw(col.name)})"
        if raw_type in TIME_TYPES:
            return (
                f"ts_in_span(local_to_utc(CAST(date_in_span(CAST({_raw(col.name)} AS DATE)) AS TIMESTAMP)))"
                if raw_type == "DATE"
                else f"ts_in_span(local_to_utc(CAST({_span_ts(col.name)} AS TIMESTAMP)))"
            )
        return f"ts_in_span({_body(col.name)})"  # the body is read one select below (build_typed)
    if col.type == "date":
        if raw_type == "DATE":
            return f"date_in_span({_raw(col.name)})"
        if raw_type == "TIMESTAMP WITH TIME ZONE":
            return f"local_date(ts_in_span({_raw(col.name)}))"
        if raw_type in TIME_TYPES:
            return f"date_in_span(CAST({_span_ts(col.name)} AS DATE))"
        return f"parse_date_with({text}, {_body(col.name)})"
    if col.type == "bool":
        return _raw(col.name) if raw_type == "BOOLEAN" else f"parse_bool({text})"
    if col.type == "enum":
        values = ", ".join(f"'{v}'" for v in col.values)
        # exact canonical values take the fast path; only the others are trimmed and lower-cased. The fast
        # test is a chain of equalities: DuckDB turns `column IN (5 or more values)` into a join, and a
        # join makes the typed table's insert unordered (see ``ORDER_KEEPING``)
        exact = " OR ".join(f"{text} = '{v}'" for v in col.values)
        return f"CASE WHEN {exact} THEN {text} WHEN lower(trim({text})) IN ({values}) THEN lower(trim({text})) END"
    if col.type == "country":
        # a lookup in a MAP variable, not a subquery: a subquery is a join (``ORDER_KEEPING``)
        return f"getvariable('{COUNTRY_MAP}')[lower(trim({text}))]"
    if col.type == "list":
        return f"list_filter(list_transform(string_split({text}, ';'), lambda x: trim(x)), lambda x: x <> '')"
    if col.type == "id":
        return f"nullif(trim({text}), '')"
    return f"nullif({text}, '')" if raw_type == "VARCHAR" else text


def _body(col: str) -> str:
    """The column holding ``parse_ts_body`` of a text timestamp or date column (computed before the typing)."""
    return f'"{col}__body"'


def body_expr(col: Column, raw_type: str | None) -> str | None:
    """``parse_ts_body`` of a text timestamp/date column, read in its own select so no macro copies it."""
    if raw_type is None or raw_type in TIME_TYPES or raw_type == "TIMESTAMP WITH TIME ZONE":
        return None
    if col.type == "timestamp":
        return f"parse_ts_body({_text(col.name, raw_type)}) AS {_body(col.name)}"
    if col.type == "date":
        return f"date_body_input({_text(col.name, raw_type)}) AS {_body(col.name)}"
    return None


def _blank(col: str, raw_type: str) -> str:
    """Whether the raw value is absent: tested once per column, as ``<col>__blank``, for every flag."""
    if raw_type != "VARCHAR":  # a native Parquet/JSON value is blank only when absent
        return f'("{col}" IS NULL)'
    return f'("{col}" IS NULL OR trim("{col}") = \'\')'


def _flags(items: list[str]) -> str:
    """The names of the columns with a problem, comma-separated ('' = none): cheap per row."""
    if not items:
        return "''"
    return f"concat_ws(', ', {', '.join(items)})"


def _shape(expr: str) -> str:
    """The shape of a value, never the value: letters become a, digits d (``09-06-2026`` -> ``dd-dd-dddd``)."""
    return f"left(regexp_replace(regexp_replace(CAST({expr} AS VARCHAR), '\\pL', 'a', 'g'), '\\d', 'd', 'g'), 40)"


def build_typed(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    raw: str,
    path: str,
    in_place: bool,
    expected: dict[str, str] | None = None,
    file: str | None = None,
) -> None:
    """Create ``<table>_all`` and ``<table>`` from ``raw`` (a file's columns, lower-cased).

    Materialised tables are typed in one scan of the raw relation; their data row number is the
    typed table's rowid (insertion order is file order), so no window over the rows is needed. They
    store neither the row number nor a copy of the key, and the source file only when the table has
    several (``file`` names the only one): the views give them (``define_views``), and the sends'
    typed table at scale L is 40% smaller, which keeps it within DuckDB's memory cap.

    The select is layered so each per-row test is made once: the text of a timestamp is read first
    (its ``__body``), then each column is typed and tested for blank (``__blank``), then the flags
    are named, and last the detail of an unreadable value is written only for the rows that have one.
    """
    raw_types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    absent = [c for c in table.required_columns if c not in raw_types]
    if absent:
        expected = ", ".join(table.required_columns)
        raise InputError(f"{path}: missing required column '{absent[0]}' (expected columns: {expected})")
    if table.one_of_required and not any(c in raw_types for c in table.one_of_required):
        raise InputError(f"{path}: needs one of the columns {' or '.join(table.one_of_required)}")

    if any(col.type == "country" for col in table.columns.values()):
        con.execute(f"SET VARIABLE {COUNTRY_MAP} = (SELECT map(list(alias), list(code)) FROM ref_country_alias)")
    inner = (["_row"] if in_place else []) + (["_file"] if "_file" in raw_types else [])
    helpers: list[str] = []  # the __raw and __blank columns, dropped once the flags are named
    missing, invalid, future, detail = [], [], [], []
    present = [c for c in table.one_of_required if c in raw_types]
    for col in table.columns.values():
        rtype = raw_types.get(col.name)
        inner.append(f'{parse_expr(col, rtype)} AS "{col.name}"')
        if rtype is None:
            continue
        typed = col.type not in ("text", "id", "list")
        shaped = col.type in EXPECTED or col.type == "enum"  # an unreadable value's shape is reported
        if shaped:
            inner.append(f'{_raw(col.name)} AS "{col.name}__raw"')
            helpers.append(f'"{col.name}__raw"')
        if col.required or typed or col.name in present:
            inner.append(f'{_blank(col.name, rtype)} AS "{col.name}__blank"')
            helpers.append(f'"{col.name}__blank"')
        if col.required:
            missing.append(f"CASE WHEN \"{col.name}__blank\" THEN '{col.name}' END")
        if typed:
            bad = f'NOT "{col.name}__blank" AND "{col.name}" IS NULL'
            invalid.append(f"CASE WHEN {bad} THEN '{col.name}' END")
            if shaped:
                want = (expected or {}).get(col.name) or EXPECTED.get(col.type) or "one of " + "/".join(col.values)
                want = want.replace("'", "''")
                detail.append(
                    f"CASE WHEN {bad} THEN '{col.name} (expected {want}; got a value shaped ' || "
                    f"{_shape(_raw(col.name + '__raw'))} || ')' END"
                )
        if col.future:
            # after as_of = on or after 24:00 of as_of in the policy's zone (no per-row zone conversion)
            cond = (
                f"\"{col.name}\" >= getvariable('as_of_end')"
                if col.type == "timestamp"
                else f"\"{col.name}\" > getvariable('as_of')"
            )
            future.append(f"CASE WHEN {cond} THEN '{col.name}' END")
    if present:
        cond = " AND ".join(f'"{c}__blank"' for c in present)
        missing.append(f"CASE WHEN {cond} THEN '{', '.join(table.one_of_required)}' END")

    bodies = [b for col in table.columns.values() if (b := body_expr(col, raw_types.get(col.name)))]
    # a file column that happens to bear a body's name is not a canonical column: it makes way
    clash = [f'"{c}__body"' for c in table.columns if f"{c}__body" in raw_types]
    star = f"* EXCLUDE ({', '.join(clash)})" if clash else "*"
    source = f"(SELECT {star}, {', '.join(bodies)} FROM {raw})" if bodies else raw
    flagged = (
        f"SELECT *, {_flags(missing)} AS _missing, {_flags(invalid)} AS _invalid, "
        f"{_flags(future)} AS _future FROM (SELECT {', '.join(inner)} FROM {source})"
    )
    drop = f"EXCLUDE ({', '.join(helpers)})" if helpers else ""
    # the large table keeps only the flags (its DQ findings are per month); the others say what was wrong
    said = "" if table.aggregate else f", CASE WHEN _invalid = '' THEN '' ELSE {_flags(detail)} END AS _invalid_detail"
    typed_sql = f"SELECT * {drop}{said} FROM ({flagged})"
    if in_place:
        file_col = "" if "_file" in raw_types else f", {_file_value(file)} AS _file"
        key = f'"{table.key}"' if table.key else "NULL::VARCHAR"
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {table.name}_all AS SELECT *{file_col}, {key} AS _key FROM ({typed_sql})"
        )
        define_clean_view(con, table)
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table.name}_typed AS {typed_sql}")
        define_views(con, table, f"{table.name}_typed", file)


def _file_value(file: str | None) -> str:
    return literal(file) if file is not None else "NULL::VARCHAR"


def define_views(con: duckdb.DuckDBPyConnection, table: Table, typed: str, file: str | None = None) -> None:
    """``<table>_all`` and ``<table>`` over a materialised typed table (here, or in the extract cache).

    ``_all`` adds the data row number (the rowid), the source file when the table did not store it
    (``file``: the table's only file) and ``_key``: the record id, or ``row:N`` when it is blank.
    """
    stored = {r[0] for r in con.execute(f"DESCRIBE {typed}").fetchall()}
    file_col = "" if "_file" in stored else f"{_file_value(file)} AS _file, "
    key = f"coalesce(\"{table.key}\", 'row:' || (rowid + 1))" if table.key else "'row:' || (rowid + 1)"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table.name}_all AS SELECT rowid + 1 AS _row, {file_col}*, {key} AS _key "
        f"FROM {typed}"
    )
    define_clean_view(con, table, typed)


def define_clean_view(con: duckdb.DuckDBPyConnection, table: Table, source: str | None = None) -> None:
    """``<table>``: the rows without a data-quality problem (read straight from the typed table)."""
    cols = ", ".join(f'"{c}"' for c in table.columns)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table.name} AS SELECT {cols} FROM {source or table.name + '_all'} "
        f"WHERE _missing = '' AND _invalid = '' AND _future = ''"
    )


def build_daily_summary(con: duckdb.DuckDBPyConnection, table: Table, per_file: bool = True) -> None:
    """``<table>_days(day, _missing, _invalid, _future, _file, rows)``: the large table summarised in one scan.

    ``per_file``: the rows of each file are still to be counted (CSV), so the summary keeps the file;
    Parquet's row counts come from its metadata, and its summary leaves ``_file`` empty.

    The scan groups rows by quarter-hour of UTC time, keeping each group's first and last timestamp, so
    the local date is computed per quarter-hour, not per row (10 million times at M: 0.5 s). A quarter
    whose first and last rows share the local date and the offset has that date for every row: no zone
    changes its offset twice within a quarter of an hour, so the offset is constant in between and the
    local time only moves forward. Every offset in use since the 1970s is a multiple of 15 minutes, so
    no quarter holds a local midnight or a change of offset; should one do so (an old local mean time,
    say), the rows are summarised one by one, as before.
    """
    name, ts = table.name, f'"{table.aggregate}"'
    file_col = "_file" if per_file else "NULL::VARCHAR AS _file"  # ``_all`` names each row's file
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name}_quarters AS "
        f"SELECT epoch_us({ts}) // 900000000 AS quarter, min({ts}) AS first, max({ts}) AS last, "
        f"_missing, _invalid, _future, {file_col}, count(*) AS rows FROM {name}_all GROUP BY ALL"
    )
    mixed = con.execute(
        f"SELECT count(*) FROM {name}_quarters "
        "WHERE local_date(first) <> local_date(last) OR local_offset(first) <> local_offset(last)"
    ).fetchone()[0]
    if mixed:
        summary = (
            f"SELECT local_date({ts}) AS day, _missing, _invalid, _future, {file_col}, count(*) AS rows "
            f"FROM {name}_all GROUP BY ALL"
        )
    else:
        summary = (
            f"SELECT local_date(first) AS day, _missing, _invalid, _future, _file, sum(rows)::BIGINT AS rows "
            f"FROM {name}_quarters GROUP BY ALL"
        )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_days AS {summary}")
    con.execute(f"DROP TABLE {name}_quarters")
