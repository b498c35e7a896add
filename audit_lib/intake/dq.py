"""The data-quality findings (DQ-*) of the loaded tables, as one SQL query per table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..contract import Table
from .sources import SourceFile

COLUMNS = 'check_id, "table", record_id, person_id, observed, count'


def dq_sql(table: Table, provided: set[str]) -> str:
    """A SELECT returning the table's DQ findings (one row per row and problem, before merging)."""
    t = table.name
    person = "person_id" if "person_id" in table.columns else "NULL::VARCHAR"
    if table.aggregate:
        return _aggregate_sql(table)
    parts = [
        f"SELECT 'DQ-MISSING-REQUIRED', '{t}', _key, {person}, 'missing: ' || _missing, 1 "
        f"FROM {t}_all WHERE _missing <> ''",
        f"SELECT 'DQ-INVALID-VALUE', '{t}', _key, {person}, "
        f"'cannot be read: ' || coalesce(nullif(_invalid_detail, ''), _invalid), 1 "
        f"FROM {t}_all WHERE _invalid <> ''",
        f"SELECT 'DQ-FUTURE-DATE', '{t}', _key, {person}, 'after as_of: ' || _future, 1 "
        f"FROM {t}_all WHERE _future <> ''",
    ]
    if table.key:
        # the keys seen twice are found first by counting the keys alone, then only their rows are grouped
        # again for a person: grouping every key with its person cost 0.9-1.6 s against 0.7 s for the 10M
        # sends of scale L
        key = f'"{table.key}"'
        twice = f"SELECT {key} FROM {t}_all WHERE {key} IS NOT NULL GROUP BY {key} HAVING count(*) > 1"
        parts.append(
            f"SELECT 'DQ-DUPLICATE-KEY', '{t}', {key}, any_value({person}), "
            f"'{table.key} appears ' || count(*) || ' times', count(*) "
            f"FROM {t}_all WHERE {key} IN ({twice}) GROUP BY {key}"
        )
    for col in table.columns.values():
        if col.references and col.references in provided and col.references != t:
            ref = col.references
            parts.append(
                f"SELECT 'DQ-ORPHAN-REFERENCE', '{t}', _key, {person}, '{col.name} not in {ref}', 1 "
                f'FROM {t}_all c WHERE c."{col.name}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM {ref}_all p WHERE p."{col.name}" = c."{col.name}")'
            )
    return " UNION ALL ".join(parts)


def _aggregate_sql(table: Table) -> str:
    """The large table: one finding per check and calendar month of the row, from its daily summary."""
    t = table.name
    month = "CASE WHEN day IS NULL THEN 'unparseable' ELSE strftime(day, '%Y-%m') END"
    parts = [
        f"SELECT '{check}', '{t}', {month} AS month, NULL::VARCHAR, 'rows with ' || any_value({flag}), sum(rows) "
        f"FROM {t}_days WHERE {flag} <> '' GROUP BY month"
        for check, flag in (
            ("DQ-MISSING-REQUIRED", "_missing"),
            ("DQ-INVALID-VALUE", "_invalid"),
            ("DQ-FUTURE-DATE", "_future"),
        )
    ]
    return " UNION ALL ".join(parts)


def unparsed_findings(files: list[SourceFile], root: Path) -> pd.DataFrame:
    """One DQ finding per web-server log file with lines in no known format (or undecodable, too long)."""
    rows = [
        (
            "DQ-INVALID-VALUE",
            f.table,
            f"unparseable {f.display(root)}",
            None,
            f"{f.unparsed} of {f.unparsed + (f.rows or 0)} lines not in a known web-server log format "
            f"(or not UTF-8, or longer than 64 KB)",
            f.unparsed,
        )
        for f in files
        if f.unparsed
    ]
    return pd.DataFrame(rows, columns=["check_id", "table", "record_id", "person_id", "observed", "count"])


def unparsed_line(f: SourceFile, root: Path) -> str:
    """The progress line of a log file with unreadable lines: its name and their share."""
    total = f.unparsed + (f.rows or 0)
    return (
        f"{f.display(root)}: {f.unparsed} of {total} lines ({f.unparsed / total:.0%}) not in a known "
        f"web-server log format, left out (DQ-INVALID-VALUE)"
    )
