"""Each area's view and the findings agree: a report figure is computed from the relation the check reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audit_lib import nb
from audit_lib.insights import intake, lawful_basis, retention, rights
from audit_lib.policy import load_policy

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def run():
    return nb.Run(data=SAMPLE, as_of=dt.date(2026, 10, 31), policy=load_policy())


def found(run, check_id: str) -> int:
    return len(run.of(check_id))


def test_retention_days_past_deadline_count_the_findings(run):
    days = retention.days_from_deadline(run)
    late = days[days["in_breach"]].groupby("check_id")["records"].sum()
    assert set(late.index) == set(days["check_id"])  # every rule has records past its deadline in the sample
    for check_id, records in late.items():
        assert records == found(run, check_id), check_id


def test_retention_log_volume_counts_the_late_log_rows(run):
    volume = retention.log_volume(run)
    late = volume[volume["state"] == "past the retention period"]
    findings = run.of("RET-CONNECTION-LOG-1Y")
    assert int(late["rows"].sum()) == int(findings["count"].sum()) > 0
    assert {m.strftime("%Y-%m") for m in late["month"]} == set(findings["record_id"])


def test_prospection_coverage_counts_the_consent_and_objection_findings(run):
    cov = lawful_basis.coverage_summary(run).groupby("coverage")["messages"].sum()
    for check_id, label in lawful_basis.SEND_CHECKS.items():
        assert cov.get(label, 0) == found(run, check_id), check_id


def test_breach_register_verdicts_are_the_breach_findings(run):
    register = rights.breach_register(run)
    late = register[register["verdict"].isin(["NOT notified, past the limit", "notified late, no reason"])]
    assert set(late["breach_id"]) == set(run.of("BR-LATE-NOTIFICATION")["record_id"])


def test_card_data_overview_counts_the_payment_findings(run):
    overview = rights.card_data_overview(run).set_index("item")["payments"]
    for check_id in ("SEC-PAN-UNMASKED", "SEC-CVV-STORED", "RET-CARD-DATA"):
        row = next(i for i in overview.index if check_id in i)
        assert overview[row] == found(run, check_id), check_id


def test_data_quality_summary_counts_the_dq_findings(run):
    dq = intake.dq_summary(run).groupby("check_id")["findings"].sum()
    for check_id, n in dq.items():
        assert n == found(run, check_id), check_id
