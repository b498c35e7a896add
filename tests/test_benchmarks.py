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


def test_pandas_out_of_memory_at_the_cap_is_recorded_not_raised(tmp_path, data_dir):
    record = bench(tmp_path / "results.json", data_dir, "--tools", "pandas", "--pandas-cap-gb", "0.3")["results"][0]
    assert (record["tool"], record["status"], record["memory_cap_gib"]) == ("pandas", "oom", 0.3)
