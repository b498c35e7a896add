"""``gdpr-audit report``: run the audit once, execute every notebook with papermill, write the HTML.

The period folder ``<out>/<YYYY-MM>`` is built in a staging folder beside it and swapped into place
only when everything succeeded: a failed notebook or Ctrl-C leaves the previous folder untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import sys
import time
from importlib import resources
from pathlib import Path

from .atomic import staging_for, swap_into_place
from .commands import audit_to_folder, choices_of
from .dates import as_of_for, period_of
from .errors import AuditError
from .intake.sources import sha256_of

NOTEBOOKS_DIR = Path(str(resources.files("audit_lib.notebooks")))  # notebooks/ mapped into the package
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


class ReportError(AuditError):
    """A report could not be rendered (a notebook failed, was interrupted, or none was found)."""


def report_command(args) -> int:
    as_of = as_of_for(args.period, args.as_of)
    folder = render_period(args.data, as_of, args.policy, args.out, quiet=args.quiet, choices=choices_of(args))
    if not args.quiet:
        print(f"written: {folder}/index.html")
    return 0


def notebooks_in(folder: Path) -> list[Path]:
    """The report's notebooks: ``NN_name.ipynb`` in name order."""
    found = sorted(folder.glob(NOTEBOOK_GLOB))
    if not found:
        raise ReportError(f"no notebooks matching {NOTEBOOK_GLOB} in {folder}")
    return found


def render_period(
    data: Path | str,
    as_of: dt.date,
    policy: Path | str | None,
    out: Path | str,
    quiet: bool = False,
    notebooks_dir: Path | None = None,
    choices=None,
) -> Path:
    """Render ``<out>/<YYYY-MM>`` atomically and return it (the previous folder is replaced only on success)."""
    data, out = Path(data).resolve(), Path(out).resolve()
    policy_path = str(Path(policy).resolve()) if policy else ""
    notebooks = notebooks_in(Path(notebooks_dir or NOTEBOOKS_DIR).resolve())
    period = period_of(as_of)
    out.mkdir(parents=True, exist_ok=True)
    staging = staging_for(out / period)
    progress = (
        (lambda msg, end="\n": None)
        if quiet
        else (lambda msg, end="\n": print(msg, end=end, file=sys.stderr, flush=True))
    )
    try:
        _, manifest = audit_to_folder(
            data,
            as_of,
            Path(policy_path) if policy_path else None,
            staging,
            quiet=quiet,
            command="report",
            choices=choices,
        )
        base = {"data": str(data), "as_of": as_of.isoformat(), "policy": policy_path, "run_dir": str(staging)}
        for i, src in enumerate(notebooks, 1):
            progress(f"[{i}/{len(notebooks)}] {src.name} ...", end="")
            started = time.monotonic()
            try:
                execute(src, staging / src.name, {**base, "reports_root": str(out)})
            except BaseException:
                progress(" failed")
                raise
            progress(f" {time.monotonic() - started:.1f} s")
        from .report_html import write_html  # noqa: PLC0415 - nbconvert is only needed here

        progress("writing HTML")
        pages = write_html(staging, [staging / src.name for src in notebooks], data, as_of, policy_path, out)
        manifest["reports"] = [
            {"path": p.name, "sha256": sha256_of(p)} for p in [*pages, *(staging / src.name for src in notebooks)]
        ]
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return swap_into_place(staging, out / period)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def execute(src: Path, dst: Path, parameters: dict[str, str]) -> None:
    """Execute one notebook with papermill; a failure becomes one line naming the notebook and cell."""
    import papermill as pm  # noqa: PLC0415 - slow import, only for reports

    try:
        with _kernel_noise_silenced():
            params = {k: v for k, v in parameters.items() if k != "reports_root" or _declares(src, k)}
            pm.execute_notebook(
                str(src),
                str(dst),
                parameters=params,
                cwd=str(src.parent),
                kernel_name="python3",
                language="python",
                progress_bar=False,
                log_output=False,
            )
    except pm.PapermillExecutionError as err:
        evalue = (str(err.evalue).strip().splitlines() or [""])[0]
        raise ReportError(f"{src.name}, cell {_source_cell(src, err.cell_index)}: {err.ename}: {evalue}") from None
    except KeyboardInterrupt:
        cell = _running_cell(src, dst)
        raise ReportError(f"{src.name}{f', cell {cell}' if cell else ''}: interrupted (Ctrl-C)") from None
    except Exception as err:  # noqa: BLE001 - a dead kernel, a timeout, an unreadable notebook
        cell = _running_cell(src, dst)
        first = (str(err).strip().splitlines() or [""])[0]
        raise ReportError(f"{src.name}{f', cell {cell}' if cell else ''}: {type(err).__name__}: {first}") from None


@contextlib.contextmanager
def _kernel_noise_silenced():
    """Keep papermill's parameter warnings and the kernels' own stderr chatter out of cron mail.

    Failures still surface: papermill raises them with the cell, which we turn into one line.
    """
    logger = logging.getLogger("papermill")
    level = logger.level
    logger.setLevel(logging.ERROR)
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # the kernel is a child process: it inherits file descriptor 2
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
        logger.setLevel(level)


def _declares(src: Path, name: str) -> bool:
    """Whether the notebook's ``parameters`` cell declares ``name`` (only 90_summary takes reports_root)."""
    import nbformat  # noqa: PLC0415

    for cell in nbformat.read(src, as_version=4).cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return any(line.split(":")[0].split("=")[0].strip() == name for line in cell.source.splitlines())
    return False


def _source_cell(src: Path, executed_index: int) -> int:
    """The 1-based cell number in the source notebook (papermill inserts one parameters cell)."""
    import nbformat  # noqa: PLC0415

    cells = nbformat.read(src, as_version=4).cells
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    injected_at = tagged[0] + 1 if tagged else 0
    return (executed_index - 1 if executed_index > injected_at else executed_index) + 1


def _running_cell(src: Path, dst: Path) -> int | None:
    """The cell papermill marked as running in the partly written output, if any."""
    import nbformat  # noqa: PLC0415

    try:
        cells = nbformat.read(dst, as_version=4).cells
    except Exception:  # noqa: BLE001 - the output may not exist yet or be half written
        return None
    for i, cell in enumerate(cells):
        if cell.get("metadata", {}).get("papermill", {}).get("status") == "running":
            return _source_cell(src, i)
    return None
