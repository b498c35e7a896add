"""Re-open an unchanged extract near-instantly: its typed tables kept in a DuckDB file, keyed by content.

For interactive use (notebooks, the Python API) only; ``gdpr-audit check`` and the monthly report
always read and fingerprint the files afresh. A cache entry is found by the files' paths, sizes and
modification times (as git's index does) together with the policy's SHA-256, the as_of and the tool
version; it keeps the SHA-256 computed when the files were first read. The cache holds a copy of the
extract, personal data included: it lives in the user's cache folder (``$XDG_CACHE_HOME`` or
``~/.cache``, then ``gdpr-audit``), ``configure(None)`` turns it off, ``configure(folder)`` moves it,
and only the newest ``KEEP`` entries are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from .intake.sources import SourceFile
from .sqlident import ident, literal
from .version import tool_version

KEEP = 5
ATTACHED = "extract_cache"  # the schema name an entry is attached under
FILE_FIELDS = ("sha256", "rows", "encoding", "delimiter", "unparsed")
COLUMNS = "_columns"  # which canonical columns the files held (checks that need a column)
CARRIED = "_carried"  # what else a report snapshot carries: lookup tables, shared check relations (extract.py)
NOTHING_CARRIED = {"key": None, "as_of": None, "lookups": [], "shared": []}
LAYOUT = 2  # the typed tables' columns (2: no stored row number, key copy or single source file); in the key


_UNSET = object()
_root: object = _UNSET  # set by configure(); unset means the user's cache folder


def configure(root: str | Path | None) -> None:
    """Where cache entries go from now on in this process; ``None`` turns the cache off."""
    global _root
    _root = None if root is None else Path(root)


def cache_root() -> Path | None:
    """Where cache entries live (None when caching is off)."""
    if _root is _UNSET:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gdpr-audit"
    return _root  # type: ignore[return-value]


def entry_for(files: list[SourceFile], as_of: dt.date, policy_sha256: str, profiles: object = None) -> Path | None:
    """The cache folder of these files, as_of, policy, profile choices and tool version (None when off)."""
    root = cache_root()
    if root is None:
        return None
    signature = []
    for f in files:
        stat = f.path.stat()
        signature.append([str(f.path.resolve()), f.table, f.profile, stat.st_size, stat.st_mtime_ns])
    key = json.dumps(
        {
            "files": signature,
            "as_of": as_of.isoformat(),
            "policy": policy_sha256,
            "version": tool_version(),
            "layout": LAYOUT,
            "profiles": profiles,
        },
        sort_keys=True,
        default=str,
    )
    return root / hashlib.sha256(key.encode()).hexdigest()[:32]


def restore(
    con: duckdb.DuckDBPyConnection, entry: Path, files: list[SourceFile]
) -> tuple[set[str], dict[str, list[str]], dict] | None:
    """Attach an entry read-only as ``extract_cache`` and give ``files`` the facts saved with it.

    Returns the names of the relations the entry holds (``<table>_typed``, ``<table>_days``), the
    canonical columns each table's files held and what else it carries (a report snapshot's, see
    ``write_entry``), or None when there is no usable entry; the caller defines its views over them.
    """
    db, meta = entry / "extract.duckdb", entry / "files.json"
    if not (db.exists() and meta.exists()):
        return None
    saved = json.loads(meta.read_text(encoding="utf-8"))
    if COLUMNS not in saved:  # an entry written before columns were recorded: read the files again
        return None
    con.execute(f"ATTACH {literal(db)} AS {ATTACHED} (READ_ONLY)")
    cached = {
        r[0]
        for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [ATTACHED]).fetchall()
    }
    for f in files:
        for key, value in saved.get(str(f.path), {}).items():
            setattr(f, key, value)
    os.utime(entry)
    carried = {**NOTHING_CARRIED, **saved.get(CARRIED, {})}
    for kind in ("lookups", "shared"):
        carried[kind] = [t for t in carried[kind] if t in cached]
    return cached, saved[COLUMNS], carried


def views_over(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Temporary views of the same names over relations of the attached entry (``restore``)."""
    for name in names:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS SELECT * FROM {ATTACHED}.{ident(name)}")


def save(con: duckdb.DuckDBPyConnection, entry: Path, files: list[SourceFile], columns: dict[str, list[str]]) -> None:
    """Write the connection's typed tables and daily summaries into a new cache entry (atomically)."""
    write_entry(con, entry, files, columns)
    _prune(entry.parent)


def write_entry(
    con: duckdb.DuckDBPyConnection,
    entry: Path,
    files: list[SourceFile],
    columns: dict[str, list[str]],
    carried: dict | None = None,
) -> None:
    """Write the typed tables, daily summaries and file facts into the folder ``entry`` (atomically).

    Also the report's snapshot: its notebooks re-open the extract the check run read (see report.py).
    ``carried`` names more of the run's relations the snapshot keeps, so no kernel makes them again:
    ``{"key": lookup_db.content_key, "as_of": ISO date, "lookups": [reference, policy and working-day
    tables], "shared": [the shared check relations the run computed]}``.
    """
    carried = {**NOTHING_CARRIED, **(carried or {})}
    work = entry.with_name(entry.name + f".tmp-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND "
            "(table_name LIKE '%\\_typed' ESCAPE '\\' OR table_name LIKE '%\\_days' ESCAPE '\\')"
        ).fetchall()
    ]
    con.execute(f"ATTACH {literal(work / 'extract.duckdb')} AS cache_out")
    try:
        for name in tables:
            con.execute(f"CREATE TABLE cache_out.{name} AS SELECT * FROM temp.main.{name}")
        for name in dict.fromkeys(carried["lookups"] + carried["shared"]):
            if name not in tables:
                con.execute(f"CREATE TABLE cache_out.{ident(name)} AS SELECT * FROM {ident(name)}")
    finally:
        con.execute("DETACH cache_out")
    facts = {str(f.path): {k: getattr(f, k) for k in FILE_FIELDS} for f in files}
    facts[COLUMNS] = columns
    facts[CARRIED] = carried
    (work / "files.json").write_text(json.dumps(facts, indent=1), encoding="utf-8")
    shutil.rmtree(entry, ignore_errors=True)
    work.rename(entry)


def _prune(root: Path) -> None:
    entries = sorted(
        (p for p in root.iterdir() if p.is_dir() and ".tmp-" not in p.name),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
