"""The report's HTML: each executed notebook without code or prompts, and the landing page index.html.

Nothing is loaded from the internet: the nbconvert template in ``templates/audit`` drops require.js,
MathJax and Mermaid, and plotly.js is embedded by the notebooks themselves (once per notebook).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import nbformat

from .nb import Run
from .policy import load_policy

TEMPLATES = Path(__file__).parent / "templates"
CSS = (TEMPLATES / "report.css").read_text(encoding="utf-8") if (TEMPLATES / "report.css").exists() else ""


def write_html(
    folder: Path, executed: list[Path], data: Path, as_of: dt.date, policy: str, reports_root: Path
) -> list[Path]:
    """Write ``index.html`` and one HTML per executed notebook into ``folder``; return their paths."""
    run = Run(data=data, as_of=as_of, policy=load_policy(policy or None), run_dir=folder)
    titles = {}
    pages = []
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        titles[path.stem] = title_of(nb, path.stem)
        page = folder / f"{path.stem}.html"
        page.write_text(notebook_html(nb, titles[path.stem], run), encoding="utf-8")
        pages.append(page)
    index = folder / "index.html"
    index.write_text(index_html(run, titles, reports_root), encoding="utf-8")
    return [index, *pages]


def title_of(nb, default: str) -> str:
    """The notebook's first markdown heading, in plain text."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return default


def notebook_html(nb, title: str, run: Run) -> str:
    """One executed notebook as management HTML: no code, no prompts, no warnings printed by libraries."""
    from nbconvert import HTMLExporter  # noqa: PLC0415 - slow import

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    exporter = HTMLExporter(
        template_name="audit",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(
        nb,
        resources={
            "metadata": {"name": title},
            "audit_css": CSS,
            "audit_heading": f"GDPR audit · {run.as_of:%B %Y} · as of {run.as_of.isoformat()}",
            "audit_footer": footer(run),
        },
    )
    return body


def footer(run: Run) -> str:
    tool = run.manifest.get("tool", {})
    return (
        f"{tool.get('name', 'gdpr-audit')} {tool.get('version', '')} · policy sha256 "
        f"{run.manifest.get('policy', {}).get('sha256', '')[:16]}… · rendered "
        f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC"
    )


def index_html(run: Run, titles: dict[str, str], reports_root: Path) -> str:
    """The landing page: period, traffic lights per section and area, what changed, links, evidence."""
    from .insights import summary  # noqa: PLC0415

    f = run.findings
    changes = summary.lifecycle_counts(run, reports_root)
    by_status = dict(zip(changes["status"], changes["findings"]))
    tiles = [
        ("Findings", len(f)),
        ("High severity", int((f["severity"] == "high").sum())),
        ("New", by_status["new"]),
        ("Still open", by_status["still open"]),
        ("Resolved", by_status["resolved"]),
    ]
    since = changes["since"].iloc[0]
    links = "".join(f"<li><a href='{_e(stem)}.html'>{_e(title)}</a></li>" for stem, title in titles.items())
    downloads = "".join(
        f"<li><a href='{n}'>{n}</a></li>"
        for n in ("findings.xlsx", "findings.csv", "findings.parquet", "manifest.json")
    )
    title = f"GDPR audit against our privacy policy · {run.as_of:%B %Y}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title><style>{CSS}</style></head>
<body class="audit-report"><main>
<h1>{_e(title)}</h1>
<p>Situation on <b>{run.as_of:%d %B %Y}</b> (period {run.as_of:%Y-%m}), compared with {_e(since)}.
Each finding is a record that does not follow a rule of the company's own privacy policy.</p>
<div class="tiles">{"".join(f"<div class='tile'><b>{v:,}</b>{_e(k)}</div>" for k, v in tiles)}</div>
<h2>Where we stand, per section of the privacy policy</h2>
<p class="note">Red: at least one high-severity finding. Amber: only medium or low findings. Green: checked, nothing found.
Grey: could not be checked because the records were not provided.</p>
{summary.lights_html(run, "section")}
<h2>Per area</h2>
{summary.lights_html(run, "area")}
<h2>Reports</h2>
<ol>{links}</ol>
<p>Full lists for remediation teams: </p><ul>{downloads}</ul>
<h2>Evidence: what these figures come from</h2>
{summary.evidence_html(run)}
</main><footer class="audit-footer">{_e(footer(run))}</footer></body></html>
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
