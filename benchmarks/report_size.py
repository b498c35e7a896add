"""The size of a month folder and of each report page beyond its embedded plotly.js.

Targets: a month folder ≤ 12 MB at every scale (a mail server accepts it), each page < 1 MB beyond plotly.js.
"""

from __future__ import annotations

from pathlib import Path

MB = 1_000_000


def plotly_js() -> bytes:
    """The plotly.js the pages embed: the audit's own bundle (``scripts/build_plotly_bundle.sh``)."""
    from audit_lib.nb import plotly_js as bundle  # noqa: PLC0415

    return bundle().encode("utf-8")


def html_sizes(folder: Path) -> list[dict]:
    """Per HTML file: its bytes, the copies of plotly.js in it, and the bytes beyond them."""
    bundle = plotly_js()
    rows = []
    for page in sorted(folder.glob("*.html")):
        data = page.read_bytes()
        copies = data.count(bundle)
        beyond = len(data) - copies * len(bundle)
        rows.append(
            {
                "file": page.name,
                "bytes": len(data),
                "plotly_js_copies": copies,
                "plotly_js_bytes": copies * len(bundle),
                "beyond_plotly_bytes": beyond,
                "under_1mb": beyond < MB,
            }
        )
    return rows


def folder_bytes(folder: Path) -> int:
    """Every file of a month folder (pages, notebooks, findings, manifest): what is mailed or archived."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
