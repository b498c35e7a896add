"""The wheel installs anywhere: notebooks, templates and data ship inside the package.

The wheel is built from a copy of the sources, installed with ``--no-deps`` into a fresh virtual
environment outside the repository (its dependencies come from this environment's site-packages
through a ``.pth`` file, their data files through ``JUPYTER_PATH``: no download), and ``gdpr-audit report`` renders the sample from another folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE

pytestmark = pytest.mark.slow
SOURCES = ["pyproject.toml", "README.md", "audit_lib", "notebooks"]


def run(*cmd: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    # the shared dependencies' data files (nbconvert's templates) live under this environment's prefix
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, (cmd[:3], done.stderr[-2000:])
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv outside the repository with only the built wheel installed into it."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(
            ROOT / name,
            src / name,
            **(
                {"ignore": shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")}
                if (ROOT / name).is_dir()
                else {}
            ),
        )
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(base / "dist"),
        str(src),
        cwd=base,
    )
    wheel = next((base / "dist").glob("gdpr_audit-*.whl"))
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base).strip())
    # the dependencies (duckdb, pandas, papermill, ...) from this environment, not the editable audit_lib
    (site / "zz_project_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        str(wheel),
        cwd=base,
    )
    return env_dir


def test_the_installed_package_is_the_wheel_with_its_notebooks(installed, tmp_path):
    python = installed / "bin" / "python"
    out = run(
        str(python),
        "-c",
        "import audit_lib, audit_lib.report as r; print(audit_lib.__file__); "
        "print(len(r.notebooks_in(r.NOTEBOOKS_DIR)))",
        cwd=tmp_path,
    ).split()
    assert Path(out[0]).is_relative_to(installed)
    assert int(out[1]) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))


def test_gdpr_audit_report_runs_from_another_folder(installed, tmp_path):
    run(
        str(installed / "bin" / "gdpr-audit"),
        "report",
        "--data",
        str(SAMPLE),
        "--period",
        "2026-10",
        "--out",
        str(tmp_path / "reports"),
        "--quiet",
        cwd=tmp_path,
    )
    folder = tmp_path / "reports" / "2026-10"
    pages = {p.name for p in folder.glob("*.html")}
    assert "index.html" in pages and "02_retention.html" in pages
    assert (folder / "findings.csv").stat().st_size > 0
