"""Re-opening an unchanged extract in the notebook API comes from the cache; any change reads afresh."""

import os

import pytest

from audit_lib import cache, open_extract, run_checks
from conftest import write_extract

TABLES = {
    "persons": [
        {"person_id": "p1", "subject_type": "prospect", "collected_at": "2020-01-01"},
        {"person_id": "", "subject_type": "prospect", "collected_at": "2026-01-01"},
    ],
    "connection_logs": [{"ts": "2024-01-05T10:00:00Z"}, {"ts": "2026-10-01T10:00:00Z"}],
}


@pytest.fixture
def cache_dir(tmp_path):
    cache.configure(tmp_path / "cache")
    yield tmp_path / "cache"
    cache.configure(None)  # the tests' setting (conftest.py): off


def opened(folder, messages):
    return open_extract(folder, period="2026-10", progress=messages.append)


def findings(ex):
    return sorted(zip(run_checks(ex).findings["check_id"], run_checks(ex).findings["record_id"]))


def test_an_unchanged_extract_reopens_from_the_cache_with_the_same_findings(tmp_path, cache_dir):
    folder = write_extract(tmp_path / "x", TABLES)
    first, second = [], []
    with opened(folder, first) as ex:
        expected, hashes = findings(ex), [f.sha256 for f in ex.files]
    with opened(folder, second) as ex:
        assert findings(ex) == expected
        assert [f.sha256 for f in ex.files] == hashes
        assert [f.rows for f in ex.files] == [2, 2]
    assert not any("cache" in m for m in first)
    assert any("re-opened unchanged extract from the cache" in m for m in second)
    assert ("DQ-MISSING-REQUIRED", "row:2") in expected and ("RET-CONNECTION-LOG-1Y", "2024-01") in expected


def test_a_changed_file_is_read_afresh(tmp_path, cache_dir):
    folder = write_extract(tmp_path / "x", TABLES)
    with opened(folder, []) as ex:
        findings(ex)
    path = folder / "persons.csv"
    path.write_text(path.read_text() + "p3,lead,2019-01-01\n")
    messages = []
    with opened(folder, messages) as ex:
        assert ("DQ-INVALID-VALUE", "p3") in findings(ex)
    assert not any("cache" in m for m in messages)


def test_the_cache_can_be_turned_off(tmp_path):
    cache.configure(tmp_path / "cache")
    cache.configure(None)
    folder = write_extract(tmp_path / "x", TABLES)
    for _ in range(2):
        messages = []
        with opened(folder, messages) as ex:
            findings(ex)
        assert not any("cache" in m for m in messages)
    assert not (tmp_path / "cache").exists()


def test_unconfigured_the_cache_lives_in_the_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_root", cache._UNSET)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_root() == tmp_path / "gdpr-audit"


def test_tests_run_with_the_cache_off():
    assert cache.cache_root() is None


def test_the_command_line_never_uses_the_cache(tmp_path, cache_dir):
    from audit_lib.cli import main

    folder = write_extract(tmp_path / "x", TABLES)
    assert main(["check", "--data", str(folder), "--period", "2026-10", "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert not cache_dir.exists() or not os.listdir(cache_dir)


def test_the_memory_cap_is_a_setting_of_the_library_not_of_the_environment(tmp_path, monkeypatch):
    from audit_lib import extract

    monkeypatch.setattr(extract, "MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("GDPR_AUDIT_MEMORY_LIMIT", "3GB")
    with opened(write_extract(tmp_path / "x", TABLES), []) as ex:
        assert ex.sql("SELECT current_setting('memory_limit') AS m")["m"][0] == "953.6 MiB"


def test_a_reopened_extract_still_knows_which_columns_its_files_held(tmp_path, cache_dir):
    """LB-SOURCE-NOT-INFORMED needs persons.art14_notice_at: not run before and after the cache alike."""
    folder = write_extract(tmp_path / "x", TABLES)
    for messages in ([], []):
        with opened(folder, messages) as ex:
            status = run_checks(ex).status["LB-SOURCE-NOT-INFORMED"]
            assert ex.has_column("persons", "collected_at") and not ex.has_column("persons", "art14_notice_at")
        assert status["reason"] == "column persons.art14_notice_at not provided"
    assert any("re-opened unchanged extract from the cache" in m for m in messages)


def test_the_reports_notebooks_read_the_snapshot_of_the_check_run_not_the_files_again(tmp_path):
    """``gdpr-audit report``: the notebooks see exactly what the check run read, even if a file changed since."""
    import datetime as dt

    from audit_lib.commands import audit_to_folder
    from audit_lib.extract import Extract

    folder = write_extract(tmp_path / "x", TABLES)
    snapshot = tmp_path / "snapshot"
    audit_to_folder(folder, dt.date(2026, 10, 31), None, tmp_path / "out", quiet=True, snapshot=snapshot)
    assert sorted(p.name for p in snapshot.iterdir()) == ["extract.duckdb", "files.json"]
    write_extract(folder, {"persons": [*TABLES["persons"], {"person_id": "p3", "subject_type": "customer"}]})
    messages = []
    with Extract(folder, dt.date(2026, 10, 31), snapshot=snapshot, progress=messages.append) as ex:
        assert ex.con.execute("SELECT count(*) FROM persons_all").fetchone()[0] == 2
        assert [m.split(" (")[0] for m in messages] == ["re-opened the check run's snapshot"]
        assert {f.path.name: f.rows for f in ex.files} == {"persons.csv": 2, "connection_logs.csv": 2}
    with Extract(folder, dt.date(2026, 10, 31)) as ex:  # the files as they are now
        assert ex.con.execute("SELECT count(*) FROM persons_all").fetchone()[0] == 3


def test_a_report_shares_memory_between_its_check_and_its_kernels(tmp_path):
    """The report's check gets a smaller DuckDB cap than a plain check (the kernels warm up beside it), and a
    notebook re-opening the run's snapshot a smaller one again (one of several kernels)."""
    import datetime as dt

    import duckdb

    from audit_lib import extract, nb
    from audit_lib.commands import audit_to_folder
    from audit_lib.policy import load_policy

    def cap(setting: str) -> str:
        con = duckdb.connect()
        con.execute("SET memory_limit = ?", [setting])
        return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    folder = write_extract(tmp_path / "x", TABLES)
    snapshot = tmp_path / "snapshot"
    audit_to_folder(folder, dt.date(2026, 10, 31), None, tmp_path / "out", quiet=True, snapshot=snapshot)
    run = nb.Run(data=folder, as_of=dt.date(2026, 10, 31), policy=load_policy(), extract_db=snapshot)
    got = run.extract.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert got == cap(extract.SNAPSHOT_MEMORY_LIMIT) != cap(extract.MEMORY_LIMIT)
    with extract.Extract(folder, dt.date(2026, 10, 31), memory_limit=extract.REPORT_CHECK_MEMORY_LIMIT) as ex:
        got = ex.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        assert got == cap(extract.REPORT_CHECK_MEMORY_LIMIT) != cap(extract.MEMORY_LIMIT)
    run.extract.close()


def test_a_report_snapshot_carries_the_shared_check_relations_for_its_date(tmp_path):
    """The report's kernels read the shared relations the check run computed (consent at send time, ...)
    from its snapshot, with the rows a fresh computation gives; for another date they compute their own."""
    import datetime as dt

    from audit_lib.commands import audit_to_folder
    from audit_lib.extract import Extract
    from audit_lib.run import ensure_shared
    from conftest import SAMPLE

    october, september = dt.date(2026, 10, 31), dt.date(2026, 9, 30)
    snapshot = tmp_path / "snapshot"
    audit_to_folder(SAMPLE, october, None, tmp_path / "run", quiet=True, command="report", snapshot=snapshot)
    with Extract(SAMPLE, october, snapshot=snapshot) as reopened, Extract(SAMPLE, october) as fresh:
        assert {"consent_at_send", "dsr_deadline", "objection_match"} <= reopened.shared_ready
        for name in sorted(reopened.shared_ready):
            ensure_shared(fresh, name)
            query = f"SELECT * FROM {name} ORDER BY ALL"
            assert reopened.con.execute(query).fetchall() == fresh.con.execute(query).fetchall(), name
    with Extract(SAMPLE, september, snapshot=snapshot) as other_date:
        assert other_date.shared_ready == set()
