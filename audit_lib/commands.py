"""``gdpr-audit check``: load, run every check, write findings and manifest, print a summary."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from .dates import as_of_for
from .extract import Extract
from .findings import write_findings
from .manifest import build_manifest, write_manifest
from .run import AREA_ORDER, Results, run_checks


def audit_to_folder(data: Path, as_of: dt.date, policy: Path | None, out: Path, quiet: bool = False,
                    command: str = "check") -> tuple[Results, dict]:
    """Run the whole audit and write findings.{csv,parquet,xlsx} and manifest.json into ``out``."""
    started = dt.datetime.now(dt.timezone.utc)
    progress = (lambda msg: None) if quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    with Extract(data, as_of, policy, progress) as extract:
        progress(f"running checks for as_of {as_of}")
        results = run_checks(extract)
        outputs = write_findings(results.findings, out, extra_sheets=_inventory_sheet(extract, results))
        manifest = build_manifest(extract, results.status, started, outputs, command)
        write_manifest(manifest, out)
    return results, manifest


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
    lines = [f"as_of {manifest['as_of']}: {len(f)} findings from {len(manifest['inputs'])} input files"]
    for area in AREA_ORDER:
        sub = f[f["area"] == area]
        ids = [c for c, s in results.status.items() if s["status"] == "not_run" and c.split("-")[0] == _prefix(area)]
        counts = ", ".join(f"{sev} {int((sub['severity'] == sev).sum())}" for sev in ("high", "medium", "low"))
        reasons = [f"{c} ({results.status[c]['reason']})" if results.status[c]["reason"].startswith("column")
                   else c for c in ids]
        note = f"  (not run: {', '.join(reasons)})" if ids else ""
        lines.append(f"  {area:<13} {len(sub):>6}  {counts}{note}")
    if manifest["tables_not_provided"]:
        lines.append(f"  not provided: {', '.join(manifest['tables_not_provided'])}")
    return lines


def _prefix(area: str) -> str:
    return {"retention": "RET", "lawful_basis": "LB", "transfers": "TR", "rights": "DSR",
            "breaches": "BR", "security": "SEC", "data_quality": "DQ"}[area]


def check_command(args) -> int:
    as_of = as_of_for(args.period, args.as_of)
    results, manifest = audit_to_folder(args.data, as_of, args.policy, args.out, args.quiet)
    for line in summary_lines(results, manifest):
        print(line)
    print(f"written: {args.out}/findings.csv, findings.parquet, findings.xlsx, manifest.json")
    return 0
