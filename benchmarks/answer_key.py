"""Compare a check run's findings.csv with the answer key the sample generator wrote beside its extract.

The issue's acceptance ("speed changes nothing a finding says") is measured at every scale the benchmark
runs, not only on the shipped sample: the scale-M run of the fifth pass named a keyless send by the
wrong row, and only a comparison at M shows such a thing. ``tests/test_answer_key.py`` reads the
shipped sample's key with the same ``by_check``.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

SHOWN = 10  # differences kept in the results file, per side


def by_check(rows: Iterable[dict]) -> dict[str, set[tuple[str, int]]]:
    """{check id: {(record id, count)}}; a record id neutralised for spreadsheets (``'=...``) is read back."""
    out: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for r in rows:
        record = r["record_id"][1:] if r["record_id"].startswith("'") else r["record_id"]
        out[r["check_id"]].add((record, int(r["count"])))
    return out


def read(path: Path) -> dict[str, set[tuple[str, int]]]:
    with open(path, encoding="utf-8", newline="") as f:
        return by_check(csv.DictReader(f))


def compare(findings_csv: Path, key_csv: Path) -> dict:
    """``matches``, and the (check, record, count) triples found but not in the key and the reverse."""
    found, key = read(findings_csv), read(key_csv)
    flat = lambda d: {(c, r, n) for c, rows in d.items() for r, n in rows}  # noqa: E731
    extra, missing = sorted(flat(found) - flat(key)), sorted(flat(key) - flat(found))
    return {
        "matches": not extra and not missing,
        "extra": [list(t) for t in extra[:SHOWN]],
        "missing": [list(t) for t in missing[:SHOWN]],
        "extra_count": len(extra),
        "missing_count": len(missing),
    }
