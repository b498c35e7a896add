"""The auditor's API on the sample: explain, rows (record-level and aggregated), diff, seeded sample."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from audit_lib import auditor
from audit_lib.commands import audit_to_folder
from conftest import ROOT

SAMPLE = ROOT / "sample_data"
HAS_SAMPLE = SAMPLE.is_dir() and any(p.name.startswith("persons") for p in SAMPLE.iterdir())
pytestmark = pytest.mark.skipif(not HAS_SAMPLE, reason="sample_data not generated")


@pytest.fixture(scope="module")
def audit(tmp_path_factory) -> auditor.Auditor:
    out = tmp_path_factory.mktemp("auditor") / "2026-10"
    audit_to_folder(SAMPLE, dt.date(2026, 10, 31), None, out, quiet=True)
    return auditor.open_audit(str(SAMPLE), "2026-10-31", run_dir=str(out))


def finding(audit, check_id: str, record_id: str):
    f = audit.findings
    return f[(f["check_id"] == check_id) & (f["record_id"] == record_id)].iloc[0]


def test_rows_of_a_record_level_finding(audit):
    rows = audit.rows(finding(audit, "DSR-OVERDUE", "RQ90004"))
    assert rows["request_id"].tolist() == ["RQ90004"]
    assert [Path(p).name for p in rows["source_file"]] == ["rights_requests.csv"] and rows["source_row"].iloc[0] >= 1


def test_explain_a_record_level_finding(audit):
    e = audit.explain(finding(audit, "DSR-OVERDUE", "RQ90004")["finding_id"])
    assert e.finding["record_id"] == "RQ90004" and e.title.startswith("A rights request was answered late")
    assert e.quote.startswith("Wij zullen u de gevraagde informatie") and e.policy_ref == "§9.1"
    assert e.clock["as of"] == "2026-10-31" and e.clock["time zone"] == "Europe/Brussels"
    assert e.clock["end of the as-of day"] == "2026-11-01T00:00:00+01:00"
    assert e.clock["dsr_response_months"] == 1 and e.clock["received_at"].startswith("2026-08-26")
    assert "RQ90004" in e._repr_html_()


def test_rows_of_a_connection_log_month(audit):
    f = finding(audit, "RET-CONNECTION-LOG-1Y", "2024-02")
    rows = audit.rows(f)
    assert len(rows) == int(f["count"]) == 8
    assert {str(t)[:7] for t in rows["ts"]} == {"2024-02"}
    assert "ip" not in rows.columns  # personal data left out unless asked for
    assert "ip" in audit.rows(f, personal=True).columns
    e = audit.explain(f["finding_id"])
    assert e.clock["connection_log_years"] == 1 and e.clock["last ts"].startswith("2024-02-29")


def test_rows_of_a_ropa_gap(audit):
    rows = audit.rows(finding(audit, "LB-ROPA-GAP", "social_interactions")["finding_id"])
    assert set(rows["purpose_id"]) == {"social_interactions"}
    assert set(rows["basis"]) == {"legitimate_interests"} and set(rows["register_activities"]) == {0}


def test_explain_breach_cites_the_authority_sentence_and_the_policy_note(audit):
    f = audit.findings[audit.findings["check_id"] == "BR-LATE-NOTIFICATION"].iloc[0]
    e = audit.explain(f["finding_id"])
    assert e.quote == "De bevoegde autoriteiten in het geval van een inbreuk en/of geschil." and e.policy_ref == "§5"
    assert "informatie verstrekken" not in e.quote and "authority is the law's" in e.policy_note


def test_unknown_finding_is_one_line(audit):
    with pytest.raises(auditor.AuditorError, match="^no finding nope in the run of 2026-10-31$"):
        audit.explain("nope")


def test_diff_between_two_audit_dates(audit):
    d = audit.diff("2026-09-30", "2026-10-31")
    log = d[(d["check_id"] == "RET-CONNECTION-LOG-1Y")].set_index("record_id")["change"].to_dict()
    # October 2025's logs are past the one-year period only after 30 October 2026
    assert log == {"2024-02": "on both dates", "2025-09": "on both dates", "2025-10": "only on 2026-10-31"}


def test_seeded_sample_is_repeatable_stratified_and_written_to_the_manifest(audit):
    first = audit.sample(25, seed=7, stratify="severity")
    again = audit.sample(25, seed=7, stratify="severity")
    assert len(first) == 25 and first["finding_id"].tolist() == again["finding_id"].tolist()
    assert audit.sample(25, seed=8, stratify="severity")["finding_id"].tolist() != first["finding_id"].tolist()
    counts = first["severity"].value_counts().to_dict()
    share = audit.findings["severity"].value_counts(normalize=True)
    assert all(abs(counts[s] - 25 * share[s]) < 1 for s in share.index)  # proportional per severity
    manifest = json.loads((audit.run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["samples"][0]
    assert (entry["n"], entry["seed"], entry["stratify"]) == (25, 7, "severity")
    assert entry["finding_ids"] == first["finding_id"].tolist()
    assert entry["population"] == len(audit.findings)


def test_rows_of_a_log_folder_name_their_month_file(audit):
    rows = audit.rows(finding(audit, "RET-CONNECTION-LOG-1Y", "2024-02"))
    assert {Path(p).name for p in rows["source_file"]} == {"2024-02.csv"}


def test_rows_of_a_parquet_table_name_their_file(tmp_path):
    """A table given as Parquet: its rows name the file and their row in it, as a CSV's do."""
    import duckdb

    data = tmp_path / "extract"
    shutil.copytree(SAMPLE, data)
    csv_path = data / "rights_requests.csv"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar=true)) TO '{data / 'rights_requests.parquet'}'")
    csv_path.unlink()
    out = tmp_path / "2026-10"
    audit_to_folder(data, dt.date(2026, 10, 31), None, out, quiet=True)
    parquet = auditor.open_audit(str(data), "2026-10-31", run_dir=str(out))
    rows = parquet.rows(finding(parquet, "DSR-OVERDUE", "RQ90004"))
    assert [Path(p).name for p in rows["source_file"]] == ["rights_requests.parquet"]
    expected = next(i for i, line in enumerate(csv_lines(SAMPLE / "rights_requests.csv")) if "RQ90004" in line)
    assert rows["source_row"].tolist() == [expected]


def csv_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()
