"""What the notebooks call: open a run, show a check's policy sentence, tables and offline charts.

Notebooks stay thin: a parameters cell, then one call and one display per cell. Every display here
escapes text from the extracts and embeds plotly.js once per notebook (reports work offline).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .checks import load_checks
from .htmlsafe import escape as _e
from .policy import Policy, load_policy
from .run import Results, check_by_id, run_checks

_PLOTLY_EMBEDDED = False
_GEO_EMBEDDED = False
GEO_TRACES = {"choropleth", "scattergeo"}
MAX_ROWS = 200


@dataclass
class Run:
    """The findings of one audit run, read from a ``gdpr-audit check`` folder or computed here."""

    data: Path
    as_of: dt.date
    policy: Policy
    run_dir: Path | None = None
    extract_db: Path | None = None  # the report's snapshot of the extract its check run read
    _results: Results | None = field(default=None, repr=False)
    shown: set[str] = field(default_factory=set, repr=False)  # check ids whose box this notebook showed

    @cached_property
    def extract(self):
        """The loaded extract (for charts that need more than the findings)."""
        from .extract import SNAPSHOT_MEMORY_LIMIT, Extract  # noqa: PLC0415

        # interactive use re-opens an unchanged extract from the cache; the monthly run (run_dir) never caches
        # the profiles of the run come from its manifest (never from the environment)
        path = self.run_dir / "manifest.json" if self.run_dir else None
        chosen = json.loads(path.read_text(encoding="utf-8")).get("profiles", {}) if path and path.exists() else {}
        return Extract(
            self.data,
            self.as_of,
            self.policy,
            cache=self.run_dir is None,
            profiles=chosen.get("choices"),
            profile_dirs=chosen.get("dirs"),
            date_order=chosen.get("date_order"),
            snapshot=self.extract_db,
            memory_limit=SNAPSHOT_MEMORY_LIMIT if self.extract_db else None,  # one of several kernels
        )

    @cached_property
    def findings(self) -> pd.DataFrame:
        if self.run_dir and (self.run_dir / "findings.parquet").exists():
            return pd.read_parquet(self.run_dir / "findings.parquet")
        self._results = run_checks(self.extract)
        return self._results.findings

    @cached_property
    def manifest(self) -> dict:
        if self.run_dir and (self.run_dir / "manifest.json").exists():
            return json.loads((self.run_dir / "manifest.json").read_text(encoding="utf-8"))
        from .manifest import build_manifest  # noqa: PLC0415

        self.findings  # noqa: B018 - runs the checks when needed
        status = self._results.status if self._results else {}
        return build_manifest(self.extract, status, dt.datetime.now(dt.timezone.utc), [], "notebook")

    @classmethod
    def from_results(cls, extract, results: Results) -> Run:
        """A run over an extract already loaded and checked (the command line's)."""
        run = cls(data=extract.root, as_of=extract.as_of, policy=extract.policy, _results=results)
        run.__dict__.update(extract=extract, findings=results.findings)  # fill the cached properties
        return run

    def status(self, check_id: str) -> str:
        """``ran`` or ``not_run`` (a table the check needs was not provided)."""
        return self.manifest.get("checks", {}).get(check_id, {}).get("status", "not_run")

    def not_run_reason(self, check_id: str) -> str:
        """Why a check did not run ('a table it needs was not provided' when the manifest does not say)."""
        reason = self.manifest.get("checks", {}).get(check_id, {}).get("reason", "")
        return reason or "a table it needs was not provided"

    def once(self, key: object, make) -> pd.DataFrame:
        """``make()``, computed once per run: the tables and charts of a notebook that share a view (the
        retention forecast runs every retention check twice) compute it once. A copy each time."""
        memo = self.__dict__.setdefault("_memo", {})
        if key not in memo:
            memo[key] = make()
        return memo[key].copy()

    def of(self, *check_ids: str) -> pd.DataFrame:
        return self.findings[self.findings["check_id"].isin(check_ids)].reset_index(drop=True)


def open_run(data: str, as_of: str, policy: str = "", run_dir: str = "", extract_db: str = "") -> Run:
    """Open the audit of ``data`` for ``as_of`` (a run folder's findings are reused when given, and the
    report's snapshot of the extract, ``extract_db``, instead of reading the files again).

    Each notebook opens its run once, at the top: a new run of the notebook embeds plotly.js again.
    """
    new_page()
    return Run(
        data=resolve(data),
        as_of=dt.date.fromisoformat(str(as_of)),
        policy=load_policy(policy or None),
        run_dir=resolve(run_dir) if run_dir else None,
        extract_db=Path(extract_db) if extract_db else None,
    )


def resolve(path: str) -> Path:
    """A relative path as given, else relative to the project folder (notebooks run from notebooks/)."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    project = Path(__file__).resolve().parents[1] / path
    return project if project.exists() else p


def show(fig) -> None:
    """Display a plotly figure that renders in JupyterLab and in the offline HTML.

    One output with two forms: ``application/vnd.plotly.v1+json`` for JupyterLab (drawn by plotly's own
    renderer: no script in the output, so nothing is lost after Run All twice, save and reopen), and
    ``text/html`` for nbconvert, with plotly.js embedded in the first chart of each run of the notebook
    (``open_run`` starts a run) so the exported page works offline.
    """
    from IPython.display import display  # noqa: PLC0415

    global _PLOTLY_EMBEDDED, _GEO_EMBEDDED
    fig.update_layout(template="plotly_white", margin={"l": 40, "r": 20, "t": 50, "b": 40})
    config = {"displaylogo": False, "responsive": True}
    out = fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False, config=config)
    if not _PLOTLY_EMBEDDED:  # the audit's own plotly.js bundle (1.5 MB, only the traces drawn), once per page
        out = plotly_script() + out
    _PLOTLY_EMBEDDED = True
    if not _GEO_EMBEDDED and any(t.type in GEO_TRACES for t in fig.data):
        out = _geo_assets() + out
        _GEO_EMBEDDED = True
    spec = json.loads(fig.to_json())
    display({"application/vnd.plotly.v1+json": {**spec, "config": config}, "text/html": out}, raw=True)


def new_page() -> None:
    """Forget what this kernel embedded: the next chart carries plotly.js (and the map outlines) again."""
    global _PLOTLY_EMBEDDED, _GEO_EMBEDDED
    _PLOTLY_EMBEDDED = _GEO_EMBEDDED = False


PLOTLY_BUNDLE = Path(__file__).parent / "data" / "js" / "plotly-audit.min.js"


def plotly_js() -> str:
    """plotly.js 4.1.1 with only the trace types the reports draw (1.5 MB instead of 4.8 MB).

    Built by ``scripts/build_plotly_bundle.sh``; the traces and licence are in ``data/js/README.md``.
    """
    return PLOTLY_BUNDLE.read_text(encoding="utf-8")


def plotly_script() -> str:
    """The ``<script>`` tags that embed the audit's plotly.js bundle, as plotly's own ``include_plotlyjs=True`` does.

    To use in place of plotly's full bundle: ``fig.to_html(include_plotlyjs=False, ...)`` and, once per
    page, ``plotly_script()`` before the first figure.
    """
    return (
        "<script type=\"text/javascript\">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
        f'<script charset="utf-8" type="text/javascript">{plotly_js()}</script>\n'
    )


def _geo_assets() -> str:
    """The world map outlines, embedded: plotly.js would otherwise fetch them from a CDN."""
    topo = (Path(__file__).parent / "data" / "geo" / "world_110m.json").read_text(encoding="utf-8")
    return (
        "<script>window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};"
        f"window.PlotlyGeoAssets.topojson['world_110m'] = {topo};</script>"
    )


def check_box(run: Run, check_id: str) -> str:
    """HTML: the check's plain title, the policy's Dutch sentence, the legal rule and the count."""
    check = check_by_id(check_id)
    run.shown.add(check_id)
    found = run.of(check_id)
    status = run.status(check_id)
    if status == "not_run":
        verdict = f"<span class='na'>not run: {_e(run.not_run_reason(check_id))}</span>"
    elif found.empty:
        verdict = "<span class='ok'>no finding</span>"
    else:
        verdict = f"<span class='bad'>{int(found['count'].sum()):,} record(s) in {len(found):,} finding(s)</span>"
    cite = citation(run.policy, check)
    values = run.policy.rule_values()
    return (
        f"<div class='check {check.severity}'><h3>{_e(check.title)} <small>{_e(check.severity)} · "
        f"{_e(check.id)}</small></h3><p>{verdict}</p>"
        + (
            f"<blockquote lang='nl'>“{_e(cite['quote'])}” <cite>{_e(cite['ref'])}</cite></blockquote>"
            if cite["quote"]
            else ""
        )
        + (f"<p class='note'><b>Policy note:</b> {_e(cite['note'])}</p>" if cite["note"] else "")
        + f"<p class='rule'><b>Rule:</b> {_e(check.rule_text(values))}<br><b>Law:</b> {_e(check.legal_ref)}</p></div>"
    )


def other_checks(run: Run, *areas: str) -> str:
    """HTML: the box and findings of every declared check of ``areas`` this notebook has not shown yet.

    A check added to an area (one declaration + SQL) appears in its area's notebook with no notebook edit;
    a hand-written section with charts, placed before this cell, takes its place when one is worth it.
    """
    parts = [
        check_box(run, c.id) + findings_table(run, c.id)
        for c in load_checks()
        if c.area in areas and c.id not in run.shown
    ]
    return "".join(parts) or "<p class='note'>Every check of this area is shown above.</p>"


def citation(policy: Policy, check) -> dict[str, str]:
    """The policy sentence a check's rule comes from, its section, and the policy file's note (where the
    policy is silent and the rule is the law's). A declaration's ``cite`` names another entry to quote."""
    entry = check.cite or check.policy
    ref = policy.ref_for(check.cite) if check.cite else check.policy_ref
    quote = policy.quote_for(entry) if entry else ""
    param = policy.parameters.get(check.policy) if check.policy else None
    return {"quote": quote or "", "ref": ref or "", "note": (getattr(param, "note", None) or "")}


def table(frame: pd.DataFrame, max_rows: int = MAX_ROWS, caption: str = "") -> str:
    """An escaped HTML table of at most ``max_rows`` rows, saying how many were left out."""
    shown = frame.head(max_rows).astype(object)
    shown = shown.where(shown.notna(), "")
    note = (
        f"<p class='note'>Showing {len(shown):,} of {len(frame):,} rows; the full list is in findings.xlsx.</p>"
        if len(frame) > max_rows
        else ""
    )
    cap = f"<p class='caption'>{_e(caption)}</p>" if caption else ""
    return cap + shown.to_html(index=False, escape=True, na_rep="", border=0, classes="audit") + note


def findings_table(run: Run, *check_ids: str, max_rows: int = MAX_ROWS) -> str:
    cols = ["check_id", "record_id", "person_id", "observed", "count"]
    return table(run.of(*check_ids)[cols], max_rows)


def words(code: object) -> str:
    """A code as words for managers: ``legitimate_interests`` -> ``legitimate interests``."""
    return str(code).replace("_", " ")


def display_html(fragment: str) -> None:
    from IPython.display import HTML, display  # noqa: PLC0415

    display(HTML(fragment))
