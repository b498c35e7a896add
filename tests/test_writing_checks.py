"""docs/writing_checks.md's worked example: a check added in one place (the checks folder) runs."""

from __future__ import annotations

import re
import shutil

import pytest

from audit_lib.checks import load_checks
from audit_lib.run import run_checks
from conftest import ROOT

DOC = ROOT / "docs" / "writing_checks.md"


def example(language: str) -> str:
    """The fenced block of ``language`` in the doc's 'Worked example' section."""
    section = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1].split("\n## ", 1)[0]
    return re.search(rf"```{language}\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def folder(tmp_path):
    """A copy of the shipped checks folder with the example added, exactly as the doc says."""
    checks = tmp_path / "checks"
    shutil.copytree(ROOT / "audit_lib" / "checks", checks, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (checks / "retention.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + example("yaml"))
    (checks / "sql" / "RET-EXAMPLE-OLD-PROSPECT.sql").write_text(example("sql"), encoding="utf-8")
    return checks


def test_the_example_is_declared_in_its_area_with_the_shipped_checks(folder):
    checks = load_checks(folder)
    added = next(c for c in checks if c.id == "RET-EXAMPLE-OLD-PROSPECT")
    assert added.area == "retention" and set(added.params) == {"as_of", "prospect_years"}
    assert {c.id for c in checks} == {c.id for c in load_checks()} | {added.id}


def test_the_example_finds_one_day_past_the_deadline_and_not_on_it(folder, audit):
    persons = [
        {"person_id": "on-deadline", "subject_type": "prospect", "collected_at": "2023-10-31"},
        {"person_id": "one-day-past", "subject_type": "prospect", "collected_at": "2023-10-30"},
        {"person_id": "customer", "subject_type": "customer", "collected_at": "2015-01-01"},
    ]
    added = [c for c in load_checks(folder) if c.id == "RET-EXAMPLE-OLD-PROSPECT"]
    with audit.extract({"persons": persons}) as ex:
        results = run_checks(ex, added)
    found = results.of("RET-EXAMPLE-OLD-PROSPECT")
    assert set(found["record_id"]) == {"one-day-past"}
    assert found["observed"].tolist() == ["prospect collected 2023-10-30; deadline 2026-10-30"]
    assert results.status["RET-EXAMPLE-OLD-PROSPECT"]["status"] == "ran"


def test_the_payment_data_view_lists_the_checks_its_declarations_name():
    from audit_lib.checks import checks_in
    from audit_lib.insights.rights import PAYMENT_CHECKS

    assert (
        set(PAYMENT_CHECKS)
        == {c.id for c in checks_in("payment_data")}
        == {"SEC-CVV-STORED", "SEC-PAN-UNMASKED", "RET-CARD-DATA"}
    )
