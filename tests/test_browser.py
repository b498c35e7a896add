"""The rendered reports in a real browser (Debian's chromium via Playwright), with the network cut off.

Every HTML of a rendered period must load from file:// alone, log no console error, draw every plotly
chart, and show something (a screenshot that is not a single colour). Install the browser with
``scripts/install_browser.sh``. Without it the test fails under CI=true and is skipped locally.
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest

from audit_lib import report
from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, need_chromium, write_extract

pytestmark = pytest.mark.slow
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
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
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


def _open(browser, path: Path, width: int = 1280, media: str = "screen"):
    """A page of the period loaded offline, its charts drawn."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route("**/*", lambda route, request: route.continue_() if request.url.startswith("file://") else route.abort())
    page.emulate_media(media=media)
    page.goto(path.as_uri(), wait_until="load")
    if page.locator(".plotly-graph-div").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('svg'))",
            timeout=30_000,
        )
    return page


def test_landing_page_starts_with_act_first(rendered, browser):
    page = _open(browser, rendered / "index.html")
    rows = page.locator("#act-first table tbody tr").count()
    headers = page.locator("#act-first table thead th").all_inner_texts()
    act_top = page.locator("#act-first").bounding_box()["y"]
    lights_top = page.locator("h2", has_text="Where we stand").bounding_box()["y"]
    evidence_on_landing = page.locator("dl.evidence").count()
    page.close()
    assert rows >= (10 if HAS_SAMPLE else 1)
    assert {"problem", "owner", "due", "first seen", "days open"} <= set(headers)
    assert act_top < lights_top  # act first comes before the traffic lights
    assert evidence_on_landing == 0  # the fingerprints are on the appendix page


def test_no_horizontal_scroll_at_phone_width(rendered, browser):
    wide = {}
    for path in sorted(rendered.glob("*.html")):
        page = _open(browser, path, width=390)
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        inner = page.evaluate("() => window.innerWidth")
        page.close()
        if scroll > inner:
            wide[path.name] = scroll
    assert wide == {}, f"pages wider than 390 px: {wide}"


@pytest.mark.parametrize("name", ["04_transfers.html", "01_intake.html", "evidence.html"])
def test_printed_pdf_holds_every_column_header(rendered, browser, name):
    import io
    import re as _re
    import unicodedata

    from pypdf import PdfReader

    page = _open(browser, rendered / name, media="print")
    headers = page.evaluate(
        "() => [...document.querySelectorAll('table.audit th')].map(t => t.textContent.trim()).filter(Boolean)"
    )
    # in print layout, every header cell lies within the printable width of A4 (210 mm less 2 x 12 mm margins)
    printable = 186 / 25.4 * 96
    page.set_viewport_size({"width": int(printable), "height": 1100})
    overflow = page.evaluate(
        """(w) => [...document.querySelectorAll('table.audit th, table.audit td')]
        .filter(c => c.getBoundingClientRect().right > w + 1).length""",
        printable,
    )
    pdf = page.pdf(format="A4", print_background=True)
    page.close()
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    # wrapped headers lose spaces and hyphens; NFKC undoes the font's ligatures ("ﬁ" -> "fi")
    squeeze = lambda s: _re.sub(r"[\s\-\u00ad]+", "", unicodedata.normalize("NFKC", s))  # noqa: E731
    missing = sorted({h for h in headers if squeeze(h) not in squeeze(text)})
    assert len(headers) >= 5
    assert missing == [], f"{name}: {len(missing)} header(s) not in the PDF: {missing[:5]}"
    assert overflow == 0, f"{name}: {overflow} table cells beyond the printable width"
