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
    return "\n".join(lines)


def targets_table(records: dict) -> str:
    rows = []
    scales = sorted({s for s, _ in records}, key="SML".index)
    for scale in [s for s in scales if s in "ML"]:
        ratio = _ratio(records.get((scale, "check")), records.get((scale, "floor")))
        if ratio is not None:
            rows.append(
                (
                    f"check within 1.5× of the floor at {scale}",
                    f"{ratio:.2f}×",
                    ratio <= 1.5,
                    f"{'under' if ratio <= 1.5 else 'over'} by {abs(1.5 - ratio):.2f}×",
                )
            )
    for scale in scales:
        check, pandas = records.get((scale, "check")), records.get((scale, "pandas"))
        if not check or not pandas:
            continue
        need = 10.0 if scale in "ML" else 1.0
        label = f"check {'≥ 10×' if need > 1 else ''} faster than pandas at {scale}".replace("  ", " ")
        if pandas["status"] != "ok":
            met = check["status"] == "ok"
            rows.append(
                (
                    label,
                    f"pandas {STATUS[pandas['status']]}; check {STATUS[check['status']]}",
                    met,
                    "check finishes where pandas cannot" if met else "neither finished",
                )
            )
        else:
            speedup = pandas["wall_s"] / check["wall_s"]
            rows.append(
                (
                    label,
                    f"{speedup:.2f}×",
                    speedup >= need,
                    f"{speedup / need:.2f} of the target" if speedup < need else f"{speedup / need:.1f}× the target",
                )
            )
    for tool in ("check", "report"):
        r = records.get(("L", tool))
        if r:
            gib = r["peak_rss_mib"] / 1024
            rows.append(
                (
                    f"{tool} peak memory < 4 GB at L",
                    f"{gib:.2f} GiB",
                    gib < 4 and r["status"] == "ok",
                    f"{abs(4 - gib):.2f} GiB {'under' if gib < 4 else 'over'}",
                )
            )
    for scale in scales:
        r = records.get((scale, "report"))
        if r and r.get("html"):
            worst = max(r["html"], key=lambda h: h["beyond_plotly_bytes"])
            b = worst["beyond_plotly_bytes"]
            rows.append(
                (
                    f"each report HTML < 1 MB beyond plotly.js at {scale}",
                    f"largest {worst['file']}: {b / MB:.2f} MB",
                    b < MB,
                    f"{abs(MB - b) / MB:.2f} MB {'under' if b < MB else 'over'}",
                )
            )
    r = records.get(("M", "reopen"))
    if r and r["status"] == "ok":
        rows.append(
            (
                "re-opening an unchanged M extract < 1 s",
                f"{r['wall_s']:.2f} s (first {r['first_s']:.2f} s)",
                r["wall_s"] < 1,
                f"{abs(1 - r['wall_s']):.2f} s {'under' if r['wall_s'] < 1 else 'over'}",
            )
        )
    lines = ["| target | measured | met | by how much |", "|---|---|---|---|"]
    lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} | {how} |" for t, m, ok, how in rows]
    return "\n".join(lines)


def render(docs: list[dict]) -> str:
    records, extracts = merged(docs)
    scales = sorted({s for s, _ in records}, key="SML".index)
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
