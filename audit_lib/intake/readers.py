"""Read one table's files into a DuckDB relation of text columns (or native Parquet types).

Every reader leaves a relation named ``raw_<table>`` with lower-cased column names and a ``_row``
column: NULL for CSV and Parquet (the typed table's rowid numbers their rows, in file order), a
1-based data row for XLSX and JSON Lines (which source profiles also read). Input files are only
ever opened for reading; a cp1252 CSV is transcoded to a temporary UTF-8 copy, never in place.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError
from ..sqlident import ident, literal
from .sources import SourceFile, TableSource

# DuckDB's default line limit: each parallel CSV scan buffer is sized from it, so a wider one slows every
# read (the sends at scale L: 1.06 s at 2 MB, 2.24 s at 256 MB). A file with a longer line is read again
# with MAX_LINE (``scan_errors``): a 10 MB notes cell is read, not refused.
LINE = 2 * 1024 * 1024
MAX_LINE = 256 * 1024 * 1024
MAX_COLUMNS = 5000  # no extract table has more than ~100; a 100k-column header is refused, not slowly read
RESERVED = {"_row", "_file", "_key", "_keyval", "_missing", "_invalid", "_future"}  # the tool's own columns
FILE_COL = "__gdpr_audit_source_file"


def first_line(msg: str) -> str:
    """The useful first line of a DuckDB error, without its class prefix and without any data value.

    DuckDB quotes the offending value (a phone number, the start of a record): everything in quotes,
    and anything after a colon that is not a known word, is replaced by ``…``.
    """
    line = next((ln.strip() for ln in str(msg).splitlines() if ln.strip()), str(msg))
    line = re.sub(r"^[A-Za-z ]*Error: ", "", line)
    return redact(line)


def redact(text: str) -> str:
    """An error text with quoted or data-like parts removed (values from a file never reach stderr)."""
    text = re.sub(r"\"[^\"]*\"|'[^']*'|`[^`]*`", "…", text)
    text = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "…", text)
    text = re.sub(r"\+?\d[\d ()./-]{5,}\d", "…", text)
    text = re.sub(r"[{\[].*", "…", text)
    return text[:200]


def sniff_csv(path: Path) -> tuple[str, str]:
    """Encoding ('utf-8', 'utf-8-sig' or 'cp1252') and delimiter of a CSV, from its first bytes."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if b"\x00" in head:
        raise InputError(f"{path}: not a text file (binary content; expected a UTF-8 or cp1252 CSV)")
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        # a cut multi-byte sequence at the end of the sample is not evidence of cp1252
        if err.start < len(head) - 4:
            encoding = "cp1252"
    header = head.decode("utf-8", errors="replace").splitlines()[0] if head.strip() else ""
    header = re.sub(r'"[^"]*"', "", header)  # a separator inside a quoted name ("notes; a; b") is not one
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        delimiter = ","
    return encoding, delimiter


def header_names(path: Path, encoding: str, delimiter: str, dedupe: bool = False) -> list[str]:
    """The header row's column names, lower-cased and trimmed; duplicates are an error.

    With ``dedupe`` (source profiles: Mailchimp repeats UNSUB_REASON) the second ``x`` becomes ``x_2``.
    """
    csv.field_size_limit(MAX_LINE)
    try:
        with open(
            path, encoding="utf-8-sig" if encoding.startswith("utf-8") else encoding, errors="replace", newline=""
        ) as f:
            names = next(csv.reader(f, delimiter=delimiter), [])
    except csv.Error as err:
        raise InputError(f"{path}: unreadable header row ({redact(str(err))})") from None
    return check_names(path, [n.replace("\ufeff", "").strip().lower() for n in names], dedupe)


def check_names(path: Path, clean: list[str], dedupe: bool = False) -> list[str]:
    """Column names (lower-cased): bounded in number, unique (in linear time), none of the tool's own."""
    if len(clean) > MAX_COLUMNS:
        raise InputError(
            f"{path}: {len(clean)} columns (at most {MAX_COLUMNS} are read; expected the columns of one table)"
        )
    seen: set[str] = set()
    for i, name in enumerate(clean):
        if not name:
            name = clean[i] = f"column_{i + 1}"
        if "\x00" in name:
            raise InputError(f"{path}: column {i + 1} has a NUL character in its name")
        if name in RESERVED:
            raise InputError(
                f"{path}: column {i + 1} is named '{name}', a name the tool uses itself; rename or remove that column"
            )
        if name in seen and dedupe:
            name = clean[i] = dedupe_name(name, seen)
        elif name in seen:
            raise InputError(
                f"{path}: column '{name[:80]}' appears twice in the header (column names are compared without case)"
            )
        seen.add(name)
    return clean


def dedupe_name(name: str, taken) -> str:
    n = 2
    while f"{name}_{n}" in taken:
        n += 1
    return f"{name}_{n}"


def transcode(path: Path, workdir: Path, encoding: str = "cp1252") -> Path:
    """Stream a legacy-encoded file into a UTF-8 copy in ``workdir``."""
    target = workdir / f"{abs(hash(str(path)))}_{path.name}"
    with (
        open(path, encoding=encoding, errors="strict", newline="") as src,
        open(target, "w", encoding="utf-8", newline="") as dst,
    ):
        while block := src.read(1 << 20):
            dst.write(block)
    return target


def read_table(con: duckdb.DuckDBPyConnection, source: TableSource, workdir: Path) -> str:
    """Create ``raw_<table>`` from the table's files; returns the relation name.

    CSV files become a view (scanned once, when the typed table or the daily summary is made).
    """
    reader = {"csv": _read_csv, "parquet": _read_parquet, "xlsx": _read_xlsx, "jsonl": _read_jsonl}.get(source.format)
    if reader is None:
        from .clf import read_clf  # noqa: PLC0415 - only web-server logs need it

        reader = read_clf
    name = f"raw_{source.table}"
    reader(con, source, name, workdir)
    return name


def _read_csv(con, source: TableSource, name: str, workdir: Path) -> None:
    """A view over the table's CSV files (one ``read_csv`` per separator and header), scanned once later.

    Files are grouped so DuckDB reads them in one parallel scan; ``_file`` tells which file a row came
    from. Errors surface when the view is first scanned: ``scan_errors`` turns them into one line.
    """
    groups: dict[tuple[str, tuple[str, ...]], list[SourceFile]] = {}
    for f in source.files:
        encoding, delimiter = sniff_csv(f.path)
        if f.encoding == "cp1252":  # found mid-file on an earlier scan
            encoding = "cp1252"
        f.encoding, f.delimiter = encoding, delimiter
        f.read_path = _transcode_or_fail(f.path, workdir) if encoding == "cp1252" else f.path
        names = tuple(header_names(f.read_path, "utf-8", delimiter))
        groups.setdefault((delimiter, names, line_limit(f)), []).append(f)
    selects = []
    several = len(source.files) > 1  # one file: the views name it (canonical.py), no column repeats it per row
    for (delimiter, names, limit), files in groups.items():
        columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
        paths = ", ".join(literal(f.read_path) for f in files)
        selects.append(
            f"SELECT * FROM read_csv([{paths}], header=true, auto_detect=false, columns={columns}, "
            f"delim={literal(delimiter)}, quote='\"', escape='\"', max_line_size={limit}, strict_mode=true, "
            f"null_padding=false{f', filename={literal(FILE_COL)}' if several else ''})"
        )
    # the data row number is the typed table's rowid (canonical.py): no window over the rows here
    rename = f" RENAME ({FILE_COL} AS _file)" if several else ""
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT NULL::BIGINT AS _row, *{rename} "
        f"FROM ({' UNION ALL BY NAME '.join(selects)})"
    )


def line_limit(f: SourceFile) -> int:
    """The longest line DuckDB reads from this file: its default, or MAX_LINE once a line was longer."""
    return MAX_LINE if f.long_lines else LINE


def _too_long(msg: str, f: SourceFile | None) -> bool:
    """A line over the default limit, in a file not yet read with the wide one."""
    return f is not None and not f.long_lines and "Maximum line size" in msg


def scan_errors(con, source: TableSource, workdir: Path, build) -> None:
    """Run ``build`` (the first scan of a CSV view); a bad file stops with one line naming it.

    A file whose first 64 KB looked like UTF-8 but whose later bytes are not is re-read as cp1252; one
    with a line longer than DuckDB's default limit is read again with MAX_LINE.
    """
    while True:
        try:
            build()
            return
        except duckdb.Error as err:
            msg = str(err)
            if source.format != "csv" or "CSV Error" not in msg:
                where = source.files[0].path if len(source.files) == 1 else source.files[0].path.parent
                raise InputError(f"{where}: cannot be read ({first_line(err)})") from None
            bad = _file_of(msg, source)
            if bad is not None and "not utf-8 encoded" in msg and bad.encoding != "cp1252":
                bad.encoding = "cp1252"
                _read_csv(con, source, f"raw_{source.table}", workdir)
                continue
            if _too_long(msg, bad):
                bad.long_lines = True
                _read_csv(con, source, f"raw_{source.table}", workdir)
                continue
            where = bad.path if bad else source.files[0].path.parent
            raise InputError(f"{where}: unreadable CSV ({_csv_problem(msg)})") from None


def _file_of(msg: str, source: TableSource) -> SourceFile | None:
    found = re.search(r"^\s*file = (.+)$", msg, flags=re.M)
    if not found:
        return None
    name = found.group(1).strip()
    return next((f for f in source.files if str(f.read_path) == name or str(f.path) == name), None)


def _read_one_csv(con, f: SourceFile, path: Path, delimiter: str, workdir: Path, dedupe: bool = False) -> str:
    part = f"_part_{abs(hash(str(f.path)))}"
    names = header_names(path, "utf-8", delimiter, dedupe)
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    sql = (
        f"CREATE OR REPLACE TEMP TABLE {part} AS SELECT * FROM read_csv({literal(path)}, header=true, "
        f"auto_detect=false, columns={columns}, delim={literal(delimiter)}, quote='\"', escape='\"', "
        f"max_line_size={line_limit(f)}, strict_mode=true, null_padding=false)"
    )
    try:
        con.execute(sql)
    except duckdb.Error as err:
        msg = str(err)
        if "not utf-8 encoded" in msg and f.encoding != "cp1252":
            f.encoding = "cp1252"
            return _read_one_csv(con, f, _transcode_or_fail(f.path, workdir), delimiter, workdir, dedupe)
        if _too_long(msg, f):
            f.long_lines = True
            return _read_one_csv(con, f, path, delimiter, workdir, dedupe)
        raise InputError(f"{f.path}: unreadable CSV ({_csv_problem(msg)})") from None
    return part


def _csv_problem(msg: str) -> str:
    line = re.search(r"CSV Error on Line: (\d+)", msg)
    detail = next(
        (ln.strip() for ln in msg.splitlines()[1:] if ln.strip() and not ln.startswith(("Original", "Possible"))), ""
    )
    where = f"line {line.group(1)}: " if line else ""
    return (where + redact(detail or first_line(msg)))[:300]


def _transcode_or_fail(path: Path, workdir: Path) -> Path:
    try:
        return transcode(path, workdir)
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: unreadable text at byte {err.start} (expected UTF-8 or cp1252)") from None


def _union(con, name: str, parts: list[str], files: list[SourceFile]) -> None:
    """Stack per-file relations (columns matched by name) and number the data rows."""
    for part, f in zip(parts, files, strict=True):
        _lower_columns(con, part, f.path)
        f.rows = con.execute(f"SELECT count(*) FROM {ident(part)}").fetchone()[0]
    several = len(files) > 1  # which file a row came from; with one file the views name it (canonical.py)
    union = " UNION ALL BY NAME ".join(
        f"SELECT *{f', {literal(f.path)} AS _file' if several else ''} FROM {p}"
        for p, f in zip(parts, files, strict=True)
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT row_number() OVER () AS _row, * FROM ({union})")
    for part in parts:
        con.execute(f"DROP TABLE IF EXISTS {part}")


def _lower_columns(con, rel: str, path: Path) -> None:
    cols = [r[0] for r in con.execute(f"DESCRIBE {ident(rel)}").fetchall()]
    cleaned = check_names(path, [c.replace("\ufeff", "").strip().lower() for c in cols])
    for col, clean in zip(cols, cleaned, strict=True):
        if clean != col:
            con.execute(f"ALTER TABLE {ident(rel)} RENAME COLUMN {ident(col)} TO {ident(clean)}")


def _read_parquet(con, source: TableSource, name: str, workdir: Path) -> None:
    files = ", ".join(literal(f.path) for f in source.files)
    try:
        meta = con.execute(f"SELECT file_name, num_rows FROM parquet_file_metadata([{files}])").fetchall()
    except duckdb.Error as err:
        bad = _first_bad_parquet(con, source)
        raise InputError(f"{bad}: unreadable Parquet ({first_line(err)})") from None
    for f in source.files:  # DuckDB renames "Email" beside "email" to "Email_1": a silent misread
        try:
            check_names(f.path, [n.replace("\ufeff", "").strip().lower() for n in pq.read_schema(f.path).names])
        except (OSError, pa.ArrowException):
            raise InputError(f"{f.path}: unreadable Parquet (schema cannot be read)") from None
    rows = {Path(fn).name: n for fn, n in meta}
    for f in source.files:
        f.rows = rows.get(f.path.name)
    # a view: large Parquet tables are scanned in place, never copied into memory
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet([{files}], union_by_name=true)")
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
    except duckdb.Error as err:
        raise InputError(f"{source.files[0].path}: unreadable Parquet ({first_line(err)})") from None
    label = source.files[0].path if len(source.files) == 1 else source.files[0].path.parent
    cleaned = check_names(label, [c.replace("\ufeff", "").strip().lower() for c in cols])
    renamed = ", ".join(f"{ident(c)} AS {ident(n)}" for c, n in zip(cols, cleaned, strict=True))
    several = len(source.files) > 1
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {renamed}, NULL::BIGINT AS _row"
        f"{f', {FILE_COL} AS _file' if several else ''} "
        f"FROM read_parquet([{files}], union_by_name=true{f', filename={literal(FILE_COL)}' if several else ''})"
    )


def _first_bad_parquet(con, source: TableSource) -> Path:
    for f in source.files:
        try:
            con.execute("SELECT num_rows FROM parquet_file_metadata(?)", [str(f.path)]).fetchall()
        except duckdb.Error:
            return f.path
    return source.files[0].path


def _read_jsonl(con, source: TableSource, name: str, workdir: Path) -> None:
    parts = []
    for f in source.files:
        part = f"_part_{abs(hash(str(f.path)))}"
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {part} AS SELECT * FROM read_json({literal(f.path)}, "
                f"format='newline_delimited', records=true, maximum_object_size={MAX_LINE})"
            )
        except duckdb.Error as err:
            raise InputError(f"{f.path}: unreadable JSON Lines ({first_line(err)})") from None
        _as_text(con, part)
        parts.append(part)
    _union(con, name, parts, source.files)


def _as_text(con, rel: str) -> None:
    for col, typ, *_ in con.execute(f"DESCRIBE {ident(rel)}").fetchall():
        if typ != "VARCHAR":
            expr = f"CASE WHEN {ident(col)} IS NULL THEN NULL ELSE CAST({ident(col)} AS VARCHAR) END"
            if typ.startswith(("STRUCT", "MAP")) or typ.endswith("[]"):
                expr = f"to_json({ident(col)})::VARCHAR"
            con.execute(f"ALTER TABLE {ident(rel)} ALTER {ident(col)} TYPE VARCHAR USING {expr}")


def _read_xlsx(con, source: TableSource, name: str, workdir: Path) -> None:
    parts = []
    for f in source.files:
        part = f"_part_{abs(hash(str(f.path)))}"
        arrow = xlsx_to_arrow(f.path, source.table)
        con.register(f"{part}_arrow", arrow)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {part} AS SELECT * FROM {part}_arrow")
        con.unregister(f"{part}_arrow")
        parts.append(part)
    _union(con, name, parts, source.files)


def xlsx_to_arrow(path: Path, table: str, header_row: int = 1, dedupe: bool = False) -> pa.Table:
    """The sheet named after the table (else the first) as an Arrow table of text columns."""
    import openpyxl  # noqa: PLC0415 - only XLSX extracts need it

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - openpyxl raises zipfile, KeyError, ValueError... for broken files
        raise InputError(f"{path}: unreadable XLSX ({type(err).__name__}: {redact(str(err))[:120]})") from None
    try:
        ws = wb[table] if table in wb.sheetnames else wb[wb.sheetnames[0]]
        rows = ws.iter_rows(min_row=header_row, values_only=True)
        header = next(rows, None)
        if not header or all(h is None for h in header):
            raise InputError(f"{path}: no header row on row {header_row} of sheet '{ws.title}'")
        names = check_names(path, [str(h).strip().lower() if h is not None else "" for h in header], dedupe)
        columns: list[list[str | None]] = [[] for _ in names]
        for row in rows:
            if row is None or all(v is None for v in row):
                continue
            for i in range(len(names)):
                columns[i].append(_cell_text(row[i] if i < len(row) else None))
    finally:
        wb.close()
    return pa.table({n: pa.array(c, type=pa.string()) for n, c in zip(names, columns, strict=True)})


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time(0) or value.tzinfo else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None
