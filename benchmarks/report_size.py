"""The size of each report HTML file beyond its embedded plotly.js (target: under 1 MB)."""

from __future__ import annotations

from pathlib import Path

MB = 1_000_000


def plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs  # noqa: PLC0415

    return get_plotlyjs().encode("utf-8")


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
