"""The lookup tables every extract reads, written once per process into a small read-only DuckDB file.

Each ``Extract`` needs the same 16 tables: the reference data (EEA, adequacy, country names, ...), the
policy's tables and the working-day calendar (21,550 days). Creating them from DataFrames in every new
connection took 38 ms of a tiny extract's 200 ms; attaching a file written once per process (per policy
content and audit year) and naming its tables through views takes 8 ms. The test suite opens about 600
extracts; an auditor's notebook opens one per period. docs/decisions.md has the measurement.

The file lives in a ``gdpr-audit-<pid>-lookup-*`` temporary folder: removed when a command of the command
line ends (``release``), at exit, or by the next run after a kill (``extract.clean_stale_temp``). It holds no personal data, only reference and policy rows.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .sqlident import ident, literal

if TYPE_CHECKING:  # the command line imports this module to clean up: no DuckDB or pandas for that
    import duckdb
    import pandas as pd

CATALOG = "audit_lookup"  # the attached file's name inside each extract's connection

_lock = threading.Lock()
_files: dict[tuple[int, str], tuple[Path, tuple[str, ...]]] = {}  # (pid, key) -> file and its tables
_folder: dict[int, Path] = {}


def attach(con: duckdb.DuckDBPyConnection, key: str, tables: Callable[[], dict[str, pd.DataFrame]]) -> None:
    """Give ``con`` the lookup tables as temporary views over this process's file for ``key``.

    ``key`` names the tables' content (the caller's hash of policy and year); ``tables`` builds them, once.
    """
    path, names = _file_for(key, tables)
    con.execute(f"ATTACH {literal(path)} AS {CATALOG} (READ_ONLY)")
    con.execute(
        ";\n".join(
            f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS SELECT * FROM {CATALOG}.main.{ident(name)}" for name in names
        )
    )


def content_key(*parts: object) -> str:
    """A short digest of the values the tables are built from."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:24]


def _file_for(key: str, tables: Callable[[], dict[str, pd.DataFrame]]) -> tuple[Path, tuple[str, ...]]:
    pid = os.getpid()  # a forked child writes its own files: the parent removes its folder at exit
    with _lock:
        known = _files.get((pid, key))
        if known is not None and known[0].exists():
            return known
        if pid not in _folder or not _folder[pid].exists():
            _folder[pid] = Path(tempfile.mkdtemp(prefix=f"gdpr-audit-{pid}-lookup-"))
            atexit.register(shutil.rmtree, _folder[pid], True)
        path = _folder[pid] / f"{key}.duckdb"
        import duckdb  # noqa: PLC0415 - see TYPE_CHECKING above

        frames = tables()
        work = path.with_suffix(".tmp")
        work.unlink(missing_ok=True)
        con = duckdb.connect(str(work))
        try:
            for name, frame in frames.items():
                con.register("_frame", frame)
                con.execute(f"CREATE TABLE {ident(name)} AS SELECT * FROM _frame")
                con.unregister("_frame")
        finally:
            con.close()
        work.rename(path)  # complete, or absent
        _files[(pid, key)] = (path, tuple(frames))
        return _files[(pid, key)]


def release() -> None:
    """Remove this process's lookup files (the command line, when a command ends; else at exit)."""
    pid = os.getpid()
    with _lock:
        for known in [k for k in _files if k[0] == pid]:
            del _files[known]
        folder = _folder.pop(pid, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def year_key(policy_json: str, as_of: dt.date) -> str:
    """The key of an extract's tables: the policy's content and the audit year (the calendar's end)."""
    return content_key(policy_json, as_of.year)
