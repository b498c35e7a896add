"""The evidence trail of a run: every input's fingerprint, the policy's, parameters and versions."""

from __future__ import annotations

import datetime as dt
import json
import platform
from importlib import metadata
from pathlib import Path

import duckdb
import pandas as pd

from .extract import Extract
from .intake.sources import sha256_of
from .version import tool_version


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def build_manifest(
    extract: Extract, status: dict[str, dict], started: dt.datetime, outputs: list[Path], command: str = "check"
) -> dict:
    """A JSON-ready record of what was read, with what, for which date, and what came out."""
    return {
        "tool": {"name": "gdpr-audit", "version": tool_version(), "command": command},
        # the holiday library decides rights deadlines (policy holiday_calendar): its version is evidence too
        "versions": {
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
            "pandas": pd.__version__,
            "holidays": _version("holidays"),
        },
        "as_of": extract.as_of.isoformat(),
        "as_of_end": extract.as_of_end().isoformat(),
        "data": str(extract.root.resolve()),
        "policy": {
            "path": str(Path(extract.policy.path).resolve()),
            "sha256": extract.policy.sha256,
            "time_zone": extract.policy.time_zone,
        },
        "parameters": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in extract.params().items()},
        "holiday_calendar": extract.policy.holiday_calendar.value,
        "third_party_sources": list(extract.policy.third_party_sources.values),
        "inputs": [
            {
                "path": f.display(extract.root),
                "table": f.table,
                "format": f.format,
                "profile": f.profile,
                "encoding": f.encoding,
                "delimiter": f.delimiter,
                "size": f.size,
                "sha256": f.sha256,
                "rows": f.rows,
                **({"unparsed": f.unparsed} if f.unparsed is not None else {}),
            }
            for f in extract.files
        ],
        "skipped_inputs": [{"path": _rel(p, extract.root), "reason": why} for p, why in extract.skipped],
        "profiles": {**extract.choices.record(), "applied": extract.profile_notes},
        "tables_provided": extract.provided,
        "tables_not_provided": extract.not_provided,
        "checks": status,
        "outputs": [{"path": p.name, "sha256": sha256_of(p)} for p in outputs],
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def write_manifest(manifest: dict, out: Path) -> Path:
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
