"""`gdpr-audit check` on the shipped sample finds exactly what its answer key lists, check by check."""
import csv
from collections import defaultdict

import pytest

from audit_lib.checks import load_checks
from audit_lib.cli import main
from conftest import ROOT

SAMPLE = ROOT / "sample_data"


def by_check(rows) -> dict[str, set[tuple[str, int]]]:
    out: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for r in rows:
        record = r["record_id"][1:] if r["record_id"].startswith("'") else r["record_id"]
        out[r["check_id"]].add((record, int(r["count"])))
    return out


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample_check")
    assert main(["check", "--data", str(SAMPLE), "--period", "2026-10", "--out", str(out), "--quiet"]) == 0
    with open(out / "findings.csv", encoding="utf-8") as f:
        return by_check(csv.DictReader(f))


@pytest.fixture(scope="module")
def key():
    with open(SAMPLE / "answer_key.csv", encoding="utf-8") as f:
        return by_check(csv.DictReader(f))


# every declared check is compared: a check added later is covered with no change here
@pytest.mark.parametrize("check_id", [c.id for c in load_checks()])
def test_the_sample_matches_its_answer_key(check_id, findings, key):
    assert findings.get(check_id, set()) == key.get(check_id, set())


def test_the_answer_key_holds_nothing_the_catalogue_does_not_declare(key):
    assert set(key) <= {c.id for c in load_checks()}
