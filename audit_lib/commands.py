"""``gdpr-audit check``: load, run every check, write findings and manifest, print a summary."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import shutil
import sys
import threading
from pathlib import Path

from . import cache, lookup_db
from .atomic import staging_for, swap_into_place
from .checks import load_checks
from .dates import as_of_for
from .errors import OutputError
from .extract import Extract
from .findings import write_findings
from .intake.profiles import Choices, parse_choices
from .manifest import build_manifest, write_manifest
from .run import AREA_ORDER, Results, run_checks
from .triage import load_owners, load_register, register_path, write_template

# what a check run imports only late (the working-day calendar, the findings workbook, its register and
# transfer-inventory sheets, pyarrow's pandas bridge): imported in a thread from the start, while the main
# thread waits on DuckDB, which releases the GIL as it reads and types the files
LATE_IMPORTS = (
    "holidays",
    "openpyxl",
    "pandas.io.excel",
    "pandas.io.formats.excel",
    "pyarrow.pandas_compat",
    "audit_lib.insights.summary",
    "audit_lib.insights.transfers",
    "audit_lib.workbook",
)


def import_meanwhile(modules: tuple[str, ...] = LATE_IMPORTS) -> threading.Thread:
    """Import ``modules`` in a background thread (a failing import is left for the code that needs the
    module to raise, where it is reported as usual)."""

    def load() -> None:
        for module in modules:
            try:
                importlib.import_module(module)
            except Exception:  # noqa: BLE001 - raised again, and reported, by the import that needs it
                continue

    thread = threading.Thread(target=load, daemon=True, name="late-imports")
    thread.start()
    return thread


def choices_of(args) -> Choices:
    """The profile settings of a command line (--profile, --profile-dir, --date-order)."""
    parse_choices(getattr(args, "profile", None) or [])  # a malformed TABLE=NAME stops here, before loading
    return Choices(
        list(getattr(args, "profile", None) or []),
        [Path(d).resolve() for d in getattr(args, "profile_dir", None) or []],
        getattr(args, "date_order", None),
    )


def audit_to_folder(
    data: Path,
    as_of: dt.date,
    policy: Path | None,
    out: Path,
    quiet: bool = False,
    command: str = "check",
    choices: Choices | None = None,
    history: Path | None = None,
    snapshot: Path | None = None,
    memory_limit: str | None = None,
) -> tuple[Results, dict]:
    """Run the whole audit and write findings.{csv,parquet,xlsx}, the triage template and manifest.json into
    ``out``. ``history`` (the reports folder) dates each finding's first sighting in findings.xlsx;
    ``snapshot`` (a private temporary folder) receives the typed extract for the report's notebooks."""
    started = dt.datetime.now(dt.timezone.utc)
    progress = (lambda msg: None) if quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    triage = register_evidence(Path(data))  # a bad register row stops the run before anything is written
    choices = choices or Choices()
    with Extract(
        data,
        as_of,
        policy,
        progress,
        profiles=choices.profiles,
        profile_dirs=choices.dirs,
        date_order=choices.date_order,
        memory_limit=memory_limit,
    ) as extract:
        progress(f"running checks for as_of {as_of}")
        results = run_checks(extract)
        if snapshot is not None:
            carried = {
                "key": lookup_db.content_key(extract.policy, extract.as_of),
                "as_of": extract.as_of.isoformat(),
                "lookups": lookup_db.names(extract.policy, extract.as_of),
                "shared": sorted(extract.shared_ready),
            }
            cache.write_entry(extract.con, snapshot, extract.files, extract.source_columns, carried)
        outputs = write_findings(
            results.findings,
            out,
            extra_sheets=_inventory_sheet(extract, results),
            finish_workbook=_working_register(extract, results, history),
        )
        outputs.append(write_template(results.findings, Path(data), out))
        manifest = build_manifest(extract, results.status, started, outputs, command)
        manifest["triage"] = triage
        write_manifest(manifest, out)
    return results, manifest


def register_evidence(data: Path) -> dict:
    """The triage register and owners file used (absolute path, SHA-256, entries); validated here, so a bad
    row stops the run before any report is written."""
    from .intake.sources import sha256_of  # noqa: PLC0415

    path = register_path(data)
    decisions = load_register(data)
    load_owners(data)
    owners = data / "owners.yaml"
    return {
        "register": (
            {"path": str(path.resolve()), "sha256": sha256_of(path), "entries": len(decisions)} if path else None
        ),
        "owners": (
            {"path": str(owners.resolve()), "sha256": sha256_of(owners)} if owners.is_file() else "shipped default"
        ),
    }


def _working_register(extract: Extract, results: Results, history: Path | None):
    """What completes findings.xlsx: title, owner, due, triage status and first seen per row (``workbook``)."""
    from .checks import load_checks  # noqa: PLC0415
    from .insights.summary import working_register  # noqa: PLC0415
    from .nb import Run  # noqa: PLC0415
    from .workbook import add_register_columns  # noqa: PLC0415

    register = working_register(Run.from_results(extract, results), history or "")
    titles = {c.id: c.title for c in load_checks()}
    return lambda book: add_register_columns(book, register, titles)


def _inventory_sheet(extract: Extract, results: Results) -> dict:
    """The transfer inventory as a sheet of findings.xlsx: DPOs keep it in a spreadsheet."""
    if "recipients" not in extract.provided:
        return {}
    from .insights.transfers import inventory  # noqa: PLC0415
    from .nb import Run  # noqa: PLC0415

    return {"transfer_inventory": inventory(Run.from_results(extract, results))}


def summary_lines(results: Results, manifest: dict) -> list[str]:
    """A short terminal summary: findings per area and severity, and checks not run."""
    f = results.findings
    area_of = {c.id: c.area for c in load_checks()}
    lines = [f"as_of {manifest['as_of']}: {len(f)} findings from {len(manifest['inputs'])} input files"]
    for area in AREA_ORDER:
        sub = f[f["area"] == area]
        ids = [c for c, s in results.status.items() if s["status"] == "not_run" and area_of.get(c) == area]
        counts = ", ".join(f"{sev} {int((sub['severity'] == sev).sum())}" for sev in ("high", "medium", "low"))
        reasons = [
            f"{c} ({results.status[c]['reason']})" if results.status[c]["reason"].startswith("column") else c
            for c in ids
        ]
        note = f"  (not run: {', '.join(reasons)})" if ids else ""
        lines.append(f"  {area:<13} {len(sub):>6}  {counts}{note}")
    if manifest["tables_not_provided"]:
        lines.append(f"  not provided: {', '.join(manifest['tables_not_provided'])}")
    empty = [i["path"] for i in manifest["inputs"] if i["rows"] == 0]
    if empty:  # a header-only export or an emptied log: read, and nothing in it
        more = f" and {len(empty) - 5} more" if len(empty) > 5 else ""
        lines.append(f"  0 rows read from: {', '.join(empty[:5])}{more}")
    return lines


OUTPUT_NAMES = {"findings.csv", "findings.parquet", "findings.xlsx", "manifest.json", "triage_template.csv"}


def usable_out(out: Path) -> Path:
    """``--out``: a new folder, or one holding only a previous run's outputs (it is replaced whole)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: is a file, not a folder (give a folder for the findings)")
    if out.is_dir():
        others = sorted(p.name for p in out.iterdir() if p.name not in OUTPUT_NAMES)
        if others:
            raise OutputError(
                f"--out {out}: holds other files ({others[0][:60]}...); give an empty folder or "
                "a previous run's output folder, which is replaced whole"
            )
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"--out {out}: cannot write in {parent} (permission denied)")
    return out


def check_command(args) -> int:
    as_of = as_of_for(args.period, args.as_of)
    out = usable_out(Path(args.out).absolute())
    import_meanwhile()
    staging = staging_for(out)
    try:
        # the new findings and their manifest replace --out together, or not at all
        results, manifest = audit_to_folder(
            args.data, as_of, args.policy, staging, args.quiet, choices=choices_of(args)
        )
        swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for line in summary_lines(results, manifest):
        print(line)
    print(f"written: {args.out}/findings.csv, findings.parquet, findings.xlsx, manifest.json")
    return 0
