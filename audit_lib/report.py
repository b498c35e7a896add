"""``gdpr-audit report``: run the audit once, execute every notebook with papermill, write the HTML.

The period folder ``<out>/<YYYY-MM>`` is built in a staging folder beside it and swapped into place
only when everything succeeded: a failed notebook or Ctrl-C leaves the previous folder untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import os
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from . import lean_imports  # noqa: F401 - first: before papermill imports nbformat
from .atomic import staging_for, swap_into_place
from .commands import audit_to_folder, choices_of
from .dates import as_of_for, period_of
from .errors import AuditError
from .extract import REPORT_CHECK_MEMORY_LIMIT
from .intake.sources import sha256_of
from .kernels import Job, KernelPool
from .nb import Run
from .policy import load_policy

NOTEBOOKS_DIR = Path(str(resources.files("audit_lib.notebooks")))  # notebooks/ mapped into the package
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
PRELOAD = ("papermill", "nbconvert")  # slow imports of this process, made in the kernels' threads meanwhile
MAX_KERNELS = 4  # each holds pandas, plotly and a DuckDB connection: about 200 MB at scale S


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
    progress = (lambda msg: None) if quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    # the kernels start, and import what the notebooks and the page writers need, while the checks run
    pool = KernelPool(kernels_for(len(notebooks)), notebooks[0].parent, preload=PRELOAD)
    snapshot = tempfile.TemporaryDirectory(prefix=f"gdpr-audit-{os.getpid()}-")  # cleaned like Extract's
    try:
        extract_db = Path(snapshot.name) / "extract"
        _, manifest = audit_to_folder(
            data,
            as_of,
            Path(policy_path) if policy_path else None,
            staging,
            quiet=quiet,
            command="report",
            choices=choices,
            history=out,
            snapshot=extract_db,
            memory_limit=REPORT_CHECK_MEMORY_LIMIT,  # the kernels warm up beside it
        )
        base = {
            "data": str(data),
            "as_of": as_of.isoformat(),
            "policy": policy_path,
            "run_dir": str(staging),
            "extract_db": str(extract_db),
        }
        import nbformat  # noqa: PLC0415

        from .report_html import landing_pages, notebook_page, title_of  # noqa: PLC0415 - nbconvert: reports only

        run = Run(data, as_of, load_policy(policy_path or None), run_dir=staging, extract_db=extract_db)
        run.manifest  # noqa: B018 - read once here, shared read-only by the page writers
        titles = {src.stem: title_of(nbformat.read(src, as_version=4), src.stem) for src in notebooks}

        def executed(src: Path, km) -> None:
            execute(src, staging / src.name, {**base, "reports_root": str(out)}, km)

        jobs = [Job(i, src.name, functools.partial(executed, src)) for i, src in enumerate(notebooks, 1)]
        with _papermill_quiet():
            pool.submit(jobs)
            pool.close()
            # the landing pages need only the findings: written here while the kernels execute the notebooks
            pages = landing_pages(staging, run, titles, out)
            for _ in jobs:
                job, err, seconds = pool.done.get()
                progress(f"[{job.index}/{len(jobs)}] {job.name} ... {'failed' if err else f'{seconds:.1f} s'}")
                if err is not None:
                    raise err
                # the page is written here while that kernel goes on to its next notebook
                src = notebooks[job.index - 1]
                notebook_page(staging / src.name, titles[src.stem], run)
        pages += [(staging / src.name).with_suffix(".html") for src in notebooks]
        manifest["reports"] = [
            {"path": p.name, "sha256": sha256_of(p)} for p in [*pages, *(staging / src.name for src in notebooks)]
        ]
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return swap_into_place(staging, out / period)
    except BaseException:
        pool.kill()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        pool.close()  # no more work (or none at all, when the checks failed): the kernels shut down
        pool.join()
        snapshot.cleanup()


def kernels_for(notebooks: int) -> int:
    """How many kernels execute the notebooks: one per core, at most one per notebook and ``MAX_KERNELS``."""
    return max(1, min(notebooks, os.cpu_count() or 1, MAX_KERNELS))


def execute(src: Path, dst: Path, parameters: dict[str, str], km=None) -> None:
    """Execute one notebook with papermill (on the started kernel ``km``, else a new one in the notebook's
    folder); a failure becomes one line naming the notebook and cell."""
    import papermill as pm  # noqa: PLC0415 - slow import, only for reports

    try:
        declared = _declared(src)
        params = {k: v for k, v in parameters.items() if k in declared}
        pm.execute_notebook(
            str(src),
            str(dst),
            parameters=params,
            cwd=None if km else str(src.parent),  # papermill's cwd is a chdir of this whole process
            kernel_name="python3",
            language="python",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,  # saved at the end (and every 30 s): not 40 writes of 2 MB
            **({"km": km} if km else {}),
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
def _papermill_quiet():
    """Keep papermill's log lines out of cron mail; failures still surface, as one line each (``execute``).
    The kernels' own stderr goes nowhere (``kernels.KernelPool``)."""
    logger = logging.getLogger("papermill")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _declared(src: Path) -> set[str]:
    """The names the notebook's ``parameters`` cell declares (only 90_summary takes reports_root)."""
    import nbformat  # noqa: PLC0415

    for cell in nbformat.read(src, as_version=4).cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return {line.split(":")[0].split("=")[0].strip() for line in cell.source.splitlines()}
    return set()


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
