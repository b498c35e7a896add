"""The XL case: the L extract with its connection logs grown to about one billion rows, as Parquet.

Built on request only (``python -m benchmarks.run --scales XL``; about 15 GB, never in CI): the
evidence for how far one machine goes before a distributed engine is needed. The L persons, sends and
registers stay as they are; the logs beyond L's 100 million rows are more background traffic of the
same shape and format (another seed), inside the retention period, in ``connection_logs/xl/YYYY-MM.parquet``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from audit_lib.sample import logs, macros
from audit_lib.sample import timeutil as T
from audit_lib.sample.generate import SCALES, generate
from audit_lib.sample.plan import Plan

LOG_ROWS = 1_000_000_000


def build(folder: Path, seed: int = 42, period: str = "2026-10", rows: int = LOG_ROWS, base: str = "L") -> dict:
    """Write the XL extract into ``folder`` (``base``'s extract with ``rows`` log rows in all); return the
    rows of connection logs it holds (close to ``rows``: days keep their weekday rhythm; the exact count)."""
    have = generate(folder, base, seed, period)["rows"]["connection_logs"]
    con = duckdb.connect()
    as_of = T.as_of_for(period)
    macros.install(con, seed + 1, as_of)
    _, start = Plan(as_of=as_of, identities=[], scale=base).boundary(12)  # the first date still in time
    extra = folder / "connection_logs" / "xl"
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir()
    written = logs.write_background(
        con, extra, start, as_of, rows - have, SCALES[base].persons, SCALES[base].parquet_logs
    )
    con.close()
    return {"connection_logs_rows": have + sum(written.values())}
