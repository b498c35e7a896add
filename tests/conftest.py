"""Shared fixtures: write a tiny extract from Python rows and run checks on it; the session's sample and report.

Expensive things happen once per session: the sample is generated once (``fresh_sample``) and rendered
once (``sample_report``) for the report, browser and benchmark tests. The interactive cache is off in
this process, and the notebook kernels the tests start keep theirs in a session folder, never in the
user's ``~/.cache``.
"""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from audit_lib import cache
from audit_lib.checks import load_checks
from audit_lib.extract import Extract
from audit_lib.run import run_check, run_checks

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"  # the shared fixtures beside the project (CI puts them there too)
SAMPLE = ROOT / "sample_data"

cache.configure(None)
_KERNEL_CACHE = tempfile.mkdtemp(prefix="gdpr-audit-tests-")
os.environ["XDG_CACHE_HOME"] = _KERNEL_CACHE  # nbval's and papermill's kernels inherit it
atexit.register(shutil.rmtree, _KERNEL_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def fresh_sample(tmp_path_factory) -> Path:
    """``gdpr-audit sample`` at scale S, seed 42, period 2026-10: generated once per session."""
    from audit_lib.sample import generate

    out = tmp_path_factory.mktemp("sample_s42")
    generate(out, "S", 42, "2026-10")
    return out


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory) -> Path:
    """The shipped sample rendered once per session: ``<tmp>/reports/2026-10``."""
    from audit_lib import report

    out = tmp_path_factory.mktemp("sample_report") / "reports"
    return report.render_period(SAMPLE, dt.date(2026, 10, 31), None, out, quiet=True)


# the browser the report, JupyterLab and plotly-bundle tests drive (scripts/install_browser.sh installs it)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def need_chromium() -> None:
    """Skip without the browser locally; fail under CI=true, where it must be installed."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: run scripts/install_browser.sh"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


# the declared checks; tests/test_docs.py holds them to spec/checks.md's ids (a contract)
CATALOGUE = frozenset(c.id for c in load_checks())


def write_files(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    """``<tmp_path>/extract`` holding these files as given (raw bytes, or text as UTF-8)."""
    folder = tmp_path / "extract"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


def write_extract(folder: Path, tables: dict[str, list[dict]]) -> Path:
    """Write each table as a canonical CSV (columns = union of the rows' keys, in first-seen order)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = list(dict.fromkeys(k for row in rows for k in row)) if rows else []
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return folder


class Audit:
    """Run checks on a tiny extract written under tmp_path."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.n = 0

    def extract(self, tables: dict[str, list[dict]], as_of: str = "2026-10-31") -> Extract:
        self.n += 1
        folder = write_extract(self.tmp_path / f"extract{self.n}", tables)
        return Extract(folder, dt.date.fromisoformat(as_of))

    def ids(self, check_id: str, tables: dict[str, list[dict]], as_of: str = "2026-10-31") -> set[str]:
        """The record ids one check finds."""
        with self.extract(tables, as_of) as ex:
            return set(run_check(ex, check_id)["record_id"])

    def counts(self, check_id: str, tables: dict[str, list[dict]], as_of: str = "2026-10-31") -> set[tuple[str, int]]:
        """(record_id, count) pairs one check finds."""
        with self.extract(tables, as_of) as ex:
            f = run_check(ex, check_id)
            return set(zip(f["record_id"], f["count"].astype(int)))

    def all(self, tables: dict[str, list[dict]], as_of: str = "2026-10-31"):
        with self.extract(tables, as_of) as ex:
            return run_checks(ex)


@pytest.fixture
def audit(tmp_path: Path) -> Audit:
    return Audit(tmp_path)
