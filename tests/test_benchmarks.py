"""Smoke test of the benchmark harness at scale S: every tool runs and is recorded (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TOOLS = {"check", "report", "floor", "pandas", "reopen"}


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, fresh_sample) -> Path:
    """The benchmark's extract cache holding the session's scale-S sample (not generated again)."""
    folder = tmp_path_factory.mktemp("bench_data")
    (folder / "S").symlink_to(fresh_sample, target_is_directory=True)
    (folder / "S.json").write_text(json.dumps({"scale": "S", "seed": 42, "period": "2026-10"}))
    return folder


def bench(out: Path, data_dir: Path, *extra: str) -> dict:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--scales",
            "S",
            "--repeat",
            "1",
            "--max-wait",
            "0",
            "--data-dir",
            str(data_dir),
            "--out",
            str(out),
            *extra,
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def smoke(tmp_path_factory, data_dir) -> dict:
    return bench(tmp_path_factory.mktemp("bench") / "results.json", data_dir)


def test_smoke_run_at_s_records_every_tool_ok(smoke):
    by_tool = {r["tool"]: r for r in smoke["results"] if r["scale"] == "S"}
    assert set(by_tool) == TOOLS
    for tool, record in by_tool.items():
        assert record["status"] == "ok", (tool, record["runs"])
        assert record["wall_s"] > 0 and record["peak_rss_mib"] > 0, tool


def test_the_check_run_is_compared_with_the_answer_key(smoke):
    check = next(r for r in smoke["results"] if r["tool"] == "check")
    assert check["answer_key"] == {"matches": True, "extra": [], "missing": [], "extra_count": 0, "missing_count": 0}


def test_an_existing_results_file_is_not_replaced(tmp_path):
    out = tmp_path / "results.json"
    out.write_text("{}")
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--scales", "S", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "exists: name another --out, or pass --overwrite" in run.stderr
    assert out.read_text() == "{}"


def test_an_answer_key_difference_is_named(tmp_path):
    from benchmarks.answer_key import compare

    header = "check_id,record_id,count\n"
    (tmp_path / "key.csv").write_text(header + "DQ-MISSING-REQUIRED,row:1000095,1\nRET-X,P1,2\n")
    (tmp_path / "findings.csv").write_text(header + "DQ-MISSING-REQUIRED,row:452541,1\nRET-X,'P1,2\n")
    assert compare(tmp_path / "findings.csv", tmp_path / "key.csv") == {
        "matches": False,
        "extra": [["DQ-MISSING-REQUIRED", "row:452541", 1]],
        "missing": [["DQ-MISSING-REQUIRED", "row:1000095", 1]],
        "extra_count": 1,
        "missing_count": 1,
    }


def test_machine_and_versions_are_recorded(smoke):
    assert smoke["machine"]["nproc"] > 0 and smoke["machine"]["memory_gib"] > 0
    assert {"python", "duckdb", "pandas"} <= set(smoke["versions"])
    assert smoke["extracts"]["S"]["bytes"] > 0


def test_report_sizes_are_measured_beyond_plotly_js(smoke):
    report = next(r for r in smoke["results"] if r["tool"] == "report")
    pages = {h["file"]: h for h in report["html"]}
    assert "index.html" in pages and len(pages) > 1
    for page in pages.values():
        assert page["beyond_plotly_bytes"] == page["bytes"] - page["plotly_js_bytes"] > 0
    assert pages["02_retention.html"]["plotly_js_copies"] == 1  # the audit's own bundle, once
    assert report["folder_bytes"] > sum(p["bytes"] for p in pages.values())  # notebooks and findings too


KEY_DIFFERS = {"matches": False, "extra_count": 1, "missing_count": 1, "missing": [["DQ-X", "row:2", 1]]}


def test_targets_table_says_which_round_two_targets_are_met():
    from benchmarks.tables import render

    def rec(scale, tool, wall, mib=100.0, **extra):
        return {"scale": scale, "tool": tool, "wall_s": wall, "peak_rss_mib": mib, "status": "ok", "repeat": 1, **extra}

    doc = {
        "results": [
            rec("S", "check", 1.0, answer_key={"matches": True}),
            rec("S", "pandas", 1.5),
            rec("S", "report", 9.0, folder_bytes=10_400_000),
            rec("M", "check", 11.0, answer_key=KEY_DIFFERS),
            rec("M", "floor", 10.0),
            rec("L", "check", 130.0),
            rec("L", "floor", 100.0),
            rec("L", "report", 59.0, mib=3500.0, folder_bytes=12_500_000),
            rec("XL", "check", 900.0, mib=2048.0),
        ]
    }
    table = render([doc]).split("\n\n")[1].splitlines()[2:]
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ")[2] for line in table}
    assert rows == {
        "check ≤ 1.2× the floor at M": "yes",
        "check ≤ 1.2× the floor at L": "**no**",
        "check faster than pandas at S": "yes",
        "report ≤ 8 s at S": "**no**",
        "report ≤ 60 s at L": "yes",
        "report peak memory ≤ 3 GB at L": "**no**",
        "month folder ≤ 12 MB at S": "yes",
        "month folder ≤ 12 MB at L": "**no**",
        "findings match the answer key at S": "yes",
        "findings match the answer key at M": "**no**",
        "check finishes at XL (1 billion log rows), time and peak recorded": "yes",
    }


def test_pandas_out_of_memory_at_the_cap_is_recorded_not_raised(tmp_path, data_dir):
    record = bench(tmp_path / "results.json", data_dir, "--tools", "pandas", "--pandas-cap-gb", "0.3")["results"][0]
    assert (record["tool"], record["status"], record["memory_cap_gib"]) == ("pandas", "oom", 0.3)


def test_the_xl_builder_grows_the_logs_to_the_rows_asked_and_check_runs_on_them(tmp_path):
    """XL is L with a billion log rows; the same builder on S with 10,000 more rows, checked end to end."""
    from audit_lib.sample.generate import generate
    from benchmarks.xl import build

    s_rows = generate(tmp_path / "s", "S", 42, "2026-10")["rows"]["connection_logs"]
    info = build(tmp_path / "xl", rows=s_rows + 10_000, base="S")
    extra = info["connection_logs_rows"] - s_rows
    assert len(list((tmp_path / "xl" / "connection_logs" / "xl").glob("*.csv"))) == 13  # a year and a month
    assert abs(extra - 10_000) < 200  # days keep their weekday rhythm: the total is close, not exact
    cmd = [sys.executable, "-m", "audit_lib.cli", "check", "--data", str(tmp_path / "xl"), "--period", "2026-10"]
    subprocess.run([*cmd, "--out", str(tmp_path / "out"), "--quiet"], check=True, capture_output=True, cwd=REPO)
    rows = {i["path"]: i["rows"] for i in json.loads((tmp_path / "out" / "manifest.json").read_text())["inputs"]}
    assert sum(n for p, n in rows.items() if p.startswith("connection_logs/")) == s_rows + extra  # exact
