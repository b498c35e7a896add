"""The data-quality findings (DQ-*) of the loaded tables, as one SQL query per table."""
from __future__ import annotations

from ..contract import Table

COLUMNS = "check_id, \"table\", record_id, person_id, observed, count"


def dq_sql(table: Table, provided: set[str]) -> str:
    """A SELECT returning the table's DQ findings (one row per row and problem, before merging)."""
    t = table.name
    person = "person_id" if "person_id" in table.columns else "NULL::VARCHAR"
    if table.aggregate:
        return _aggregate_sql(table)
    parts = [
        f"SELECT 'DQ-MISSING-REQUIRED', '{t}', _key, {person}, 'missing: ' || array_to_string(_missing, ', '), 1 "
        f"FROM {t}_all WHERE len(_missing) > 0",
        f"SELECT 'DQ-INVALID-VALUE', '{t}', _key, {person}, 'cannot be read: ' || array_to_string(_invalid, ', '), 1 "
        f"FROM {t}_all WHERE len(_invalid) > 0",
        f"SELECT 'DQ-FUTURE-DATE', '{t}', _key, {person}, 'after as_of: ' || array_to_string(_future, ', '), 1 "
        f"FROM {t}_all WHERE len(_future) > 0",
    ]
    if table.key:
        parts.append(
            f"SELECT 'DQ-DUPLICATE-KEY', '{t}', \"{table.key}\", any_value({person}), "
            f"'{table.key} appears ' || count(*) || ' times', count(*) "
            f"FROM {t}_all WHERE \"{table.key}\" IS NOT NULL GROUP BY \"{table.key}\" HAVING count(*) > 1"
        )
    for col in table.columns.values():
        if col.references and col.references in provided and col.references != t:
            ref = col.references
            parts.append(
                f"SELECT 'DQ-ORPHAN-REFERENCE', '{t}', _key, {person}, '{col.name} not in {ref}', 1 "
                f"FROM {t}_all c WHERE c.\"{col.name}\" IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {ref}_all p WHERE p.\"{col.name}\" = c.\"{col.name}\")"
            )
    return " UNION ALL ".join(parts)


def _aggregate_sql(table: Table) -> str:
    """The large table: one finding per check and calendar month of the row, with a count."""
    t, ts = table.name, table.aggregate
    month = f"CASE WHEN \"{ts}\" IS NULL THEN 'unparseable' ELSE local_month(\"{ts}\") END"
    return (
        f"SELECT check_id, '{t}', month, NULL::VARCHAR, any_value(observed), count(*) FROM ("
        f"SELECT unnest(list_concat("
        f"CASE WHEN len(_missing) > 0 THEN ['DQ-MISSING-REQUIRED'] ELSE [] END, "
        f"CASE WHEN len(_invalid) > 0 THEN ['DQ-INVALID-VALUE'] ELSE [] END, "
        f"CASE WHEN len(_future) > 0 THEN ['DQ-FUTURE-DATE'] ELSE [] END)::VARCHAR[]) AS check_id, "
        f"{month} AS month, 'rows with ' || array_to_string(list_concat(_missing, _invalid, _future), ', ') AS observed "
        f"FROM {t}_all WHERE len(_missing) + len(_invalid) + len(_future) > 0) GROUP BY check_id, month"
    )
