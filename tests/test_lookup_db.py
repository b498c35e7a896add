"""The lookup tables come from one file per process, policy content and audit year (audit_lib/lookup_db.py)."""

from __future__ import annotations

import datetime as dt

import duckdb

from audit_lib import lookup_db
from audit_lib.cli import main
from audit_lib.extract import Extract, lookup_tables
from audit_lib.policy import load_policy
from conftest import write_extract

PERSONS = {"persons": [{"person_id": "p1", "subject_type": "prospect", "collected_at": "2026-01-01"}]}
OCT = dt.date(2026, 10, 31)


def _attached(ex: Extract) -> str:
    return ex.con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = ?", [lookup_db.CATALOG]
    ).fetchone()[0]


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


def test_one_file_per_policy_content_and_year(tmp_path):
    folder = write_extract(tmp_path / "x", PERSONS)
    policy = load_policy(None)
    fewer = policy.model_copy(update={"purposes": policy.purposes[:1]})  # changed in memory, same file
    with (
        Extract(folder, OCT, policy) as a,
        Extract(folder, dt.date(2026, 1, 31), policy) as same_year,
        Extract(folder, dt.date(2027, 1, 31), policy) as next_year,
        Extract(folder, OCT, fewer) as other,
    ):
        assert _attached(a) == _attached(same_year)
        assert len({_attached(a), _attached(next_year), _attached(other)}) == 3
        assert other.con.execute("SELECT count(DISTINCT purpose_id) FROM policy_purposes").fetchone()[0] == 1
        last = "SELECT max(day) FROM ref_working_days"
        assert next_year.con.execute(last).fetchone()[0] > a.con.execute(last).fetchone()[0]


def test_a_command_leaves_no_lookup_file_behind(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    data = write_extract(tmp_path / "x", PERSONS)
    assert main(["check", "--data", str(data), "--as-of", "2026-10-31", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert list(tmp_path.glob("gdpr-audit-*")) == []
