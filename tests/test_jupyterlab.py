"""A notebook in a real JupyterLab (server started here, Chromium via Playwright, network cut off):
Run All twice, save, close, reopen: every chart is drawn again and nothing logs "Plotly is not defined".

Needs Debian's chromium (``scripts/install_browser.sh``): skipped locally without it, fails under CI=true.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, need_chromium

NOTEBOOK = "02_retention.ipynb"
TOKEN = "audit-test-token"
RUN_TIMEOUT = 240_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def charts_in(path: Path) -> int:
    """How many charts the notebook shows (one ``nb.show`` per chart)."""
    return sum(c.source.count("nb.show(") for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free local port serving a folder with one copied notebook."""
    need_chromium()
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, root / NOTEBOOK)
    home = root.parent / f"{root.name}-home"
    home.mkdir()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    # every cell in the page (no windowing: a chart below the fold is then in the DOM to be counted), no news
    settings = home / "settings"
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}', encoding="utf-8"
    )
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false"}', encoding="utf-8"
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={TOKEN}",
            "--ServerApp.open_browser=False",
            "--allow-root",
            "--LabApp.extension_manager=readonly",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield url, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _open_notebook(browser, url: str, errors: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.route("**/*", lambda route, request: route.continue_() if request.url.startswith(url) else route.abort())
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={TOKEN}", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
    # JupyterLab may ask which kernel to start (a fresh settings folder): take the one it proposes
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog .jp-mod-accept")
        if dialog.count():
            dialog.first.click()
        elif page.locator(
            ".jp-NotebookPanel-toolbar .jp-KernelStatus, .jp-Notebook-ExecutionIndicator"
        ).count() and page.evaluate(
            "() => /Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')?.textContent || '')"
        ):
            break
        page.wait_for_timeout(500)
    return page


PROMPTS = "[...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')]"


def _run_all(page, after: int = 0) -> int:
    """Run > Run All Cells; wait until every code cell shows an execution count above ``after``; the highest."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_function(
        f"""(after) => {{ const n = {PROMPTS}.map(e => parseInt((e.textContent.match(/\\[(\\d+)\\]/) || [])[1] || '0'));
                   return n.length > 0 && n.every(v => v > after); }}""",
        arg=after,
        timeout=RUN_TIMEOUT,
    )
    return page.evaluate(f"() => Math.max(...{PROMPTS}.map(e => parseInt(e.textContent.match(/\\d+/)[0])))")


def _drawn(page) -> int:
    return page.evaluate(
        "() => document.querySelectorAll('.jp-NotebookPanel .js-plotly-plot .main-svg').length "
        "? [...document.querySelectorAll('.jp-NotebookPanel .js-plotly-plot')]"
        ".filter(d => d.querySelector('.main-svg')).length : 0"
    )


def test_charts_survive_run_all_twice_save_and_reopen(lab):
    from playwright.sync_api import sync_playwright

    url, root = lab
    expected = charts_in(root / NOTEBOOK)
    assert expected >= 2
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = _open_notebook(browser, url, errors)
        try:
            first = _run_all(page)
            second = _run_all(page, after=first)
        except Exception:
            page.screenshot(path=str(root.parent / "jupyterlab-failure.png"))  # kept beside the test folder
            raise
        page.wait_for_function(
            f"() => document.querySelectorAll('.jp-NotebookPanel .js-plotly-plot').length >= {expected}", timeout=60_000
        )
        after_runs = _drawn(page)
        page.keyboard.press("Control+s")
        page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
        page.close()
        saved = nbformat.read(root / NOTEBOOK, as_version=4)
        plotly_outputs = sum(
            "application/vnd.plotly.v1+json" in o.get("data", {})
            for c in saved.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
        )
        page = _open_notebook(browser, url, errors)  # a fresh page: the notebook is read back from disk
        # plotly's JupyterLab renderer shows the saved picture of each chart, and the live chart on hover
        page.wait_for_function(
            f"() => document.querySelectorAll('.jp-RenderedPlotly').length >= {expected}", timeout=60_000
        )
        page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-RenderedPlotly')].every(
            r => r.querySelector('.main-svg') || (r.querySelector('img.plot-img')?.naturalWidth || 0) > 100)""",
            timeout=60_000,
        )
        reopened = page.evaluate("""() => [...document.querySelectorAll('.jp-RenderedPlotly')].filter(
            r => r.querySelector('.main-svg') || (r.querySelector('img.plot-img')?.naturalWidth || 0) > 100).length""")
        page.locator(".jp-RenderedPlotly").first.scroll_into_view_if_needed()
        page.locator(".jp-RenderedPlotly").first.hover()
        page.wait_for_function("() => document.querySelector('.jp-RenderedPlotly .main-svg')", timeout=30_000)
        live = page.locator(".jp-RenderedPlotly .main-svg").count() > 0
        page.close()
        browser.close()
    assert second >= 2 * first  # the second Run All ran every cell again
    assert plotly_outputs == expected
    assert after_runs == expected
    assert reopened == expected
    assert live  # the picture turns into the interactive chart
    assert [e for e in errors if "Plotly" in e or "plotly" in e] == []
    assert errors == [], errors[:5]
