"""Bad input gets a clear answer: exit 2 with one line naming the file and the problem, or DQ findings.

Never a traceback, and the input files are byte-identical afterwards.
"""

import hashlib
import json
from pathlib import Path

import duckdb

from audit_lib.cli import main
from conftest import write_files as extract

HEADER = "person_id,subject_type,collected_at\n"
GOOD = HEADER + "p1,prospect,2026-01-01\n"


def fingerprints(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(tmp_path: Path, capsys, data: Path, *extra: str) -> tuple[int, str, str]:
    before = fingerprints(data) if data.is_dir() else {}
    code = main(
        ["check", "--data", str(data), "--as-of", "2026-10-31", "--out", str(tmp_path / "out"), "--quiet", *extra]
    )
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if data.is_dir():
        assert fingerprints(data) == before, "input files changed"
    return code, captured.out, captured.err


def one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("gdpr-audit: error: ")
    return lines[0]


def findings(tmp_path: Path) -> list[tuple[str, str]]:
    import pandas as pd

    f = pd.read_csv(tmp_path / "out" / "findings.csv", dtype=str)
    return sorted(zip(f["check_id"], f["record_id"]))


def manifest(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "out" / "manifest.json").read_text())


def test_missing_folder(tmp_path, capsys):
    code, _, err = run(tmp_path, capsys, tmp_path / "nope")
    assert code == 2
    assert "nope: extract folder not found" in one_error_line(err)


def test_data_is_a_file_not_a_folder(tmp_path, capsys):
    f = tmp_path / "persons.csv"
    f.write_text(GOOD)
    code, _, err = run(tmp_path, capsys, f)
    assert code == 2
    assert "persons.csv: not a folder" in one_error_line(err)


def test_empty_file(tmp_path, capsys):
    code, _, err = run(tmp_path, capsys, extract(tmp_path, {"persons.csv": ""}))
    assert code == 2
    assert "persons.csv: file is empty (expected a header row" in one_error_line(err)


def test_header_only_file_is_an_empty_table(tmp_path, capsys):
    code, out, _ = run(tmp_path, capsys, extract(tmp_path, {"persons.csv": HEADER}))
    assert code == 0
    assert findings(tmp_path) == []
    assert [(i["path"], i["rows"]) for i in manifest(tmp_path)["inputs"]] == [("persons.csv", 0)]


def test_missing_required_column(tmp_path, capsys):
    data = extract(tmp_path, {"persons.csv": "person_id,collected_at\np1,2026-01-01\n"})
    code, _, err = run(tmp_path, capsys, data)
    assert code == 2
    assert "persons.csv: missing required column 'subject_type'" in one_error_line(err)


def test_unknown_extension(tmp_path, capsys):
    code, _, err = run(tmp_path, capsys, extract(tmp_path, {"persons.docx": "hello"}))
    assert code == 2
    assert "persons.docx: unknown table format '.docx'" in one_error_line(err)


def test_cp1252_file_is_transcoded_and_recorded(tmp_path, capsys):
    content = (
        HEADER.replace("\n", ",company\n") + "p1,prospect,2026-01-01,Caf\xe9 \u20ac\u201cquoted\u201d\n"
        "p2,Prospect,2026-13-01,x\n"
    ).encode("cp1252")
    code, _, _ = run(tmp_path, capsys, extract(tmp_path, {"persons.csv": content}))
    assert code == 0
    assert findings(tmp_path) == [("DQ-INVALID-VALUE", "p2")]
    assert manifest(tmp_path)["inputs"][0]["encoding"] == "cp1252"


def test_semicolon_separator(tmp_path, capsys):
    code, _, _ = run(
        tmp_path, capsys, extract(tmp_path, {"persons.csv": GOOD.replace(",", ";") + "p2;lead;2026-01-01\n"})
    )
    assert code == 0
    assert findings(tmp_path) == [("DQ-INVALID-VALUE", "p2")]
    assert manifest(tmp_path)["inputs"][0]["delimiter"] == ";"


def test_utf8_bom(tmp_path, capsys):
    code, _, _ = run(tmp_path, capsys, extract(tmp_path, {"persons.csv": b"\xef\xbb\xbf" + GOOD.encode()}))
    assert code == 0
    assert manifest(tmp_path)["inputs"][0]["encoding"] == "utf-8-sig"
    assert manifest(tmp_path)["inputs"][0]["rows"] == 1


def test_xlsx_table(tmp_path, capsys):
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Person_ID", "subject_type", "collected_at"])
    ws.append(["000123", "prospect", dt.datetime(2026, 1, 1)])
    ws.append(["p2", "prospect", dt.datetime(2027, 1, 1)])
    folder = extract(tmp_path, {})
    wb.save(folder / "persons.xlsx")
    code, _, _ = run(tmp_path, capsys, folder)
    assert code == 0
    assert findings(tmp_path) == [("DQ-FUTURE-DATE", "p2")]


def test_truncated_parquet(tmp_path, capsys):
    folder = extract(tmp_path, {})
    duckdb.execute(
        f"COPY (SELECT 'p1' AS person_id, 'prospect' AS subject_type, DATE '2026-01-01' AS collected_at) "
        f"TO '{folder / 'persons.parquet'}' (FORMAT parquet)"
    )
    data = (folder / "persons.parquet").read_bytes()
    (folder / "persons.parquet").write_bytes(data[: len(data) // 2])
    code, _, err = run(tmp_path, capsys, folder)
    assert code == 2
    assert "persons.parquet: unreadable Parquet" in one_error_line(err)


def test_parquet_table_with_native_types(tmp_path, capsys):
    folder = extract(tmp_path, {})
    duckdb.execute(
        f"COPY (SELECT 'p1' AS person_id, 'prospect' AS subject_type, DATE '2027-01-01' AS collected_at) "
        f"TO '{folder / 'persons.parquet'}' (FORMAT parquet)"
    )
    code, _, _ = run(tmp_path, capsys, folder)
    assert code == 0
    assert findings(tmp_path) == [("DQ-FUTURE-DATE", "p1")]


def test_a_10_mb_single_field_is_read(tmp_path, capsys):
    big = "x" * (10 * 1024 * 1024)
    data = extract(tmp_path, {"persons.csv": HEADER.replace("\n", ",company\n") + f"p1,prospect,2026-01-01,{big}\n"})
    code, _, _ = run(tmp_path, capsys, data)
    assert code == 0
    assert manifest(tmp_path)["inputs"][0]["rows"] == 1


def test_a_long_line_in_one_file_of_a_folder_is_read_and_counted(tmp_path, capsys):
    """Files are read with DuckDB's default line limit (2 MB); a file with a longer line is read again
    with the wide one, the folder's other files as before."""
    logs = "ts,ip,person_id,event,user_agent\n"
    data = extract(
        tmp_path,
        {
            "persons.csv": GOOD,
            "connection_logs/2026-09.csv": logs + "2026-09-01T10:00:00Z,,p1,login,\n" * 2,
            "connection_logs/2026-10.csv": logs + f"2026-10-01T10:00:00Z,,p1,login,{'a' * 3 * 1024 * 1024}\n",
        },
    )
    code, _, _ = run(tmp_path, capsys, data)
    assert code == 0
    rows = {Path(i["path"]).name: i["rows"] for i in manifest(tmp_path)["inputs"]}
    assert rows == {"persons.csv": 1, "2026-09.csv": 2, "2026-10.csv": 1}


def test_binary_garbage(tmp_path, capsys):
    code, _, err = run(tmp_path, capsys, extract(tmp_path, {"persons.csv": bytes(range(256)) * 40}))
    assert code == 2
    assert "persons.csv: not a text file" in one_error_line(err)


def test_ragged_row_names_the_line(tmp_path, capsys):
    code, _, err = run(
        tmp_path, capsys, extract(tmp_path, {"persons.csv": GOOD + "p2,prospect,2026-01-01,extra,more\n"})
    )
    assert code == 2
    line = one_error_line(err)
    assert "persons.csv: unreadable CSV (line 3" in line


def test_unclosed_quote(tmp_path, capsys):
    code, _, err = run(tmp_path, capsys, extract(tmp_path, {"persons.csv": GOOD + 'p2,"prospect,2026-01-01\n'}))
    assert code == 2
    assert "persons.csv: unreadable CSV" in one_error_line(err)


def test_xlsx_that_is_not_a_workbook(tmp_path, capsys):
    code, _, err = run(tmp_path, capsys, extract(tmp_path, {"persons.xlsx": "just text"}))
    assert code == 2
    assert "persons.xlsx: unreadable XLSX" in one_error_line(err)


def test_broken_json_lines(tmp_path, capsys):
    data = extract(
        tmp_path,
        {
            "persons.jsonl": '{"person_id": "p1", "subject_type": "prospect", "collected_at": "2026-01-01"}\n{"person_id": \n'
        },
    )
    code, _, err = run(tmp_path, capsys, data)
    assert code == 2
    assert "persons.jsonl: unreadable JSON Lines" in one_error_line(err)


def test_json_lines_table(tmp_path, capsys):
    data = extract(
        tmp_path,
        {
            "persons.jsonl": '{"person_id": "p1", "subject_type": "prospect", "collected_at": "2026-01-01"}\n'
            '{"person_id": "p2", "subject_type": "other", "collected_at": "2026-01-01"}\n'
        },
    )
    code, _, _ = run(tmp_path, capsys, data)
    assert code == 0
    assert findings(tmp_path) == [("DQ-INVALID-VALUE", "p2")]


def test_table_given_twice(tmp_path, capsys):
    code, _, err = run(tmp_path, capsys, extract(tmp_path, {"persons.csv": GOOD, "persons.jsonl": "{}\n"}))
    assert code == 2
    assert "table persons is given more than once (persons.csv, persons.jsonl)" in one_error_line(err)


def test_folder_mixing_formats(tmp_path, capsys):
    data = extract(
        tmp_path, {"connection_logs/a.csv": "ts\n2026-01-01\n", "connection_logs/b.jsonl": '{"ts": "2026-01-01"}\n'}
    )
    code, _, err = run(tmp_path, capsys, data)
    assert code == 2
    assert "connection_logs: folder mixes formats (csv, jsonl)" in one_error_line(err)


def test_duplicate_column_in_header(tmp_path, capsys):
    code, _, err = run(
        tmp_path,
        capsys,
        extract(
            tmp_path, {"persons.csv": "person_id,subject_type,collected_at,Person_ID\np1,prospect,2026-01-01,p1\n"}
        ),
    )
    assert code == 2
    assert "column 'person_id' appears twice" in one_error_line(err)


def test_objections_without_person_or_email_column(tmp_path, capsys):
    data = extract(tmp_path, {"objections.csv": "objection_id,scope,registered_at\no1,email,2026-01-01\n"})
    code, _, err = run(tmp_path, capsys, data)
    assert code == 2
    assert "objections.csv: needs one of the columns person_id or email" in one_error_line(err)


def test_invalid_policy_file_names_the_key(tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text("policy: [unclosed\n")
    code, _, err = run(tmp_path, capsys, extract(tmp_path, {"persons.csv": GOOD}), "--policy", str(policy))
    assert code == 2
    assert "policy.yaml" in one_error_line(err)


def test_malformed_period(tmp_path, capsys):
    code = main(
        [
            "check",
            "--data",
            str(extract(tmp_path, {"persons.csv": GOOD})),
            "--period",
            "2026-13",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--period '2026-13': expected a month YYYY-MM" in one_error_line(err)


def test_cp1252_bytes_after_the_first_64_kb_are_still_read(tmp_path, capsys):
    rows = "".join(f"p{i},prospect,2026-01-01,Company {i}\n" for i in range(4000))
    content = (HEADER.replace("\n", ",company\n") + rows + "p9999,prospect,2026-01-01,Caf\xe9 \u20ac\n").encode(
        "cp1252"
    )
    assert len(content) > 70_000
    code, _, _ = run(tmp_path, capsys, extract(tmp_path, {"persons.csv": content}))
    assert code == 0
    assert manifest(tmp_path)["inputs"][0]["encoding"] == "cp1252"
    assert manifest(tmp_path)["inputs"][0]["rows"] == 4001


def test_ragged_row_in_a_log_folder_names_the_file(tmp_path, capsys):
    data = extract(
        tmp_path,
        {
            "connection_logs/2026-01.csv": "ts,ip\n2026-01-01T10:00:00Z,x\n",
            "connection_logs/2026-02.csv": "ts,ip\n2026-02-01T10:00:00Z,x\n2026-02-02T10:00:00Z,x,y\n",
        },
    )
    code, _, err = run(tmp_path, capsys, data)
    assert code == 2
    assert (
        "connection_logs/2026-02.csv: unreadable CSV (line 3: Expected Number of Columns: 2 Found: 3)"
        in one_error_line(err)
    )


def test_rows_are_counted_per_file_of_a_folder(tmp_path, capsys):
    data = extract(
        tmp_path,
        {
            "connection_logs/2026-01.csv": "ts\n2026-01-01T10:00:00Z\n2026-01-02T10:00:00Z\n",
            "connection_logs/2026-02.csv": "ts;ip\n2026-02-01T10:00:00Z;x\n",
        },
    )
    code, _, _ = run(tmp_path, capsys, data)
    assert code == 0
    assert [(i["path"], i["rows"], i["delimiter"]) for i in manifest(tmp_path)["inputs"]] == [
        ("connection_logs/2026-01.csv", 2, ","),
        ("connection_logs/2026-02.csv", 1, ";"),
    ]
