"""Lifecycle that cannot lie: a finding whose check did not run is "not checked", never "resolved".

The audit runs once per period with ``audit_to_folder`` (no notebooks): the landing page is built from
those folders directly, which is what ``gdpr-audit report`` does after the notebooks.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from audit_lib.commands import audit_to_folder
from audit_lib.insights import summary
from audit_lib.nb import Run
from audit_lib.policy import load_policy
from audit_lib.report_html import index_html
from conftest import ROOT

SAMPLE = ROOT / "sample_data"
HAS_SAMPLE = SAMPLE.is_dir() and any(p.name.startswith("persons") for p in SAMPLE.iterdir())
pytestmark = pytest.mark.skipif(not HAS_SAMPLE, reason="sample_data not generated")
DROPPED = ("rights_requests", "breaches")


def _period(data: Path, as_of: dt.date, out: Path) -> Run:
    folder = out / f"{as_of:%Y-%m}"
    audit_to_folder(data, as_of, None, folder, quiet=True)
    return Run(data=data, as_of=as_of, policy=load_policy(), run_dir=folder)


@pytest.fixture(scope="module")
def shrunk(tmp_path_factory) -> tuple[Run, Run, Path]:
    """2026-10 from the sample, 2026-11 from the same sample without rights_requests and breaches."""
    base = tmp_path_factory.mktemp("life")
    out = base / "reports"
    smaller = base / "extract-2026-11"
    shutil.copytree(SAMPLE, smaller)
    for name in DROPPED:
        (smaller / f"{name}.csv").unlink()
    october = _period(SAMPLE, dt.date(2026, 10, 31), out)
    november = _period(smaller, dt.date(2026, 11, 30), out)
    return october, november, out


def test_checks_that_did_not_run_are_not_checked_never_resolved(shrunk):
    october, november, out = shrunk
    life = summary.lifecycle(november, out)
    dropped_checks = {c for c, s in november.manifest["checks"].items() if s["status"] != "ran"}
    assert {c.split("-")[0] for c in dropped_checks} >= {"DSR", "BR"}
    gone = life[life["check_id"].isin(dropped_checks)]
    before = october.findings[october.findings["check_id"].isin(dropped_checks)]
    assert len(before) > 0  # the sample has rights and breach findings in October
    assert set(gone["status"]) == {"not checked"}
    assert len(gone) == len(before)
    assert "resolved" not in set(life.loc[life["check_id"].str.match(r"^(DSR|BR)-"), "status"])


def test_resolved_counts_only_checks_that_ran(shrunk):
    _, november, out = shrunk
    counts = dict(zip(*summary.lifecycle_counts(november, out)[["status", "findings"]].T.to_numpy()))
    life = summary.lifecycle(november, out)
    resolved = life[life["status"] == "resolved"]
    assert all(november.status(c) == "ran" for c in resolved["check_id"])
    assert counts["resolved"] == len(resolved)
    assert counts["not checked"] == int((life["status"] == "not checked").sum()) > 0


def test_landing_page_warns_at_the_top_about_missing_tables_and_checks(shrunk):
    _, november, out = shrunk
    lost = summary.coverage_lost(november, out)
    assert lost["tables"] == sorted(DROPPED)
    # every check that needs one of the two tables, RET-ID-DOCUMENT (rights_requests) included
    assert set(lost["checks"]) == {c for c, s in november.manifest["checks"].items() if s["status"] != "ran"}
    assert {"DSR-OVERDUE", "BR-LATE-NOTIFICATION", "RET-ID-DOCUMENT"} <= set(lost["checks"])
    page = index_html(november, {}, out)
    warning = page.index("Less was checked than in 2026-10")
    assert warning < page.index("<h2>")  # above every section
    assert "breaches, rights_requests" in page[warning : warning + 400]


def test_no_warning_when_the_scope_is_unchanged(shrunk, tmp_path):
    october, _, out = shrunk
    again = _period(SAMPLE, dt.date(2026, 11, 30), tmp_path / "reports")
    shutil.copytree(out / "2026-10", tmp_path / "reports" / "2026-10")
    assert summary.coverage_lost(again, tmp_path / "reports") == {"tables": [], "checks": []}
    assert summary.coverage_warning_html(again, tmp_path / "reports") == ""
    life = summary.lifecycle(again, tmp_path / "reports")
    assert "not checked" not in set(life["status"])


def test_connection_log_month_followed_as_one_problem(shrunk):
    october, november, out = shrunk
    life = summary.lifecycle(november, out)
    logs = life[life["check_id"] == "RET-CONNECTION-LOG-1Y"]
    assert len(october.of("RET-CONNECTION-LOG-1Y")) > 0
    # the overdue months differ between October and November, but the problem is the same one
    assert set(logs["status"]) == {"still open"}
