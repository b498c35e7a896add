"""Find the files of each canonical table in an extract folder and describe how to read them."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .paths import inside

FORMATS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx", ".jsonl": "jsonl", ".log": "clf", ".gz": "clf"}
EXPECTED = ".csv, .parquet, .xlsx, .jsonl (or a folder of such files)"
IGNORED_SUFFIXES = {".md", ".txt", ".yaml", ".yml", ".json"}
# web-server logs as servers leave them: access.log, access_log (Red Hat, macOS, XAMPP), logrotate's
# access.log.1 / access.log.2.gz and dateext access.log-20261001[.gz], host-specific access-example.log
LOG_NAME = re.compile(r"^.+[._]log(?:\.\d+|-\d{8}(?:\d{2})?)?(?:\.gz)?$", re.IGNORECASE)
# error logs hold client addresses too, but are no access lines: skipped, with a line saying so
ERROR_LOG = re.compile(r"(?:^|[._-])error(?:[._-]|$)", re.IGNORECASE)
LOG_NAMES = "access.log, access_log, access.log.1, access.log.2.gz, access.log-20261001[.gz]"


@dataclass
class SourceFile:
    """One input file: where it is, its fingerprint, and what the reader detected."""

    path: Path
    table: str
    format: str
    size: int = 0
    sha256: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    rows: int | None = None
    unparsed: int | None = None  # web logs: lines in no known format, undecodable or too long
    profile: str = "canonical"
    read_path: Path | None = None  # what DuckDB reads: the file itself, or its UTF-8 transcoded copy
    long_lines: bool = False  # a line is longer than DuckDB's default limit: read with the wide one

    @property
    def scanned(self) -> Path:
        """The path DuckDB read, which a multi-file scan gives as each row's ``_file``."""
        return self.read_path or self.path

    def display(self, root: Path) -> str:
        try:
            return str(self.path.relative_to(root))
        except ValueError:
            return str(self.path)


@dataclass
class TableSource:
    table: str
    format: str
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (file, why) - said once, in the manifest


def file_format(path: Path) -> str | None:
    """The reader for a file by its ending, or None when the ending is unknown."""
    if is_log_name(path.name):
        return "clf"
    return FORMATS.get(path.suffix.lower()) if path.suffix.lower() != ".gz" else None


def is_log_name(name: str) -> bool:
    return bool(LOG_NAME.match(name))


def is_error_log(name: str) -> bool:
    return is_log_name(name) and bool(ERROR_LOG.search(name))


def sha256_of(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def discover(root: Path, tables: list[str]) -> dict[str, TableSource]:
    """Map each table to its file or folder in ``root``; absent tables are left out."""
    if not root.exists():
        raise InputError(f"{root}: extract folder not found (expected a folder with persons.csv, consents.csv, ...)")
    if not root.is_dir():
        raise InputError(f"{root}: not a folder (expected an extract folder)")
    found: dict[str, TableSource] = {}
    try:
        entries = sorted(root.iterdir())
    except OSError as err:
        raise InputError(f"{root}: cannot list the extract folder ({err.strerror or type(err).__name__})") from None
    for table in tables:
        candidates = [p for p in entries if p.stem.lower() == table or p.name.lower() == table]
        candidates = [p for p in candidates if p.suffix.lower() not in IGNORED_SUFFIXES]
        _compressed(entries, table)
        if not candidates:
            _near_miss(entries, table)
            continue
        if len(candidates) > 1:
            names = ", ".join(p.name for p in candidates)
            raise InputError(f"{root}: table {table} is given more than once ({names}); keep one file or folder")
        inside(root, candidates[0])
        found[table] = _table_source(candidates[0], table, root)
    return found


def _compressed(entries: list[Path], table: str) -> None:
    """``consents.csv.gz``: a compressed table is not read; say so rather than skip it."""
    for p in entries:
        name = p.name.lower()
        if name.split(".")[0] == table and name.endswith(".gz") and table != "connection_logs":
            raise InputError(
                f"{p}: compressed files are not read for {table}; decompress it to {table}.csv "
                f"(or convert it to {table}.parquet)"
            )


def _near_miss(entries: list[Path], table: str) -> None:
    """A file meant as ``table`` but named so it would be skipped: say what would work (never silent)."""
    for p in entries:
        name = p.name.lower()
        stem = name.split(".")[0]
        if stem != table and stem in (table[:-1], table + "s") and file_format(p) is not None:
            raise InputError(
                f"{p}: not a table name; rename it to {table}{p.suffix.lower()} to audit it as table {table}"
            )


def _table_source(path: Path, table: str, root: Path) -> TableSource:
    if path.is_dir():
        files = [p for p in sorted(path.rglob("*")) if not p.name.startswith(".")]
        for p in files:
            inside(root, p)
        files = [p for p in files if p.is_file()]
        if not files:
            raise InputError(f"{path}: folder for table {table} is empty (expected {EXPECTED})")
        formats, skipped = {}, []
        for f in files:
            if table == "connection_logs" and is_error_log(f.name):
                skipped.append((f, "web-server error log, not access lines: not read"))
                continue
            fmt = file_format(f)
            if fmt is None:
                raise InputError(f"{f}: unknown table format '{f.suffix}' (expected {_expected(table)})")
            formats.setdefault(fmt, []).append(f)
        if len(formats) > 1:
            raise InputError(
                f"{path}: folder mixes formats ({', '.join(sorted(formats))}); expected files of one format"
            )
        if not formats:
            raise InputError(f"{path}: folder for table {table} holds no access log (expected {_expected(table)})")
        fmt = next(iter(formats))
        files = [f for f in files if f not in {p for p, _ in skipped}]
    else:
        skipped = []
        fmt = file_format(path)
        if fmt is None or fmt == "clf" and table != "connection_logs":
            raise InputError(f"{path}: unknown table format '{path.suffix}' (expected {_expected(table)})")
        files = [path]
    sources = []
    for f in files:
        try:
            size = f.stat().st_size
        except OSError as err:
            raise InputError(f"{f}: cannot be read ({err.strerror or type(err).__name__})") from None
        if not os.access(f, os.R_OK):
            raise InputError(f"{f}: cannot be read (permission denied)")
        if size == 0 and fmt != "clf":  # an empty current log after rotation: no connections, 0 rows
            raise InputError(f"{f}: file is empty (expected a header row naming the columns of {table})")
        sources.append(SourceFile(path=f, table=table, format=fmt, size=size))
    return TableSource(table=table, format=fmt, files=sources, skipped=skipped)


def _expected(table: str) -> str:
    if table == "connection_logs":
        return (
            f"{EXPECTED}, or web-server logs named like {LOG_NAMES}; another name: "
            "--profile connection_logs=apache_combined with a profile whose match lists it, see docs/profiles.md"
        )
    return EXPECTED
