"""The report's HTML: each executed notebook without code or prompts, and the landing page index.html.

Nothing is loaded from the internet: the nbconvert template in ``templates/audit`` drops require.js,
MathJax and Mermaid, and plotly.js is embedded by the notebooks themselves (once per notebook).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import nbformat
from markupsafe import Markup

from .nb import Run

TEMPLATES = Path(__file__).parent / "templates"
CSS = (TEMPLATES / "report.css").read_text(encoding="utf-8") if (TEMPLATES / "report.css").exists() else ""


def notebook_page(executed: Path, title: str, run: Run) -> Path:
    """Write ``<name>.html`` beside the executed notebook and keep plotly.js in the page only; return it."""
    nb = nbformat.read(executed, as_version=4)
    page = executed.with_suffix(".html")
    page.write_text(notebook_html(nb, title, run), encoding="utf-8")
    drop_embedded_plotly(nb)
    nbformat.write(nb, executed)
    return page


def landing_pages(folder: Path, run: Run, titles: dict[str, str], reports_root: Path) -> list[Path]:
    """Write ``index.html`` (linking the notebook pages ``titles`` names) and ``evidence.html``; return them."""
    index = folder / "index.html"
    index.write_text(index_html(run, titles, reports_root), encoding="utf-8")
    appendix = folder / "evidence.html"
    appendix.write_text(evidence_page(run), encoding="utf-8")
    return [index, appendix]


def drop_embedded_plotly(nb) -> None:
    """Keep plotly.js in the HTML page only: the executed notebook beside it carries each chart as plotly's
    JSON (which JupyterLab draws), not a second copy of the library (a month folder stays small)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "application/vnd.plotly.v1+json" in data:
                data.pop("text/html", None)


def title_of(nb, default: str) -> str:
    """The notebook's first markdown heading, in plain text."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return default


def notebook_html(nb, title: str, run: Run) -> str:
    """One executed notebook as management HTML: no code, no prompts, no warnings printed by libraries.

    ``nb`` is left as it was (its stderr outputs are set aside for the page only)."""
    kept = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            kept[i] = cell.get("outputs", [])
            cell.outputs = [o for o in kept[i] if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    try:
        body, _ = _exporter().from_notebook_node(  # nbconvert works on its own deep copy of nb
            nb,
            resources={
                "metadata": {"name": title},
                "audit_css": CSS,
                "audit_heading": f"GDPR audit · {run.as_of:%B %Y} · as of {run.as_of.isoformat()}",
                "audit_footer": footer(run),
            },
        )
    finally:
        for i, outputs in kept.items():
            nb.cells[i].outputs = outputs
    return body


@functools.cache
def _exporter():
    """One exporter per process: a new one compiled its ten Jinja templates again for every page
    (0.15 s each). The report writes its pages from one thread (report.py)."""
    from nbconvert import HTMLExporter  # noqa: PLC0415 - slow import

    return HTMLExporter(
        template_name="audit",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def footer(run: Run) -> str:
    tool = run.manifest.get("tool", {})
    return (
        f"{tool.get('name', 'gdpr-audit')} {tool.get('version', '')} · policy sha256 "
        f"{run.manifest.get('policy', {}).get('sha256', '')[:16]}… · rendered "
        f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC"
    )


def _landing(name: str, **context) -> str:
    """Render a landing template (``templates/landing``), autoescaped; HTML fragments are passed as Markup."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: PLC0415

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES / "landing")),
        autoescape=select_autoescape(["j2", "html"]),
        keep_trailing_newline=True,
    )
    return env.get_template(name).render(css=Markup(CSS), **context)


def index_html(run: Run, titles: dict[str, str], reports_root: Path) -> str:
    """The landing page: coverage warning, act first, overdue, traffic lights, what changed, links."""
    from .insights import summary  # noqa: PLC0415
    from .nb import table  # noqa: PLC0415

    changes = summary.lifecycle_counts(run, reports_root)
    by_status = dict(zip(changes["status"], changes["findings"]))
    triage = summary.triage_counts(run, reports_root)
    reg = summary.working_register(run, reports_root)
    open_reg = reg[reg["is_open"]]
    tiles = [
        ("Open findings", len(open_reg)),
        ("High severity, open", int((open_reg["severity"] == "high").sum())),
        ("Overdue", int(reg["overdue"].sum())),
        ("New", by_status["new"]),
        ("Still open", by_status["still open"]),
        ("Resolved", by_status["resolved"]),
        ("Not checked this month", by_status["not checked"]),
        ("Accepted risk", triage["accepted_risk"]),
        ("False positive", triage["false_positive"]),
    ]
    act, late = summary.act_first(run, reports_root), summary.overdue(run, reports_root)
    changed, apart = summary.what_changed(run, reports_root), summary.decided_apart(run, reports_root)
    return _landing(
        "index.html.j2",
        title=f"GDPR audit against our privacy policy · {run.as_of:%B %Y}",
        as_of_long=f"{run.as_of:%d %B %Y}",
        period=f"{run.as_of:%Y-%m}",
        since=changes["since"].iloc[0],
        tiles=tiles,
        coverage_warning=Markup(summary.coverage_warning_html(run, reports_root)),
        act_first=Markup(table(act)),
        act_first_rows=len(act),
        overdue=Markup(table(late, max_rows=50)),
        overdue_rows=len(late),
        lights_section=Markup(summary.lights_html(run, "section")),
        lights_area=Markup(summary.lights_html(run, "area")),
        changed=Markup(table(changed)),
        changed_rows=len(changed),
        apart=Markup(table(apart)),
        apart_rows=len(apart),
        links=list(titles.items()),
        downloads=["findings.xlsx", "findings.csv", "findings.parquet", "triage_template.csv", "manifest.json"],
        footer=footer(run),
    )


def evidence_page(run: Run) -> str:
    """The appendix: every input with its SHA-256, the policy's, the register's, the absolute data folder."""
    from .insights import summary  # noqa: PLC0415

    return _landing(
        "evidence.html.j2",
        title=f"Evidence · GDPR audit {run.as_of:%B %Y}",
        heading=f"GDPR audit · {run.as_of:%B %Y} · as of {run.as_of.isoformat()}",
        evidence=Markup(summary.evidence_html(run)),
        footer=footer(run),
    )
