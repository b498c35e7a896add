"""Shared fixtures: write a tiny extract from Python rows and run checks on it."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from audit_lib.extract import Extract
from audit_lib.run import run_check, run_checks

ROOT = Path(__file__).resolve().parents[1]

# spec/checks.md: the ids are a contract
CATALOGUE = {
    "RET-PROSPECT-3Y", "RET-FORMER-CUSTOMER-PROSPECTION", "RET-CUSTOMER-NOT-ARCHIVED",
    "RET-CUSTOMER-ARCHIVE-EXPIRED", "RET-CONNECTION-LOG-1Y", "RET-ID-DOCUMENT", "RET-CARD-DATA",
    "LB-NO-BASIS", "LB-PURPOSE-UNDECLARED", "LB-BASIS-MISMATCH", "LB-LI-NO-ASSESSMENT", "LB-ROPA-GAP",
    "LB-SEND-NO-CONSENT", "LB-SEND-AFTER-WITHDRAWAL", "LB-SEND-AFTER-OBJECTION", "LB-CONSENT-NO-PROOF",
    "LB-PROFILING-AFTER-OBJECTION", "LB-SOURCE-NOT-INFORMED", "LB-NO-OPTOUT",
    "TR-NO-SAFEGUARD", "TR-INVALID-SCC", "TR-NO-TIA", "TR-NO-DPA", "TR-UNDISCLOSED-DESTINATION",
    "TR-UNDISCLOSED-RECIPIENT", "TR-REVIEW-OVERDUE",
    "DSR-OVERDUE", "DSR-ERASURE-NOT-DONE", "DSR-OBJECTION-NOT-RECORDED", "DSR-WITHDRAWAL-NOT-RECORDED",
    "DSR-RESTRICTION-NOT-HONOURED",
    "BR-LATE-NOTIFICATION", "BR-SUBJECTS-NOT-INFORMED", "SEC-CVV-STORED", "SEC-PAN-UNMASKED",
    "DQ-DUPLICATE-KEY", "DQ-MISSING-REQUIRED", "DQ-INVALID-VALUE", "DQ-FUTURE-DATE", "DQ-ORPHAN-REFERENCE",
}


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
