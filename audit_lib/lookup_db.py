"""The lookup tables every extract reads, converted once per process and lent to each connection.

Each ``Extract`` needs the same 16 tables: the reference data (EEA, adequacy, country names, ...), the
policy's tables and the working-day calendar (21,550 days). Creating them from DataFrames in every new
connection cost 43 ms; registering Arrow tables converted once per process (per policy content and audit
year) costs 13 ms, with no copy and no file (a read-only DuckDB file attached instead cost 11 ms, plus
a file to write, fsync and remove). The test suite opens about 600 extracts; an auditor's notebook one
per period. docs/decisions.md has the measurement.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

KEPT = 8  # policies x years kept converted in one process (a few KB each, the calendar about 200 KB)

_lock = threading.Lock()
_converted: OrderedDict[str, dict[str, pa.Table]] = OrderedDict()


def attach(con: duckdb.DuckDBPyConnection, key: str, tables: Callable[[], dict[str, pd.DataFrame]]) -> None:
    """Give ``con`` the lookup tables as views over this process's Arrow copy for ``key``.

    ``key`` names the tables' content (``year_key``); ``tables`` builds them, once per key.
    """
    for name, table in _arrow_for(key, tables).items():
        con.register(name, table)


def _arrow_for(key: str, tables: Callable[[], dict[str, pd.DataFrame]]) -> dict[str, pa.Table]:
    with _lock:
        if key in _converted:
            _converted.move_to_end(key)
            return _converted[key]
        scratch = duckdb.connect()  # DuckDB types the frames as it always did; Arrow keeps those types
        try:
            converted = {}
            for name, frame in tables().items():
                scratch.register("_frame", frame)
                converted[name] = scratch.sql("SELECT * FROM _frame").to_arrow_table()
                scratch.unregister("_frame")
        finally:
            scratch.close()
        _converted[key] = converted
        while len(_converted) > KEPT:
            _converted.popitem(last=False)
        return converted


def year_key(policy_json: str, year: int) -> str:
    """The key of an extract's tables: the policy's content and the audit year (the calendar's end)."""
    return hashlib.sha256(f"{policy_json}\x1f{year}".encode()).hexdigest()[:24]
