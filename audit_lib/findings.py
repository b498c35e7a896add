"""Findings as rows: merge per (check, record), give each a stable id, write CSV, Parquet and XLSX."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

COLUMNS = [
    "finding_id",
    "check_id",
    "area",
    "severity",
    "table",
    "record_id",
    "person_id",
    "observed",
    "rule",
    "policy_ref",
    "legal_ref",
    "as_of",
    "count",
]
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


# after a separator a semicolon-locale Excel (nl-BE, fr-BE) would split on, a formula would start a cell
_INNER = re.compile(r"([;,\t]\s*)([=+\-@])")


def neutralise_csv(value: object) -> object:
    """``neutralise`` plus every piece after ``;``/``,``: quoting alone does not stop a semicolon-locale
    Excel from splitting ``x;=1+1;y`` into a live ``=1+1`` cell."""
    value = neutralise(value)
    if isinstance(value, str):
        return _INNER.sub(lambda m: m.group(1) + "'" + m.group(2), value)
    return value


def safe_for_spreadsheets(frame: pd.DataFrame, cell=neutralise) -> pd.DataFrame:
    """Every text cell neutralised, whatever its column's dtype prints as (pandas 3: ``str``)."""
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) or out[col].dtype == object:
            out[col] = out[col].map(cell, na_action="ignore")
    return out


def write_findings(
    findings: pd.DataFrame,
    out: Path,
    extra_sheets: dict[str, pd.DataFrame] | None = None,
    finish_workbook: Callable[[object], None] | None = None,
) -> list[Path]:
    """Write findings.csv, findings.parquet and findings.xlsx (formula-safe) into ``out``.

    ``finish_workbook(book)`` may complete the openpyxl workbook before it is saved (the working
    register's columns, ``workbook.add_register_columns``): the file is written once."""
    out.mkdir(parents=True, exist_ok=True)
    safe = safe_for_spreadsheets(findings[COLUMNS])
    paths = [out / "findings.csv", out / "findings.parquet", out / "findings.xlsx"]
    # every text field quoted: a field holding ';' stays one cell in a semicolon-locale Excel too
    safe_for_spreadsheets(findings[COLUMNS], neutralise_csv).to_csv(
        paths[0], index=False, encoding="utf-8", quoting=csv.QUOTE_NONNUMERIC
    )
    safe.to_parquet(paths[1], index=False)
    with pd.ExcelWriter(paths[2], engine="openpyxl") as xl:
        safe.to_excel(xl, sheet_name="findings", index=False)
        for name, frame in (extra_sheets or {}).items():
            safe_for_spreadsheets(frame).to_excel(xl, sheet_name=name[:31], index=False)
        if finish_workbook is not None:
            finish_workbook(xl.book)
    return paths
