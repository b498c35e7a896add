"""A check's notebook section comes from its declaration: adding a check needs no notebook edit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from audit_lib import nb
from audit_lib.checks import load_areas, load_checks
from audit_lib.policy import load_policy

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def code_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_every_area_has_a_notebook_cell_showing_its_remaining_checks():
    code = {p.name: code_of(p) for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
    for area in load_areas():
        holders = [name for name, src in code.items() if "nb.other_checks(run" in src and f'"{area.id}"' in src]
        assert holders, f"no notebook shows the remaining checks of area {area.id}"


@pytest.fixture(scope="module")
def shared_run():
    return nb.Run(data=SAMPLE, as_of=dt.date(2026, 10, 31), policy=load_policy())


@pytest.fixture
def run(shared_run):
    shared_run.shown.clear()  # each test is a fresh notebook: nothing shown yet
    return shared_run


def test_a_check_without_a_section_of_its_own_gets_its_box_and_findings(run):
    html = nb.other_checks(run, "rights")
    rights = [c for c in load_checks() if c.area == "rights"]
    for check in rights:
        assert f"· {check.id}</small>" in html  # the box names the check; its findings table follows
    assert html.count("<div class='check") == len(rights)


def test_a_check_shown_by_a_section_is_not_repeated(run):
    nb.check_box(run, "DSR-OVERDUE")
    html = nb.other_checks(run, "rights")
    assert "· DSR-OVERDUE</small>" not in html and "· DSR-RESTRICTION-NOT-HONOURED</small>" in html
