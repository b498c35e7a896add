"""The rendered reports in a real browser (Debian's chromium via Playwright), with the network cut off.

Every HTML of a rendered period must load from file:// alone, log no console error, draw every plotly
chart, and show something (a screenshot that is not a single colour). Install the browser with
``scripts/install_browser.sh``. Without it the test fails under CI=true and is skipped locally.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from pathlib import Path

import pytest

from audit_lib import report
from conftest import ROOT, write_extract

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SAMPLE = ROOT / "sample_data"
HAS_SAMPLE = SAMPLE.is_dir() and any(p.name.startswith("persons") for p in SAMPLE.iterdir())
TINY = {
    "persons": [
        {"person_id": "p1", "subject_type": "customer", "collected_at": "2026-05-01"},
        {"person_id": "p2", "subject_type": "", "collected_at": "2026-05-01"},
    ],
    "recipients": [{"recipient_id": "R1", "name": "Acme", "role": "processor", "country": "US"}],
}
# Counts distinct colours of a PNG (base64) by drawing it on a canvas; runs in the browser, offline.
COLOURS_JS = """async (b64) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + b64;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  const seen = new Set();
  for (let i = 0; i < d.length && seen.size < 50; i += 4 * 97) seen.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]);
  return seen.size;
}"""


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: run scripts/install_browser.sh"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def rendered(request, tmp_path_factory) -> Path:
    """A period rendered with every notebook: the session's sample report when present, else a tiny extract."""
    if HAS_SAMPLE:
        return request.getfixturevalue("sample_report")
    base = tmp_path_factory.mktemp("browser")
    return report.render_period(
        write_extract(base / "extract", TINY), dt.date(2026, 10, 31), None, base / "reports", quiet=True
    )


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def test_every_report_page_works_offline_in_chromium(rendered, browser):
    pages = sorted(rendered.glob("*.html"))
    assert "index.html" in {p.name for p in pages} and len(pages) >= 2
    for path in pages:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        left, errors = [], []

        def block(route, request, left=left):
            if request.url.startswith("file://"):
                route.continue_()
            else:
                left.append(request.url)
                route.abort()

        page.route("**/*", block)
        page.on("console", lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.goto(path.as_uri(), wait_until="load")
        charts = page.locator(".plotly-graph-div").count()
        if charts:
            page.wait_for_function(
                "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('svg'))",
                timeout=30_000,
            )
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('.plotly-graph-div')].filter(d => d.querySelector('svg')).length"
        )
        shot = base64.b64encode(page.screenshot()).decode()
        colours = page.evaluate(COLOURS_JS, shot)
        page.close()
        assert left == [], f"{path.name} tried to reach {left[:3]}"
        assert errors == [], f"{path.name}: {errors[:3]}"
        assert drawn == charts, f"{path.name}: {drawn} of {charts} charts drawn"
        assert colours > 1, f"{path.name}: the screenshot is blank"
    assert any(p.name == "90_summary.html" for p in pages)


def test_the_transfer_world_map_draws_its_countries_offline(rendered, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/*", lambda route, request: route.continue_() if request.url.startswith("file://") else route.abort())
    page.goto((rendered / "04_transfers.html").as_uri(), wait_until="load")
    # plotly draws a country only once it has the map outlines (embedded: no CDN is reachable here)
    page.wait_for_function("() => document.querySelectorAll('.geo path.choroplethlocation').length > 0", timeout=30_000)
    countries = page.evaluate("() => document.querySelectorAll('.geo path.choroplethlocation').length")
    page.close()
    assert countries >= (10 if HAS_SAMPLE else 1)
