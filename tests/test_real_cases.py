"""The twelve real-export cases (issue 13): each run with the command a user would naturally give.

The cases live beside the project (``../shared/real_data/cases``, as CI lays them out) and are read
where they lie, never copied into the repository. Each case's ``cases.tsv`` line gives the arguments,
the exit code wanted, and the expected findings compared by the case folder's own ``compare.py``.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

from audit_lib.cli import main

CASES = Path(__file__).resolve().parents[2] / "shared" / "real_data" / "cases"


def _cases() -> list[dict]:
    if not (CASES / "cases.tsv").is_file():  # fail loudly, not skip: CI puts the folder beside the clone
        return [{"case": "cases.tsv missing", "args": "-", "expected_rc": "0", "expected": "-", "only": "-"}]
    with open(CASES / "cases.tsv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _compare():
    spec = importlib.util.spec_from_file_location("real_cases_compare", CASES / "compare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["case"])
def test_real_export_case(case, tmp_path, capsys, monkeypatch):
    assert (CASES / case["case"] / "extract").is_dir(), f"{CASES / case['case']}: case folder not found"
    args = [] if case["args"] == "-" else case["args"].split()
    out = tmp_path / "out"
    rc = main(
        [
            "check",
            "--data",
            str(CASES / case["case"] / "extract"),
            "--period",
            "2026-10",
            "--out",
            str(out),
            "--quiet",
            *args,
        ]
    )
    err = capsys.readouterr().err
    assert rc == int(case["expected_rc"]), err
    assert "Traceback" not in err
    if case["expected"] != "-":
        compare = _compare()
        monkeypatch.setattr(
            sys,
            "argv",
            [
                "compare.py",
                str(CASES / case["case"] / case["expected"]),
                str(out / "findings.csv"),
                "--only",
                case["only"],
            ],
        )
        with pytest.raises(SystemExit) as done:
            compare.main()
        report = capsys.readouterr().out
        assert done.value.code == 0, report
        assert report.splitlines()[-1].startswith("matched ") and ", 0 extra" in report.splitlines()[-1]
