"""Findings as rows: merge per (check, record), give each a stable id, write CSV, Parquet and XLSX."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

COLUMNS = [
    "finding_id", "check_id", "area", "severity", "table", "record_id", "person_id",
    "observed", "rule", "policy_ref", "legal_ref", "as_of", "count",
]
TEXT_COLUMNS = [c for c in COLUMNS if c not in ("count",)]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def finding_id(check_id: str, record_id: str) -> str:
    """Stable across runs for the same check and record, so a finding can be followed month to month."""
    return hashlib.sha256(f"{check_id}\x1f{record_id}".encode()).hexdigest()[:16]


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "count" else "string") for c in COLUMNS})


def neutralise(value: object) -> object:
    """Make a text cell that a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``...) show as text."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def safe_for_spreadsheets(findings: pd.DataFrame) -> pd.DataFrame:
    out = findings.copy()
    for col in TEXT_COLUMNS:
        out[col] = out[col].map(neutralise, na_action="ignore")
    return out


def write_findings(findings: pd.DataFrame, out: Path, extra_sheets: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """Write findings.csv, findings.parquet and findings.xlsx (formula-safe) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    safe = safe_for_spreadsheets(findings[COLUMNS])
    paths = [out / "findings.csv", out / "findings.parquet", out / "findings.xlsx"]
    safe.to_csv(paths[0], index=False, encoding="utf-8")
    safe.to_parquet(paths[1], index=False)
    with pd.ExcelWriter(paths[2], engine="openpyxl") as xl:
        safe.to_excel(xl, sheet_name="findings", index=False)
        for name, frame in (extra_sheets or {}).items():
            sheet = frame.copy()
            for col in sheet.columns:
                if sheet[col].dtype == object or str(sheet[col].dtype) == "string":
                    sheet[col] = sheet[col].map(neutralise, na_action="ignore")
            sheet.to_excel(xl, sheet_name=name[:31], index=False)
    return paths
