"""The lookup tables every extract reads, converted once per process and lent to each connection.

Each ``Extract`` needs the same 16 tables: the reference data (EEA, adequacy, country names, ...), the
policy's tables and the working-day calendar (21,550 days). Creating them from DataFrames in every new
connection cost 43 ms; registering Arrow tables converted once per process (per policy content and audit
year) costs 13 ms, with no copy and no file (a read-only DuckDB file attached instead cost 11 ms, plus
a file to write, fsync and remove). The test suite opens about 600 extracts; an auditor's notebook one
per period. docs/decisions.md has the measurement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

import duckdb

from .reference import reference_tables, working_days

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from .policy import Policy

KEPT = 8  # policies x years kept converted in one process (a few KB each, the calendar about 200 KB)

_lock = threading.Lock()
_converted: OrderedDict[str, dict[str, pa.Table]] = OrderedDict()


def attach(con: duckdb.DuckDBPyConnection, policy: Policy, as_of: dt.date) -> None:
    """Give ``con`` the lookup tables as views over this process's Arrow copy for the policy and audit year."""
    for name, table in _arrow_for(policy, as_of).items():
        con.register(name, table)


def content_key(policy: Policy, as_of: dt.date) -> str:
    """What the tables depend on: the policy's content (not its file: it may be changed in memory) and the year."""
    return hashlib.sha256(f"{policy.model_dump_json()}\x1f{as_of.year}".encode()).hexdigest()


def names(policy: Policy, as_of: dt.date) -> list[str]:
    """The lookup tables' names (what ``attach`` registers)."""
    return list(_arrow_for(policy, as_of))


def lookup_tables(policy: Policy, as_of: dt.date) -> dict[str, pd.DataFrame]:
    """The reference, policy and working-day tables every check may read, by name."""
    days = working_days(policy.holiday_calendar.value, dt.date(1970, 1, 1), dt.date(as_of.year + 2, 12, 31))
    return {**reference_tables(), **policy.tables(), "ref_working_days": days}


def _arrow_for(policy: Policy, as_of: dt.date) -> dict[str, pa.Table]:
    key = content_key(policy, as_of)
    with _lock:
        if key in _converted:
            _converted.move_to_end(key)
            return _converted[key]
        scratch = duckdb.connect()  # DuckDB types the frames as it always did; Arrow keeps those types
        try:
            converted = {}
            for name, frame in lookup_tables(policy, as_of).items():
                scratch.register("_frame", frame)
                converted[name] = scratch.sql("SELECT * FROM _frame").to_arrow_table()
                scratch.unregister("_frame")
        finally:
            scratch.close()
        _converted[key] = converted
        while len(_converted) > KEPT:
            _converted.popitem(last=False)
        return converted
