"""A row's number is its place in its file, at any size (``_row``; ``row:N`` names a row without a key).

The typed tables store no row number: it is their rowid, which is file order only when DuckDB inserts the
scan's rows in order. It does so when the plan joins nothing; an enum of five values written as ``IN``
(DuckDB turns it into a join) or the country lookup as a subquery made the insert unordered, and a
keyless send at scale M was named ``row:452541`` (another number at each run) instead of ``row:1000095``.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from audit_lib.contract import load_contract
from audit_lib.extract import Extract
from audit_lib.intake.canonical import ORDER_KEEPING, build_typed
from audit_lib.reference import reference_tables
from audit_lib.sqlident import ident
from audit_lib.sqlmacros import install_macros


class Recording:
    """A connection that notes the statements it runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con, self.statements = con, []

    def execute(self, query: str, *args):
        self.statements.append(query)
        return self.con.execute(query, *args)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    install_macros(c, "Europe/Brussels")
    c.execute("SET VARIABLE as_of = DATE '2026-10-31'")
    c.execute("SET VARIABLE as_of_end = TIMESTAMPTZ '2026-11-01 00:00:00+01'")
    for name, frame in reference_tables().items():
        c.register(name, frame)
    yield c
    c.close()


@pytest.mark.parametrize("name", [n for n, t in load_contract().items() if not t.aggregate])
def test_every_table_is_typed_by_a_plan_that_keeps_file_order(con, name):
    table = load_contract()[name]
    cols = ", ".join(f"'x'::VARCHAR AS {ident(c)}" for c in table.columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE raw_{name} AS SELECT {cols}")
    recording = Recording(con)
    build_typed(recording, table, f"raw_{name}", name, in_place=False)
    (create,) = [s for s in recording.statements if s.startswith(f"CREATE OR REPLACE TEMP TABLE {name}_typed AS")]
    plan = con.execute(f"EXPLAIN {create}").fetchall()[0][1]
    assert plan.splitlines()[0].strip("╭─╮ ") == ORDER_KEEPING


def test_a_keyless_row_of_a_large_file_is_named_by_its_place(tmp_path):
    # 1.2 million sends (72 MB, several scan buffers), the last one without a send id; empty values unquoted
    # (a quoted "" in every line, as DuckDB's COPY writes '', kept this file in order even before the fix)
    rows = 1_200_000
    path = tmp_path / "communications.csv"
    duckdb.execute(
        f"COPY (SELECT 'S' || i AS send_id, 'P' || (i % 1000) AS person_id, 'email' AS channel, "
        "'service' AS purpose, '2026-09-21T08:00:00Z' AS sent_at, NULL AS campaign_id, 'false' AS personalised, "
        f"'true' AS optout_link FROM range({rows}) t(i) "
        "UNION ALL SELECT NULL, 'P1', 'email', 'service', '2026-09-21T08:00:00Z', NULL, 'false', 'true') "
        f"TO '{path}' (HEADER)"
    )
    with Extract(tmp_path, dt.date(2026, 10, 31)) as ex:
        assert ex.con.execute("SELECT _row, _key FROM communications_all WHERE send_id IS NULL").fetchall() == [
            (rows + 1, f"row:{rows + 1}")
        ]
        dq = ex.dq_findings()
    missing = dq[dq["check_id"] == "DQ-MISSING-REQUIRED"]
    assert set(missing["record_id"]) == {f"row:{rows + 1}"}
