"""``gdpr-audit report``: the period folder, offline HTML, no identifiers, atomic replacement, lifecycle.

Rendering costs one kernel per notebook, so each extract is rendered once: the tiny ones per module,
the sample once per session (``sample_report`` in conftest.py). Every test here is ``slow``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from audit_lib import cli, nb, report
from audit_lib.commands import audit_to_folder
from audit_lib.extract import Extract
from audit_lib.insights import summary
from audit_lib.nb import Run
from audit_lib.policy import load_policy
from conftest import ROOT, write_extract

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SAMPLE = ROOT / "sample_data"
HAS_SAMPLE = SAMPLE.is_dir() and any(p.name.startswith("persons") for p in SAMPLE.iterdir())
XSS = "<script>alert(1)</script>"
PLOTLY_BANNER = re.compile(r"var Plotly=\(")  # the start of the audit's plotly.js bundle (nb.plotly_js)
pytestmark = pytest.mark.slow
PLOTLY_SCRIPT = re.compile(r"<script[^>]*>var Plotly=\(.*?</script>", re.S)


def persons(missing: dict[str, str], unreadable: set[str]) -> list[dict]:
    rows = []
    for i in range(1, 6):
        row = {
            "person_id": f"p{i}",
            "subject_type": "customer",
            "collected_at": "2026-05-01",
            "first_name": f"Anneke{i}",
            "last_name": f"Vermeulen{i}",
            "email": f"anneke{i}@example.nl",
            "phone": f"+31 6 1234 56{i:02d}",
            "postal_address": f"Kerkstraat {i}, Utrecht",
        }
        if row["person_id"] in missing:
            row[missing[row["person_id"]]] = ""
        if row["person_id"] in unreadable:
            row["collected_at"] = "notadate"
        rows.append(row)
    return rows


RECIPIENTS = [  # the first has no country: a data-quality finding whose record id is markup
    {"recipient_id": XSS, "name": XSS, "role": "advisor", "country": ""},
    {"recipient_id": "R2", "name": "Acme <b>BV</b>", "role": "advisor", "country": "BE"},
]
LOGS = [{"ts": "2026-09-15T10:00:00Z", "ip": "203.0.113.77", "person_id": "p1", "event": "login"}]
# September: p1 and p2 miss a value, p3's date is unreadable, the recipient misses its country.
SEPTEMBER = {
    "persons": persons({"p1": "collected_at", "p2": "subject_type"}, {"p3"}),
    "recipients": RECIPIENTS,
    "connection_logs": LOGS,
}
# October: p1 fixed (resolved); p2, p3 and the recipient still open; p4 misses a value (new).
OCTOBER = {
    "persons": persons({"p2": "subject_type", "p4": "collected_at"}, {"p3"}),
    "recipients": RECIPIENTS,
    "connection_logs": LOGS,
}


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory) -> tuple[Path, Path]:
    """The reports folder holding September's findings, then October 2026 rendered from two tiny extracts.

    Only September's findings matter to October's report (trend, lifecycle), so September is a
    ``gdpr-audit check`` folder: a first period's rendering is the session's sample report.
    """
    base = tmp_path_factory.mktemp("report")
    out = base / "reports"
    audit_to_folder(
        write_extract(base / "extract-2026-09", SEPTEMBER), dt.date(2026, 9, 30), None, out / "2026-09", quiet=True
    )
    october = write_extract(base / "extract-2026-10", OCTOBER)
    report.render_period(october, dt.date(2026, 10, 31), None, out, quiet=True)
    return out, october


@pytest.fixture(scope="module", params=["tiny"] + (["sample"] if HAS_SAMPLE else []))
def period(request, tmp_path_factory) -> tuple[Path, Path]:
    """(rendered period folder, its extract): the tiny October extract, and sample_data when it exists."""
    if request.param == "tiny":
        out, extract = request.getfixturevalue("two_periods")
        return out / "2026-10", extract
    return request.getfixturevalue("sample_report"), SAMPLE


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


def test_period_folder_layout(period):
    folder, _ = period
    expected = {
        "index.html",
        "evidence.html",
        "findings.csv",
        "findings.parquet",
        "findings.xlsx",
        "manifest.json",
        "triage_template.csv",
    }
    expected |= {nb.name for nb in NOTEBOOKS} | {f"{nb.stem}.html" for nb in NOTEBOOKS}
    assert {p.name for p in folder.iterdir()} == expected
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_manifest_lists_every_report_file_with_its_sha256(period):
    folder, _ = period
    import json

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {r["path"]: r["sha256"] for r in manifest["reports"]}
    assert set(listed) == {p.name for p in folder.iterdir() if p.suffix in (".html", ".ipynb")}
    assert all(hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha for name, sha in listed.items())


def test_no_script_or_stylesheet_loaded_from_the_internet(period):
    folder, _ = period
    for page in html_files(folder):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", text, re.I), page.name
        assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", text, re.I), page.name


def test_plotly_js_embedded_exactly_once_per_html_with_a_chart(period):
    folder, _ = period
    charts = 0
    for page in html_files(folder):
        text = page.read_text(encoding="utf-8")
        has_chart = 'class="plotly-graph-div' in text
        charts += has_chart
        assert len(PLOTLY_BANNER.findall(text)) == (1 if has_chart else 0), page.name
    assert charts >= 1  # the summary has charts


def test_html_beyond_plotly_js_under_one_megabyte(period):
    folder, _ = period
    for page in html_files(folder):
        rest = PLOTLY_SCRIPT.sub("", page.read_text(encoding="utf-8"))
        assert len(rest.encode("utf-8")) < 1_000_000, page.name


def test_management_html_shows_no_code_and_no_prompts(period):
    folder, _ = period
    for page in html_files(folder):
        text = page.read_text(encoding="utf-8")
        assert "nb.open_run" not in text and "jp-InputPrompt" not in text and "jp-OutputPrompt" not in text, page.name
        assert "@media print" in text, page.name


def test_recipient_named_script_tag_shows_as_escaped_text(two_periods):
    out, _ = two_periods
    for page in html_files(out / "2026-10"):
        assert XSS not in page.read_text(encoding="utf-8"), page.name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / "2026-10" / "90_summary.html").read_text(encoding="utf-8")


def identifiers(extract: Path) -> set[str]:
    """Full names, e-mails, phones, addresses and IPs present in the extract.

    A first or last name alone is not searched: "Maria" or "August" occur in plotly.js itself.
    """
    values: set[str] = set()
    with Extract(extract, dt.date(2026, 10, 31)) as ex:
        if "persons" in ex.provided:
            frame = ex.sql(
                "SELECT concat_ws(' ', first_name, last_name) AS full_name, email, phone, postal_address "
                "FROM persons LIMIT 500"
            )
            values |= {str(v) for v in frame.to_numpy().ravel() if v is not None and str(v).strip()}
        if "connection_logs" in ex.provided:
            values |= {
                str(v) for v in ex.sql("SELECT DISTINCT ip FROM connection_logs WHERE ip IS NOT NULL LIMIT 500")["ip"]
            }
    return {v for v in values if len(v) >= 5}  # a 3-letter name would match unrelated text


def _strings(node) -> list[str]:
    """Every string of a notebook's JSON; a list of lines (nbformat's multi-line form) joined back."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        if node and all(isinstance(x, str) for x in node):
            return ["".join(node)]
        return [t for x in node for t in _strings(x)]
    if isinstance(node, dict):
        return [t for x in node.values() for t in _strings(x)]
    return []


def file_texts(folder: Path):
    """(name, text) of every file, without the embedded plotly.js library (a fixed asset, no extract data):
    searching thousands of identifiers through megabytes of it cost a minute."""
    bundle = nb.plotly_js()
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    yield f"{path.name}:{name}", z.read(name).decode("utf-8", "replace")
        elif path.suffix == ".ipynb":
            yield path.name, "\n".join(_strings(json.loads(path.read_text(encoding="utf-8")))).replace(bundle, "")
        elif path.is_file():
            yield path.name, path.read_bytes().decode("utf-8", "replace").replace(bundle, "")


def test_no_name_email_phone_or_ip_from_the_extract_in_any_file(period):
    folder, extract = period
    secrets = identifiers(extract)
    assert secrets  # the extract has identifiers to look for
    for name, text in file_texts(folder):
        leaked = sorted(s for s in secrets if s in text)
        assert leaked == [], f"{name} contains {leaked[:3]}"


def test_lifecycle_new_still_open_resolved_against_the_previous_period(two_periods):
    out, extract = two_periods
    run = Run(data=extract, as_of=dt.date(2026, 10, 31), policy=load_policy(), run_dir=out / "2026-10")
    counts = summary.lifecycle_counts(run, out)
    assert dict(zip(counts["status"], counts["findings"])) == {
        "new": 1,
        "still open": 3,
        "resolved": 1,
        "not checked": 0,
    }
    assert set(counts["since"]) == {"2026-09"}
    life = summary.lifecycle(run, out)
    assert set(life.loc[life["status"] == "new", "record_id"]) == {"p4"}
    assert set(life.loc[life["status"] == "resolved", "record_id"]) == {"p1"}
    assert set(life.loc[life["status"] == "still open", "record_id"]) == {"p2", "p3", XSS}
    index = (out / "2026-10" / "index.html").read_text(encoding="utf-8")
    assert "<b>1</b>New" in index and "<b>3</b>Still open" in index and "<b>1</b>Resolved" in index


def test_trend_series_over_both_periods(two_periods):
    """Data-quality findings are a series of their own, apart from the severities."""
    out, extract = two_periods
    run = Run(data=extract, as_of=dt.date(2026, 10, 31), policy=load_policy(), run_dir=out / "2026-10")
    series = summary.trend(run, out)
    assert {(r.period, r.severity, r.findings) for r in series.itertuples()} == {
        ("2026-09", "high", 0),
        ("2026-09", "medium", 0),
        ("2026-09", "low", 0),
        ("2026-09", "data quality", 4),
        ("2026-10", "high", 0),
        ("2026-10", "medium", 0),
        ("2026-10", "low", 0),
        ("2026-10", "data quality", 4),
    }


def test_first_period_has_every_finding_new(two_periods):
    out, _ = two_periods
    run = Run(data=out, as_of=dt.date(2026, 9, 30), policy=load_policy(), run_dir=out / "2026-09")
    counts = summary.lifecycle_counts(run, out)
    assert dict(zip(counts["status"], counts["findings"])) == {
        "new": 4,
        "still open": 0,
        "resolved": 0,
        "not checked": 0,
    }


def test_traffic_light_per_section(two_periods):
    out, extract = two_periods
    run = Run(data=extract, as_of=dt.date(2026, 10, 31), policy=load_policy(), run_dir=out / "2026-10")
    lights = summary.traffic_lights(run).set_index("section")["light"].to_dict()
    assert lights["§6"] == "amber"  # only medium data-quality findings
    assert lights["§9"] == "grey"  # rights_requests and breaches not provided
    assert set(lights) >= {"§3.1", "§4", "§5", "§7", "§9", "§10"}


def test_sections_of_policy_refs():
    assert summary.sections_of("§9.7") == ["§9"]
    assert summary.sections_of("§5, §7") == ["§5", "§7"]
    assert summary.sections_of("§3.2") == ["§3.2"]
    assert summary.sections_of("§10") == ["§10"]
    assert summary.sections_of("§3.1") == ["§3.1"]


def failing_notebooks(folder: Path) -> Path:
    """A notebooks folder whose only notebook raises KeyError in its third cell."""
    folder.mkdir()
    src = ROOT / "notebooks" / "90_summary.ipynb"
    params = nbformat.read(src, as_version=4).cells[1]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Fails"), params, nbformat.v4.new_code_cell("raise KeyError('boom')")]
    )
    nbformat.write(nb, folder / "07_fails.ipynb")
    return folder


def test_failing_notebook_leaves_previous_period_byte_identical(two_periods, tmp_path, monkeypatch, capsys):
    out = tmp_path / "reports"
    shutil.copytree(two_periods[0], out)
    before = tree_hashes(out)
    monkeypatch.setattr(report, "NOTEBOOKS_DIR", failing_notebooks(tmp_path / "notebooks"))
    code = cli.main(["report", "--data", str(two_periods[1]), "--period", "2026-10", "--out", str(out)])
    err = capsys.readouterr().err
    assert code != 0
    assert "gdpr-audit: error: 07_fails.ipynb, cell 3: KeyError: 'boom'" in err.splitlines()
    assert "[1/1] 07_fails.ipynb ..." in err
    assert tree_hashes(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["2026-09", "2026-10"]


def test_ctrl_c_leaves_previous_period_byte_identical_quietly(two_periods, tmp_path, monkeypatch, capsys):
    import papermill

    out = tmp_path / "reports"
    shutil.copytree(two_periods[0], out)
    before = tree_hashes(out)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(papermill, "execute_notebook", interrupted)
    monkeypatch.setattr(report, "NOTEBOOKS_DIR", failing_notebooks(tmp_path / "notebooks"))
    code = cli.main(["report", "--data", str(two_periods[1]), "--period", "2026-10", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err.splitlines()
    assert code != 0
    assert err == ["gdpr-audit: error: 07_fails.ipynb: interrupted (Ctrl-C)"]
    assert tree_hashes(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["2026-09", "2026-10"]


def test_no_notebooks_is_a_one_line_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(report.ReportError, match="no notebooks matching"):
        report.render_period(tmp_path, dt.date(2026, 10, 31), None, tmp_path / "out", notebooks_dir=tmp_path / "empty")


def test_light_sections_come_from_the_policy_file():
    """A policy titled or numbered differently changes the lights with no code change."""
    policy = load_policy()
    sections = [
        s.model_copy(update={"title": "Bewaring"}) if s.policy_ref == "§4" else s
        for s in policy.sections
        if s.policy_ref != "§10"
    ]
    lights = summary.light_sections(policy.model_copy(update={"sections": sections}))
    assert lights["§4"] == "Bewaring"
    assert "§10" not in lights and "§1" not in lights  # a section no check cites gets no light
    assert list(summary.light_sections()) == ["§3.1", "§3.2", "§4", "§5", "§6", "§7", "§9", "§9.4", "§10"]


def test_a_month_folder_is_small_and_each_page_carries_plotly_once(period):
    """Issue 17: <= 12 MB a month; each page opens offline on its own (its own copy of plotly.js)."""
    folder, _ = period
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert total <= 12 * 1024 * 1024, f"{total / 1024 / 1024:.1f} MB"
    head = nb.plotly_js()[:300]
    charted = 0
    for page in folder.glob("[0-9][0-9]_*.html"):
        text = page.read_text(encoding="utf-8")
        if "plotly-graph-div" in text:
            charted += 1
            assert text.count(head) == 1, page.name
    assert charted >= 5
    for kept in folder.glob("*.ipynb"):  # the executed notebooks keep each chart as JSON, not the library
        assert head not in kept.read_text(encoding="utf-8"), kept.name


def test_pages_from_one_exporter_drop_stderr_and_keep_the_notebook_whole(two_periods, tmp_path):
    """The exporter is made once per process: each page still gets its own title, the page drops what
    libraries printed to stderr, and the executed notebook beside it keeps that output."""
    from audit_lib import report_html

    out, october = two_periods
    run = Run(october, dt.date(2026, 10, 31), load_policy(None), run_dir=out / "2026-10")
    pages = []
    for title in ("First page", "Second page"):
        cells = [nbformat.v4.new_code_cell("print('shown')"), nbformat.v4.new_markdown_cell(f"# {title}")]
        cells[0].outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="shown output\n"),
            nbformat.v4.new_output("stream", name="stderr", text="LibraryWarning: noise\n"),
        ]
        path = tmp_path / f"{title.split()[0]}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
        pages.append((title, path, report_html.notebook_page(path, title, run)))
    for title, path, page in pages:
        html = page.read_text(encoding="utf-8")
        assert f"<title>{title}</title>" in html and "shown output" in html and "LibraryWarning" not in html
        kept = nbformat.read(path, as_version=4).cells[0].outputs
        assert [o.name for o in kept] == ["stdout", "stderr"]
