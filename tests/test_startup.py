"""`gdpr-audit check` imports only what the command needs (start-up counts at scale S, issue 17)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# report-only packages: charts, notebook execution and HTML export, the sample generator
REPORT_ONLY = (
    "plotly",
    "papermill",
    "nbconvert",
    "nbformat",
    "jupyter_client",
    "ipykernel",
    "IPython",
    "faker",
    "jinja2",
    "zmq",
    "tornado",
)

PROBE = """
import sys
from audit_lib.cli import main
code = main(["check", "--data", sys.argv[1], "--period", "2026-10", "--out", sys.argv[2], "--quiet"])
print("EXIT", code)
print("MODULES", " ".join(sorted({m.split(".")[0] for m in sys.modules})))
"""


def test_check_imports_no_report_package(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "sample_data"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if line.startswith(("EXIT", "MODULES")))
    assert lines["EXIT"] == "0", done.stderr[-2000:]
    loaded = set(lines["MODULES"].split())
    assert "duckdb" in loaded and "openpyxl" in loaded  # the probe did run the whole check (findings.xlsx)
    assert sorted(loaded & set(REPORT_ONLY)) == []
    assert (tmp_path / "out" / "findings.xlsx").exists()
