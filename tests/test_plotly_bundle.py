"""The audit's plotly.js bundle (audit_lib/data/js, issue 17): every trace type the reports draw, offline."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from audit_lib import nb

ROOT = Path(__file__).resolve().parents[1]
TRACES = {"bar", "heatmap", "histogram", "choropleth", "scattergeo", "pie", "scatter"}


def _traces_drawn_by_the_reports() -> set[str]:
    """Trace types the chart code creates (px.bar -> bar, go.Heatmap -> heatmap, ...)."""
    code = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "audit_lib" / "insights").glob("*.py"))
    code += " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "notebooks").glob("*.ipynb"))
    px = {m.lower() for m in re.findall(r"\bpx\.([a-z_]+)\(", code)}
    go = {m.lower() for m in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", code)} - {"figure"}
    return {{"line": "scatter", "scatter_geo": "scattergeo"}.get(t, t) for t in px | go}


def test_bundle_registers_every_trace_type_the_reports_use():
    js = nb.plotly_js()
    registered = set(re.findall(r'moduleType:"trace",name:"([a-z0-9]+)"', js))
    assert registered == TRACES
    used = _traces_drawn_by_the_reports()
    assert used and used <= registered, used - registered
    assert js.startswith("var Plotly=") and 'version="4.1.1"' in js
    assert "</script" not in js.lower()  # safe to inline in a <script> element
    assert 1_000_000 < len(js.encode()) < 2_000_000  # the full plotly.min.js is 4.8 MB


def test_script_tags_embed_the_bundle_once():
    tags = nb.plotly_script()
    assert tags.count("<script") == 2 and tags.count(nb.plotly_js()) == 1


@pytest.mark.skipif(
    not shutil.which("chromium") and not Path("/usr/bin/chromium").exists(),
    reason="needs chromium for a headless render",
)
def test_bundle_draws_each_trace_offline_in_chromium(tmp_path):
    figures = {
        "bar": "{type:'bar', x:['a','b'], y:[1,2]}",
        "heatmap": "{type:'heatmap', z:[[1,2],[3,4]]}",
        "histogram": "{type:'histogram', x:[1,2,2,3]}",
        "choropleth": "{type:'choropleth', locations:['BEL','USA'], z:[1,2], locationmode:'ISO-3'}",
        "scattergeo": "{type:'scattergeo', lon:[4.35], lat:[50.85]}",
        "pie": "{type:'pie', values:[1,2], labels:['a','b']}",
        "scatter": "{type:'scatter', x:[1,2], y:[1,2]}",
    }
    divs = "".join(f"<div id='{t}'></div>" for t in figures)
    calls = "".join(
        f"try {{ Plotly.newPlot('{t}', [{trace}]).then(function() {{ done('{t}', "
        f"document.querySelectorAll('#{t} .main-svg').length > 0) }}); }} catch (e) {{ done('{t}', false) }}"
        for t, trace in figures.items()
    )
    page = (
        f"<!doctype html><html><body>{divs}<pre id='out'></pre>{nb.plotly_script()}{nb._geo_assets()}"
        "<script>function done(t, ok) { document.getElementById('out').textContent += t + '=' + ok + ';' }"
        f"{calls}</script></body></html>"
    )
    html = tmp_path / "page.html"
    html.write_text(page, encoding="utf-8")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=10000",
            "--dump-dom",
            html.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    out = re.search(r"<pre id=\"out\">([^<]*)</pre>", dom)
    assert out, dom[-500:]
    results = dict(item.split("=") for item in out.group(1).strip(";").split(";"))
    assert results == {t: "true" for t in figures}
