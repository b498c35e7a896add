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


def test_the_command_exits_without_final_collections_and_main_leaves_gc_alone(tmp_path):
    """``entry`` (the console script) freezes the collector before exiting (0.6 s after a report);
    ``main`` freezes the loaded modules while the command runs and unfreezes them when it returns, so a
    process calling it in-process (tests, notebooks) keeps collecting everything."""
    probe = (
        "import atexit, gc, sys\n"
        "from audit_lib import cli, commands\n"
        "atexit.register(lambda: print('FROZEN', gc.get_freeze_count() > 0, flush=True))\n"
        "run = commands.check_command\n"
        "commands.check_command = lambda a: print('DURING', gc.get_freeze_count() > 0, flush=True) or run(a)\n"
        "code = cli.main(sys.argv[1:])\n"
        "print('AFTER_MAIN', gc.get_freeze_count(), code, flush=True)\n"
        "cli.main = lambda: code\n"
        "cli.entry()\n"
    )
    args = [
        "check",
        "--data",
        str(ROOT / "sample_data"),
        "--period",
        "2026-10",
        "--out",
        str(tmp_path / "o"),
        "--quiet",
    ]
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    probed = [line for line in done.stdout.splitlines() if line.startswith(("DURING", "AFTER_MAIN", "FROZEN"))]
    # the loaded modules are frozen while the command runs, given back to the collector when main returns
    assert probed == ["DURING True", "AFTER_MAIN 0 0", "FROZEN True"]
    assert (tmp_path / "o" / "manifest.json").exists()


def test_late_imports_exist_and_a_failing_one_is_left_to_its_importer():
    """The check imports what it needs late (findings.xlsx, the calendar) in a thread while DuckDB reads:
    each name must exist (a renamed module would make the thread useless), and one that fails to import
    does not stop the others: the code that needs it raises and reports it as usual."""
    import importlib.util

    from audit_lib.commands import LATE_IMPORTS, import_meanwhile

    assert [m for m in LATE_IMPORTS if importlib.util.find_spec(m) is None] == []
    thread = import_meanwhile(("audit_lib.no_such_module", "audit_lib.workbook"))
    thread.join(timeout=60)
    assert not thread.is_alive() and "audit_lib.workbook" in sys.modules
