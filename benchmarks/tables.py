"""Markdown tables from benchmark result files: per scale, and the issue's targets (met or not).

Example:
  python -m benchmarks.tables benchmarks/results/2026-11-27.json benchmarks/results/2026-11-27-L.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

NAMES = {
    "check": "`gdpr-audit check`",
    "report": "`gdpr-audit report`",
    "floor": "floor: plain DuckDB SQL",
    "pandas": "pandas baseline",
    "reopen": "re-open extract (notebook API, 2nd time)",
}
STATUS = {"ok": "ok", "oom": "out of memory at the cap", "error": "failed"}
MB = 1_000_000


def merged(docs: list[dict]) -> tuple[dict, dict]:
    """{(scale, tool): record} and {scale: extract info}; a later file wins for the same pair."""
    records, extracts = {}, {}
    for doc in docs:
        extracts.update(doc.get("extracts", {}))
        for r in doc["results"]:
            records[(r["scale"], r["tool"])] = r
    return records, extracts


def _ratio(a: dict | None, b: dict | None) -> float | None:
    if a and b and a["status"] == "ok" and b["status"] == "ok" and b["wall_s"] > 0:
        return a["wall_s"] / b["wall_s"]
    return None


def _fmt(x: float | None, unit: str = "×") -> str:
    return "—" if x is None else f"{x:.2f}{unit}"


def scale_table(scale: str, records: dict, extract: dict) -> str:
    lines = [
        f"### Scale {scale} — {extract.get('bytes', 0) / 1e6:,.0f} MB in {extract.get('files', '?')} files",
        "",
        "| what | wall time (s) | peak memory (MiB) | status | runs |",
        "|---|---:|---:|---|---:|",
    ]
    for tool, name in NAMES.items():
        r = records.get((scale, tool))
        if r:
            cap = f" ({r['memory_cap_gib']:g} GB)" if r["status"] == "oom" and "memory_cap_gib" in r else ""
            lines.append(
                f"| {name} | {r['wall_s']:.2f} | {r['peak_rss_mib']:,.0f} | {STATUS[r['status']]}{cap} "
                f"| {r['repeat']} |"
            )
    check, floor, pandas = (records.get((scale, t)) for t in ("check", "floor", "pandas"))
    lines += [
        "",
        f"check ÷ floor: **{_fmt(_ratio(check, floor))}**; pandas ÷ check: **{_fmt(_ratio(pandas, check))}**"
        + ("" if not pandas or pandas["status"] == "ok" else f" (pandas {STATUS[pandas['status']]})"),
    ]
    report = records.get((scale, "report"))
    if report and report.get("html"):
        lines += [
            "",
            "| report file | size (bytes) | plotly.js copies | beyond plotly.js (bytes) |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {h['file']} | {h['bytes']:,} | {h['plotly_js_copies']} | {h['beyond_plotly_bytes']:,} |"
            for h in report["html"]
        ]
        if report.get("folder_bytes"):
            lines += ["", f"The month folder holds {report['folder_bytes'] / MB:.1f} MB in all."]
    return "\n".join(lines)


FLOOR_RATIO = 1.2  # check ≤ 1.2× the plain-DuckDB floor at M and L
REPORT_S = {"S": 8.0, "M": 15.0, "L": 60.0}  # report wall time
REPORT_PEAK_GIB_L = 3.0  # report peak memory at L, kernels included
FOLDER_MB = 12.0  # a month folder at every scale


def targets_table(records: dict) -> str:
    """The round-two targets (issue #17): met or not, and by how much."""
    rows = []
    scales = sorted({s for s, _ in records}, key=["S", "M", "L", "XL"].index)
    for scale in [s for s in scales if s in "ML"]:
        ratio = _ratio(records.get((scale, "check")), records.get((scale, "floor")))
        if ratio is not None:
            met = ratio <= FLOOR_RATIO
            rows.append(
                (
                    f"check ≤ {FLOOR_RATIO}× the floor at {scale}",
                    f"{ratio:.2f}×",
                    met,
                    f"{'under' if met else 'over'} by {abs(FLOOR_RATIO - ratio):.2f}×",
                )
            )
    check, pandas = records.get(("S", "check")), records.get(("S", "pandas"))
    if check and pandas and check["status"] == pandas["status"] == "ok":
        speedup = pandas["wall_s"] / check["wall_s"]
        rows.append(
            ("check faster than pandas at S", f"{speedup:.2f}× (pandas ÷ check)", speedup > 1, f"{speedup:.2f}×")
        )
    for scale in scales:
        r, limit = records.get((scale, "report")), REPORT_S.get(scale)
        if r and limit:
            met = r["status"] == "ok" and r["wall_s"] <= limit
            rows.append(
                (f"report ≤ {limit:g} s at {scale}", f"{r['wall_s']:.1f} s", met, f"{r['wall_s'] / limit:.2f} of it")
            )
    r = records.get(("L", "report"))
    if r:
        gib = r["peak_rss_mib"] / 1024
        met = gib <= REPORT_PEAK_GIB_L and r["status"] == "ok"
        rows.append(
            (
                f"report peak memory ≤ {REPORT_PEAK_GIB_L:g} GB at L",
                f"{gib:.2f} GiB",
                met,
                f"{abs(REPORT_PEAK_GIB_L - gib):.2f} GiB {'under' if met else 'over'}",
            )
        )
    for scale in scales:
        r = records.get((scale, "report"))
        if r and r.get("folder_bytes"):
            mb = r["folder_bytes"] / MB
            met = mb <= FOLDER_MB
            rows.append(
                (
                    f"month folder ≤ {FOLDER_MB:g} MB at {scale}",
                    f"{mb:.1f} MB",
                    met,
                    f"{abs(FOLDER_MB - mb):.1f} MB {'under' if met else 'over'}",
                )
            )
    for scale in scales:
        key = (records.get((scale, "check")) or {}).get("answer_key")
        if key:
            rows.append(
                (
                    f"findings match the answer key at {scale}",
                    "the same findings"
                    if key["matches"]
                    else f"{key['extra_count']} found not in the key, {key['missing_count']} missing",
                    key["matches"],
                    "exactly" if key["matches"] else f"first missing: {key['missing'][:1]}",
                )
            )
    r = records.get(("XL", "check"))
    if r:
        rows.append(
            (
                "check finishes at XL (1 billion log rows), time and peak recorded",
                f"{r['wall_s']:.0f} s, {r['peak_rss_mib'] / 1024:.2f} GiB, {STATUS[r['status']]}",
                r["status"] == "ok",
                "recorded",
            )
        )
    lines = ["| target | measured | met | by how much |", "|---|---|---|---|"]
    lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} | {how} |" for t, m, ok, how in rows]
    return "\n".join(lines)


def render(docs: list[dict]) -> str:
    records, extracts = merged(docs)
    scales = sorted({s for s, _ in records}, key=["S", "M", "L", "XL"].index)
    parts = ["## Targets", "", targets_table(records)]
    for scale in scales:
        parts += ["", scale_table(scale, records, extracts.get(scale, {}))]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    paths = argv if argv is not None else sys.argv[1:]
    print(render([json.loads(Path(p).read_text()) for p in paths]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
