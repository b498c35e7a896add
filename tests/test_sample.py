"""The synthetic extract generator: determinism, the shipped sample, the answer key, canonical headers."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from audit_lib.contract import load_contract
from audit_lib.sample import generate
from conftest import CATALOGUE

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TABLES = [
    "persons",
    "consents",
    "objections",
    "communications",
    "processing_activities",
    "recipients",
    "rights_requests",
    "breaches",
    "payments",
]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "README.md"
    }


@pytest.fixture
def fresh(fresh_sample) -> Path:
    return fresh_sample


def test_same_seed_gives_byte_identical_files(fresh, tmp_path):
    generate(tmp_path, "S", 42, "2026-10")
    assert _digests(tmp_path) == _digests(fresh)


def test_another_seed_gives_other_data(fresh, tmp_path):
    generate(tmp_path, "S", 7, "2026-10")
    assert _digests(tmp_path)["persons.csv"] != _digests(fresh)["persons.csv"]


def test_shipped_sample_equals_a_fresh_generate(fresh):
    assert _digests(SAMPLE) == _digests(fresh)


def test_answer_key_names_every_check_of_the_catalogue(fresh):
    with (fresh / "answer_key.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert set(CATALOGUE) <= {r["check_id"] for r in rows}
    assert {r["check_id"] for r in rows} <= set(CATALOGUE)


def test_answer_key_is_sorted_with_counts(fresh):
    with (fresh / "answer_key.csv").open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        assert next(reader) == ["check_id", "record_id", "count"]
        rows = list(reader)
    assert rows == sorted(rows, key=lambda r: (r[0], r[1]))
    assert len({(r[0], r[1]) for r in rows}) == len(rows)
    assert all(int(r[2]) >= 1 for r in rows)
    assert ["RET-CONNECTION-LOG-1Y", "2025-09", "31"] in rows
    assert ["LB-ROPA-GAP", "social_interactions", "1"] in rows


def test_every_table_file_exists_with_the_canonical_header(fresh):
    contract = load_contract()
    for table in TABLES:
        with (fresh / f"{table}.csv").open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == list(contract[table].columns), table
    logs = sorted((fresh / "connection_logs").glob("*.csv"))
    assert [p.name for p in logs][:3] == ["2024-02.csv", "2025-09.csv", "2025-10.csv"]
    assert "2026-10.csv" in [p.name for p in logs]
    for path in logs:
        with path.open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == list(contract["connection_logs"].columns), path.name


def test_as_of_is_the_end_of_the_period(tmp_path):
    info = generate(tmp_path, "S", 42, "2028-02")
    assert info["as_of"] == "2028-02-29"
    assert (tmp_path / "connection_logs" / "2028-02.csv").exists()


M_DIGESTS = Path(__file__).resolve().parent / "data" / "sample_m_seed42_2026-10.json"


@pytest.mark.slow
def test_scale_m_is_byte_identical_for_one_seed(tmp_path):
    """Scale M (100k persons, 1M sends, 10M log rows, DuckDB's parallel paths) gives the files recorded
    when the generator last changed: the same on every run and machine (``--record`` to record anew)."""
    import json
    import shutil

    try:
        generate(tmp_path / "m", "M", 42, "2026-10")
        digests = _digests(tmp_path / "m")
        assert len(digests) > 10
        assert digests == json.loads(M_DIGESTS.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(tmp_path / "m", ignore_errors=True)


if __name__ == "__main__":  # python tests/test_sample.py --record: after a deliberate change to the generator
    import json
    import sys
    import tempfile

    if sys.argv[1:] == ["--record"]:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp), "M", 42, "2026-10")
            M_DIGESTS.write_text(json.dumps(_digests(Path(tmp)), indent=1) + "\n", encoding="utf-8")
        print(f"recorded {M_DIGESTS}")
