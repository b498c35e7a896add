"""The triage register: decisions change the open counts as stated; an expired acceptance reopens.

Runs the checks once on a copy of the sample (the register lives beside the extract, never in sample_data).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from audit_lib import cli, triage
from audit_lib.commands import audit_to_folder
from audit_lib.insights import summary
from audit_lib.nb import Run
from audit_lib.policy import load_policy
from conftest import ROOT

SAMPLE = ROOT / "sample_data"
HAS_SAMPLE = SAMPLE.is_dir() and any(p.name.startswith("persons") for p in SAMPLE.iterdir())
pytestmark = pytest.mark.skipif(not HAS_SAMPLE, reason="sample_data not generated")
AS_OF = dt.date(2026, 10, 31)
HEADER = triage.FIELDS


def write_register(folder: Path, rows: list[dict]) -> Path:
    path = folder / "triage.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """A copy of the sample and its findings with no register."""
    folder = tmp_path_factory.mktemp("triage") / "extract"
    shutil.copytree(SAMPLE, folder)
    results, _ = audit_to_folder(folder, AS_OF, None, folder.parent / "run0", quiet=True)
    return folder, results.findings


def run_with(folder: Path, rows: list[dict], name: str) -> Run:
    write_register(folder, rows)
    out = folder.parent / name
    audit_to_folder(folder, AS_OF, None, out, quiet=True)
    return Run(data=folder, as_of=AS_OF, policy=load_policy(), run_dir=out)


def test_decisions_change_the_open_counts_as_stated(base):
    folder, findings = base
    high = findings[findings["severity"] == "high"].sort_values("finding_id")
    accepted, false_pos = high["finding_id"].iloc[:2].tolist(), high["finding_id"].iloc[2]
    check = "RET-CONNECTION-LOG-1Y"
    rows = [
        *(
            {
                "finding_id": f,
                "status": "accepted_risk",
                "reason": "contract renegotiated",
                "decided_by": "DPO",
                "decided_at": "2026-10-15",
                "expires": "2027-03-31",
            }
            for f in accepted
        ),
        {
            "finding_id": false_pos,
            "status": "false_positive",
            "reason": "record is a test account",
            "decided_by": "DPO",
            "decided_at": "2026-10-20",
        },
        {
            "check_id": check,
            "record_pattern": "2025-*",
            "status": "in_remediation",
            "owner": "IT operations",
            "due": "2026-12-15",
        },
    ]
    run = run_with(folder, rows, "run1")
    counts = summary.triage_counts(run)
    n_logs_2025 = int(
        findings[(findings["check_id"] == check) & findings["record_id"].str.startswith("2025-")].shape[0]
    )
    assert n_logs_2025 >= 1
    assert counts == {
        "open": len(findings) - 3 - n_logs_2025,
        "in_remediation": n_logs_2025,
        "reopened": 0,
        "accepted_risk": 2,
        "false_positive": 1,
    }
    assert len(summary.open_findings(run)) == len(findings) - 3
    lights = summary.traffic_lights(run, by="area")
    assert int(lights["high"].sum()) == int((findings["severity"] == "high").sum()) - 3
    apart = summary.decided_apart(run, "")
    assert sorted(apart["status"]) == ["accepted risk", "accepted risk", "false positive"]
    assert set(apart.loc[apart["status"] == "accepted risk", "until"]) == {"2027-03-31"}
    reg = summary.working_register(run)
    remed = reg[reg["triage"] == "in_remediation"]
    assert set(remed["owner"]) == {"IT operations"} and set(remed["due"]) == {dt.date(2026, 12, 15)}
    assert run.manifest["triage"]["register"]["entries"] == 4


@pytest.mark.parametrize(
    ("as_of", "state", "is_open"),
    [
        (dt.date(2027, 3, 31), "accepted_risk", False),  # on the expiry date the acceptance still holds
        (dt.date(2027, 4, 1), "reopened", True),  # one day past: open again
    ],
)
def test_an_expired_acceptance_reopens(base, as_of, state, is_open):
    _, findings = base
    one = findings.head(1)
    decision = triage.Decision(
        finding_id=one["finding_id"].iloc[0],
        status="accepted_risk",
        reason="r",
        decided_by="DPO",
        decided_at=dt.date(2026, 10, 15),
        expires=dt.date(2027, 3, 31),
    )
    reg = triage.decide(one, [decision], triage.load_owners(SAMPLE), as_of)
    assert reg["triage"].tolist() == [state] and reg["is_open"].tolist() == [is_open]
    if is_open:
        assert reg["triage_reason"].iloc[0].startswith("acceptance expired on 2027-03-31")


def test_owner_and_due_from_the_owners_config_by_severity(base):
    _, findings = base
    owners = triage.load_owners(SAMPLE)  # no owners.yaml in the sample: the shipped one
    reg = triage.decide(findings, [], owners, AS_OF)
    high = reg[reg["severity"] == "high"].iloc[0]
    assert high["owner"] == owners.owners[high["area"]]
    assert high["due"] == AS_OF + dt.timedelta(days=owners.remediation_days["high"])
    assert not reg["overdue"].any()  # first seen today: nothing is overdue yet
    late = triage.decide(
        findings,
        [],
        owners,
        AS_OF + dt.timedelta(days=31),
        pd.Series([AS_OF] * len(findings), index=findings["finding_id"].to_numpy()),
    )
    assert set(late.loc[late["overdue"], "severity"]) == {"high"}  # 31 days > 30 for high, < 60 for medium


def test_template_written_with_the_findings_and_read_back(base):
    folder, findings = base
    out = folder.parent / "run0"
    tpl = pd.read_csv(out / triage.TEMPLATE_NAME, dtype=str, keep_default_na=False)
    assert list(tpl.columns[: len(HEADER)]) == HEADER
    assert set(tpl["finding_id"]) == set(findings["finding_id"])
    assert (tpl["check_title"] != "").all()
    # an untouched template is a valid, empty register
    other = folder.parent / "tpl"
    other.mkdir()
    shutil.copy(out / triage.TEMPLATE_NAME, other / "triage.csv")
    assert triage.load_register(other) == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"finding_id": "abc", "status": "done"},
            "triage.csv, line 2: status: 'done' (expected in_remediation, accepted_risk, false_positive)",
        ),
        (
            {
                "finding_id": "abc",
                "status": "accepted_risk",
                "reason": "r",
                "decided_by": "DPO",
                "decided_at": "2026-10-01",
            },
            "triage.csv, line 2: expires: required for accepted_risk",
        ),
        (
            {"finding_id": "abc", "status": "in_remediation", "due": "15/12/2026"},
            "triage.csv, line 2: due: '15/12/2026' is not a date (expected YYYY-MM-DD)",
        ),
        ({"status": "in_remediation"}, "triage.csv, line 2: finding_id or check_id: one of them is required"),
    ],
)
def test_a_bad_register_row_is_one_line_and_exit_2(tmp_path, capsys, row, message):
    folder = tmp_path / "extract"
    shutil.copytree(SAMPLE, folder)
    write_register(folder, [row])
    code = cli.main(["check", "--data", str(folder), "--as-of", "2026-10-31", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith(f"gdpr-audit: error: {message}")
    assert "Traceback" not in "".join(err)
    assert not (tmp_path / "out" / "findings.csv").exists()


def test_findings_xlsx_is_a_working_register(base):
    from openpyxl import load_workbook

    folder, findings = base
    decided = findings.sort_values("finding_id")["finding_id"].iloc[0]
    run = run_with(
        folder,
        [{"finding_id": decided, "status": "in_remediation", "owner": "Marketing", "due": "2026-12-15"}],
        "run_xlsx",
    )
    book = load_workbook(run.run_dir / "findings.xlsx")
    ws = book["findings"]
    header = [c.value for c in ws[1]]
    assert header[-6:] == ["check title", "owner", "due", "triage status", "first seen", "triage reason"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
    assert all(s.freeze_panes == "A2" and s.auto_filter.ref for s in book.worksheets)
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == len(findings)
    row = rows[decided]
    assert (row["owner"], row["triage status"]) == ("Marketing", "in remediation")
    assert row["due"].date() == dt.date(2026, 12, 15) and row["first seen"].date() == AS_OF
    assert all(r["check title"] for r in rows.values())
    assert 10 <= ws.column_dimensions["A"].width <= 60


def test_a_processing_activity_finding_is_owned_by_the_activity_owner(base):
    folder, findings = base
    # the company's own owners.yaml beside the extract: lawful basis belongs to "Legal" by default
    (folder / "owners.yaml").write_text(
        "owners: {retention: IT, lawful_basis: Legal, transfers: Procurement, rights: Service, breaches: DPO,"
        " security: IT security, data_quality: Data team}\nremediation_days: {high: 10, medium: 20, low: 30}\n",
        encoding="utf-8",
    )
    try:
        run = run_with(folder, [], "run_owner")
        reg = summary.working_register(run).set_index(["check_id", "record_id"])
    finally:
        (folder / "owners.yaml").unlink()
    # sample_data/processing_activities.csv: A103 (Tax audit files) is owned by "Marketing"
    assert reg.loc[("LB-BASIS-MISMATCH", "A103"), "owner"] == "Marketing"
    lb_other = reg[(reg["area"] == "lawful_basis") & (reg["table"] != "processing_activities")]
    assert len(lb_other) > 0 and set(lb_other["owner"]) == {"Legal"}
    high = reg[reg["severity"] == "high"].iloc[0]
    assert high["due"] == AS_OF + dt.timedelta(days=10)  # the company's remediation days
    assert run.manifest["triage"]["owners"]["path"].endswith("owners.yaml")


def test_a_register_alias_bomb_is_one_line_and_exit_2(tmp_path, capsys):
    """The register is a file from outside: read with the same size and alias limits as the policy."""
    from audit_lib.cli import main

    data = tmp_path / "extract"
    shutil.copytree(SAMPLE, data)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    (data / "triage.yaml").write_text(bomb, encoding="utf-8")
    assert main(["check", "--data", str(data), "--period", "2026-10", "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "triage.yaml" in err[0] and "alias" in err[0]


def test_a_register_linked_from_outside_the_extract_is_refused(tmp_path, capsys):
    from audit_lib.cli import main

    data = tmp_path / "extract"
    shutil.copytree(SAMPLE, data)
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("finding_id,status\n", encoding="utf-8")
    (data / "triage.csv").symlink_to(outside)
    assert main(["check", "--data", str(data), "--period", "2026-10", "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "leads outside the extract folder" in err[0]
