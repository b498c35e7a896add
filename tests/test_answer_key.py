"""`gdpr-audit check` on the shipped sample finds exactly what its answer key lists, check by check."""

import csv

import pytest

from audit_lib.checks import load_checks
from audit_lib.cli import main
from benchmarks.answer_key import read
from conftest import ROOT

SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample_check")
    assert main(["check", "--data", str(SAMPLE), "--period", "2026-10", "--out", str(out), "--quiet"]) == 0
    return read(out / "findings.csv")


@pytest.fixture(scope="module")
def key():
    return read(SAMPLE / "answer_key.csv")


# every declared check is compared: a check added later is covered with no change here
@pytest.mark.parametrize("check_id", [c.id for c in load_checks()])
def test_the_sample_matches_its_answer_key(check_id, findings, key):
    assert findings.get(check_id, set()) == key.get(check_id, set())


def test_the_answer_key_holds_nothing_the_catalogue_does_not_declare(key):
    assert set(key) <= {c.id for c in load_checks()}


def test_no_value_of_a_personal_data_column_reaches_the_findings(tmp_path):
    """Every value of a column the contract marks as personal data (names, e-mails, phones, addresses,
    IPs, card numbers) is absent from the findings files: as a whole cell anywhere, and inside any text
    when it is an e-mail or number-like. (Recipients' company names may legitimately contain a surname.)"""
    import openpyxl

    from audit_lib.contract import load_contract

    out = tmp_path / "out"
    assert main(["check", "--data", str(SAMPLE), "--period", "2026-10", "--out", str(out), "--quiet"]) == 0
    with open(out / "findings.csv", encoding="utf-8") as f:
        cells = {v for row in csv.reader(f) for v in row}
    wb = openpyxl.load_workbook(out / "findings.xlsx", read_only=True)
    cells |= {str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    text = "\n".join(cells) + (out / "manifest.json").read_text(encoding="utf-8")
    leaked = set()
    for name, table in load_contract().items():
        path = SAMPLE / f"{name}.csv"
        if not path.exists() or not table.pii_columns:
            continue
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for value in (row.get(c) or "" for c in table.pii_columns):
                    identifying = "@" in value or sum(ch.isdigit() for ch in value) >= 6
                    if value and (value in cells or (identifying and value in text)):
                        leaked.add(value)
    assert leaked == set()
