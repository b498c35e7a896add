"""The auditor's drill-down, for JupyterLab: explain a finding, show the rows behind it, compare two audit
dates, draw a seeded sample.

    from audit_lib import auditor
    a = auditor.open_audit("sample_data", "2026-10-31")          # or run_dir= a rendered period folder
    a.explain("3f2a...")                                       # rule, policy sentence, clock dates, rows
    a.rows(a.findings.iloc[0])                                 # the source rows, also for a log month
    a.diff("2026-09-30", "2026-10-31")                          # what changes with the audit date
    a.sample(25, seed=7, stratify="check_id")                  # seed and selection go to the manifest

Rows come from the loaded extract with their source file and row number; personal-data columns of the
data contract are left out unless ``personal=True`` is asked for explicitly.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .contract import load_contract
from .errors import AuditError
from .htmlsafe import escape
from .nb import Run, citation, open_run
from .run import check_by_id, run_checks
from .sqlident import ident  # the project's one identifier-quoting helper

RENAMED = {"_file": "source_file", "_row": "source_row"}
_PARAM = re.compile(r"\{(\w+)\}")


class AuditorError(AuditError):
    """A drill-down request names no finding of this run, or a sample cannot be drawn."""


@dataclass
class Explanation:
    """Why a finding is one: the rule, the policy sentence, the law, the clock's dates and the rows."""

    finding: dict
    title: str
    rule: str
    quote: str
    policy_ref: str
    policy_note: str
    law: str
    clock: dict
    rows: pd.DataFrame = field(repr=False)

    def _repr_html_(self) -> str:  # JupyterLab shows this when the explanation is a cell's last value
        clock = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in self.clock.items())
        note = f"<p><b>Policy note:</b> {escape(self.policy_note)}</p>" if self.policy_note else ""
        quote = (
            f"<blockquote lang='nl'>“{escape(self.quote)}” <cite>{escape(self.policy_ref)}</cite></blockquote>"
            if self.quote
            else ""
        )
        return (
            f"<h3>{escape(self.title)} <small>{escape(self.finding['check_id'])} · "
            f"{escape(self.finding['record_id'])}</small></h3><p>{escape(self.finding['observed'])}</p>{quote}{note}"
            f"<p><b>Rule:</b> {escape(self.rule)}<br><b>Law:</b> {escape(self.law)}</p><dl>{clock}</dl>"
            + self.rows.head(50).to_html(index=False, escape=True, border=0)
        )


class Auditor:
    """Drill-down over one audit run (its findings, the loaded extract and the manifest)."""

    def __init__(self, run: Run):
        self.run = run

    @property
    def findings(self) -> pd.DataFrame:
        return self.run.findings

    def finding(self, finding_id: str) -> pd.Series:
        hit = self.findings[self.findings["finding_id"] == finding_id]
        if hit.empty:
            raise AuditorError(f"no finding {finding_id} in the run of {self.run.as_of.isoformat()}")
        return hit.iloc[0]

    def rows(self, finding: pd.Series | str, personal: bool = False) -> pd.DataFrame:
        """The extract's rows behind a finding (a record, a log month, a purpose missing from the register)."""
        f = self.finding(finding) if isinstance(finding, str) else finding
        check, table, rid = str(f["check_id"]), str(f["table"]), str(f["record_id"])
        ex = self.run.extract
        if table == "policy":  # LB-ROPA-GAP: the policy's declaration that has no activity in the register
            rows = ex.sql(
                "SELECT purpose_id, basis FROM policy_purposes WHERE purpose_id = $rid ORDER BY basis", rid=rid
            )
            register = (
                ex.sql("SELECT count(*) AS n FROM processing_activities WHERE lower(trim(purpose_id)) = $rid", rid=rid)[
                    "n"
                ].iloc[0]
                if "processing_activities" in ex.provided
                else 0
            )
            return rows.assign(source="policy (§3.1)", register_activities=int(register))
        spec = load_contract().get(table)
        if spec is None or table not in ex.provided:
            raise AuditorError(f"{check}: table {table} is not in this extract")
        relation = ident(f"{table}_all")  # every row with its source file and row number
        if spec.aggregate and not spec.key:  # findings per month of the aggregate column
            where = f"local_month({ident(spec.aggregate)}) = $rid"
        else:
            where = "_key = $rid"
        frame = ex.sql(f"SELECT * FROM {relation} WHERE {where} ORDER BY _file, _row", rid=rid)
        drop = [c for c in frame.columns if c.startswith("_") and c not in RENAMED]
        if not personal:
            drop += [c for c in spec.pii_columns if c in frame.columns]
        return frame.drop(columns=drop).rename(columns=RENAMED).reset_index(drop=True)

    def explain(self, finding_id: str) -> Explanation:
        """The rule, the policy sentence (or the law alone with the policy's note), the dates the clock was
        computed from, and the rows behind the finding."""
        f = self.finding(finding_id)
        check = check_by_id(str(f["check_id"]))
        values = self.run.policy.param_values()
        cite = citation(self.run.policy, check)
        rows = self.rows(f)
        clock = {
            "as of": self.run.as_of.isoformat(),
            "end of the as-of day": self.run.extract.as_of_end().isoformat(),
            "time zone": self.run.policy.time_zone,
        }
        clock |= {name: values[name] for name in _PARAM.findall(check.rule or "") if name in values}
        spec = load_contract().get(str(f["table"]))
        if spec is not None and len(rows) == 1:
            clock |= {
                c: str(rows[c].iloc[0])
                for c, col in spec.columns.items()
                if col.type in ("date", "timestamp") and c in rows.columns and pd.notna(rows[c].iloc[0])
            }
        elif spec is not None and spec.aggregate and len(rows):
            clock |= {
                f"first {spec.aggregate}": str(rows[spec.aggregate].min()),
                f"last {spec.aggregate}": str(rows[spec.aggregate].max()),
            }
        return Explanation(
            finding=f.to_dict(),
            title=check.title,
            rule=check.rule_text(values),
            quote=cite["quote"],
            policy_ref=cite["ref"],
            policy_note=cite["note"],
            law=check.legal_ref,
            clock=clock,
            rows=rows,
        )

    def diff(self, as_of_a: str | dt.date, as_of_b: str | dt.date) -> pd.DataFrame:
        """The findings of the same extract audited on two dates: only at A, only at B, or both."""
        a, b = (dt.date.fromisoformat(str(d)) for d in (as_of_a, as_of_b))
        found = {d: _findings_on(self.run, d) for d in (a, b)}
        keys = ["finding_id", "check_id", "severity", "record_id"]
        merged = found[a][keys].merge(found[b][keys], how="outer", on=keys, indicator=True)
        merged["change"] = (
            merged.pop("_merge")
            .map({"left_only": f"only on {a}", "right_only": f"only on {b}", "both": "on both dates"})
            .astype(str)
        )
        return merged.sort_values(["change", "check_id", "record_id"]).reset_index(drop=True)

    def sample(self, n: int, seed: int, stratify: str | None = None) -> pd.DataFrame:
        """``n`` findings drawn with ``seed`` (proportionally per ``stratify`` value, at least one each when
        ``n`` allows); the seed and the selected finding ids are written to the run's manifest."""
        pop = self.findings.sort_values("finding_id").reset_index(drop=True)
        if n < 1 or n > len(pop):
            raise AuditorError(f"sample of {n}: the run has {len(pop)} findings")
        rng = np.random.default_rng(seed)
        if stratify:
            if stratify not in pop.columns:
                raise AuditorError(f"stratify: no column {stratify!r} in the findings")
            sizes = _allocate(pop[stratify].astype(str).value_counts().sort_index(), n)
            parts = [
                g.iloc[rng.choice(len(g), size=sizes[k], replace=False)]
                for k, g in pop.groupby(pop[stratify].astype(str), sort=True)
                if sizes.get(k)
            ]
            picked = pd.concat(parts)
        else:
            picked = pop.iloc[rng.choice(len(pop), size=n, replace=False)]
        picked = picked.sort_values("finding_id").reset_index(drop=True)
        self._record_sample(
            {
                "n": n,
                "seed": seed,
                "stratify": stratify or "",
                "population": len(pop),
                "finding_ids": picked["finding_id"].tolist(),
                "drawn_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            }
        )
        return picked

    def _record_sample(self, entry: dict) -> None:
        manifest = self.run.manifest
        manifest.setdefault("samples", []).append(entry)
        if self.run.run_dir and (self.run.run_dir / "manifest.json").exists():
            (self.run.run_dir / "manifest.json").write_text(
                json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )


def _allocate(counts: pd.Series, n: int) -> dict[str, int]:
    """Proportional allocation (largest remainders), at least one per stratum when n covers them all."""
    total = counts.sum()
    floor = {k: int(n * v // total) for k, v in counts.items()}
    if n >= len(counts):
        floor = {k: max(1, v) for k, v in floor.items()}
    while sum(floor.values()) > n:  # the minimum of one pushed us over: take from the largest
        k = max(floor, key=lambda k: (floor[k], k))
        floor[k] -= 1
    rest = sorted(counts.index, key=lambda k: (-(n * counts[k] / total - floor[k]), k))
    for k in rest:
        if sum(floor.values()) >= n:
            break
        if floor[k] < counts[k]:
            floor[k] += 1
    return floor


def _findings_on(run: Run, as_of: dt.date) -> pd.DataFrame:
    if as_of == run.as_of:
        return run.findings
    from .extract import Extract  # noqa: PLC0415

    with Extract(run.data, as_of, run.policy) as ex:
        return run_checks(ex).findings


def open_audit(data: str, as_of: str, policy: str = "", run_dir: str = "") -> Auditor:
    """An auditor over ``data`` audited on ``as_of`` (reusing a rendered period's findings when given)."""
    return Auditor(open_run(data, as_of, policy, run_dir))


def explain(run: Run, finding_id: str) -> Explanation:
    return Auditor(run).explain(finding_id)


def rows(run: Run, finding: pd.Series | str, personal: bool = False) -> pd.DataFrame:
    return Auditor(run).rows(finding, personal)


def diff(run: Run, as_of_a: str | dt.date, as_of_b: str | dt.date) -> pd.DataFrame:
    return Auditor(run).diff(as_of_a, as_of_b)


def sample(run: Run, n: int, seed: int, stratify: str | None = None) -> pd.DataFrame:
    return Auditor(run).sample(n, seed, stratify)


__all__ = ["Auditor", "AuditorError", "Explanation", "diff", "explain", "open_audit", "rows", "sample"]
