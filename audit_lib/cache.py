"""Re-open an unchanged extract near-instantly: its typed tables kept in a DuckDB file, keyed by content.

For interactive use (notebooks, the Python API) only; ``gdpr-audit check`` and the monthly report
always read and fingerprint the files afresh. A cache entry is found by the files' paths, sizes and
modification times (as git's index does) together with the policy's SHA-256, the as_of and the tool
version; it keeps the SHA-256 computed when the files were first read. The cache holds a copy of the
extract, personal data included: it lives in the user's cache folder, ``GDPR_AUDIT_CACHE=off`` turns
it off, and only the newest ``KEEP`` entries are kept.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from .intake.canonical import define_views
from .sqlident import literal

KEEP = 5
FILE_FIELDS = ("sha256", "rows", "encoding", "delimiter", "unparsed")


def cache_root() -> Path | None:
    """Where cache entries live (None when caching is off)."""
    setting = os.environ.get("GDPR_AUDIT_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gdpr-audit"


def entry_for(extract) -> Path | None:
    """The cache folder of this extract, as_of, policy and tool version."""
    from .manifest import tool_version  # noqa: PLC0415 - manifest imports the extract module

    root = cache_root()
    if root is None:
        return None
    files = []
    for f in extract.files:
        stat = f.path.stat()
        files.append([str(f.path.resolve()), f.table, f.profile, stat.st_size, stat.st_mtime_ns])
    signature = json.dumps({"files": files, "as_of": extract.as_of.isoformat(), "policy": extract.policy.sha256,
                            "version": tool_version(), "profiles": extract.choices.record()}, sort_keys=True)
    return root / hashlib.sha256(signature.encode()).hexdigest()[:32]


def restore(extract, entry: Path) -> bool:
    """Point the extract's views at a cache entry; False when there is none."""
    db, meta = entry / "extract.duckdb", entry / "files.json"
    if not (db.exists() and meta.exists()):
        return False
    saved = json.loads(meta.read_text(encoding="utf-8"))
    if "_columns" not in saved:  # an entry written before columns were recorded: read the files again
        return False
    extract.con.execute(f"ATTACH {literal(db)} AS extract_cache (READ_ONLY)")
    cached = {r[0] for r in extract.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'extract_cache'").fetchall()}
    for f in extract.files:
        for key, value in saved.get(str(f.path), {}).items():
            setattr(f, key, value)
    for name in extract.provided:
        table = extract.contract[name]
        if f"{name}_typed" in cached:
            define_views(extract.con, table, f"extract_cache.{name}_typed")
        else:  # the large table read in place: its view costs nothing to define again
            extract.define_in_place(name)
        if f"{name}_days" in cached:
            extract.con.execute(f"CREATE OR REPLACE TEMP VIEW {name}_days AS SELECT * FROM extract_cache.{name}_days")
    extract.source_columns = saved["_columns"]
    os.utime(entry)
    return True


def save(extract, entry: Path) -> None:
    """Write the typed tables and daily summaries into a new cache entry (atomically)."""
    work = entry.with_name(entry.name + f".tmp-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tables = [r[0] for r in extract.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND "
        "(table_name LIKE '%\\_typed' ESCAPE '\\' OR table_name LIKE '%\\_days' ESCAPE '\\')").fetchall()]
    extract.con.execute(f"ATTACH {literal(work / 'extract.duckdb')} AS cache_out")
    try:
        for name in tables:
            extract.con.execute(f"CREATE TABLE cache_out.{name} AS SELECT * FROM temp.main.{name}")
    finally:
        extract.con.execute("DETACH cache_out")
    files = {str(f.path): {k: getattr(f, k) for k in FILE_FIELDS} for f in extract.files}
    files["_columns"] = extract.source_columns  # which canonical columns the files held (checks that need one)
    (work / "files.json").write_text(json.dumps(files, indent=1), encoding="utf-8")
    shutil.rmtree(entry, ignore_errors=True)
    work.rename(entry)
    _prune(entry.parent)


def _prune(root: Path) -> None:
    entries = sorted((p for p in root.iterdir() if p.is_dir() and ".tmp-" not in p.name),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)

