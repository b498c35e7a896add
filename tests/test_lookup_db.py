"""The lookup tables are converted once per process, policy content and audit year (audit_lib/lookup_db.py)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from audit_lib import lookup_db
from audit_lib.extract import Extract
from audit_lib.lookup_db import lookup_tables
from audit_lib.policy import load_policy
from conftest import write_extract

PERSONS = {"persons": [{"person_id": "p1", "subject_type": "prospect", "collected_at": "2026-01-01"}]}
OCT = dt.date(2026, 10, 31)


def test_every_lookup_table_reads_as_built_with_its_types(tmp_path):
    """The same rows and column types as a table made from the DataFrame in the extract's own connection."""
    policy = load_policy(None)
    direct = duckdb.connect()
    with Extract(write_extract(tmp_path / "x", PERSONS), OCT, policy) as ex:
        for name, frame in lookup_tables(policy, OCT).items():
            direct.register("frame", frame)
            for query in ("DESCRIBE SELECT * FROM {}", "SELECT * FROM {}"):
                assert (
                    ex.con.execute(query.format(name)).fetchall() == direct.execute(query.format("frame")).fetchall()
                ), name
            direct.unregister("frame")


def test_built_once_per_policy_and_year_and_lent_to_every_connection(monkeypatch):
    built = []

    def tables(policy, as_of):
        built.append(as_of.year)
        return {"ref_x": pd.DataFrame({"v": ["a", "b"]})}

    monkeypatch.setattr(lookup_db, "lookup_tables", tables)
    monkeypatch.setattr(lookup_db, "_converted", type(lookup_db._converted)())  # nothing converted yet
    policy = load_policy(None)
    cons = [duckdb.connect() for _ in range(3)]
    for con in cons:
        lookup_db.attach(con, policy, OCT)
    lookup_db.attach(cons[0], policy, dt.date(2027, 1, 31))
    assert len(built) == 2
    assert [con.execute("SELECT string_agg(v, '') FROM ref_x").fetchone()[0] for con in cons] == ["ab"] * 3


def test_a_policy_changed_in_memory_and_another_year_get_their_own_tables(tmp_path):
    folder = write_extract(tmp_path / "x", PERSONS)
    policy = load_policy(None)
    fewer = policy.model_copy(update={"purposes": policy.purposes[:1]})  # same file, other content
    last = "SELECT max(day) FROM ref_working_days"
    purposes = "SELECT count(DISTINCT purpose_id) FROM policy_purposes"
    with (
        Extract(folder, OCT, policy) as a,
        Extract(folder, dt.date(2027, 1, 31), policy) as next_year,
        Extract(folder, OCT, fewer) as other,
    ):
        assert other.con.execute(purposes).fetchone()[0] == 1 < a.con.execute(purposes).fetchone()[0]
        assert next_year.con.execute(last).fetchone()[0] > a.con.execute(last).fetchone()[0]


def test_a_report_snapshot_carries_the_lookup_tables_its_kernels_read(tmp_path, monkeypatch):
    """The report's check run writes the lookup tables into its snapshot; an extract re-opened from it reads
    them from there (same names, types and rows) and builds none, unless its policy or year differs."""
    from audit_lib.commands import audit_to_folder

    folder = write_extract(tmp_path / "x", PERSONS)
    policy = load_policy(None)
    snapshot = tmp_path / "snapshot"
    audit_to_folder(folder, OCT, None, tmp_path / "run", quiet=True, command="report", snapshot=snapshot)
    monkeypatch.setattr(lookup_db, "_converted", type(lookup_db._converted)())  # a kernel: nothing converted
    with Extract(folder, OCT, policy) as fresh:
        built = set(lookup_db._converted)
        monkeypatch.setattr(lookup_db, "_converted", type(lookup_db._converted)())
        with Extract(folder, OCT, policy, snapshot=snapshot) as reopened:
            assert len(lookup_db._converted) == 0  # nothing built: every table came from the snapshot
            for name in lookup_tables(policy, OCT):
                for query in ("DESCRIBE SELECT * FROM {}", "SELECT * FROM {} ORDER BY ALL"):
                    sql = query.format(name)
                    assert reopened.con.execute(sql).fetchall() == fresh.con.execute(sql).fetchall(), name
        fewer = policy.model_copy(update={"purposes": policy.purposes[:1]})
        for other_policy, other_day in ((fewer, OCT), (policy, dt.date(2027, 1, 31))):
            with Extract(folder, other_day, other_policy, snapshot=snapshot) as other:
                assert other.con.execute("SELECT count(*) FROM policy_purposes").fetchone()[0] == len(
                    other_policy.tables()["policy_purposes"]
                )
        assert len(lookup_db._converted) == 2 and not built & set(lookup_db._converted)
