"""Reading each table of an extract: canonical files as before, profiled files through their mapping.

The export is read into a relation of text columns, then one SELECT (profile_sql) maps it onto the
canonical text columns; the normal typing path (``build_typed``) types it and reports data quality.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pyarrow as pa

from ..contract import Table, load_contract
from ..errors import InputError
from ..sqlident import ident, literal
from .clf import read_clf
from .logformat import compile_format
from .profile_model import Mapping
from .profile_plan import CLF_DEFAULT, SHIPPED_DIR, ProfiledFiles, contributions, derived_fits, find_profile
from .profile_sql import _ident, _lit, check_lookups, mapped_select, missing_column, ordered, src
from .readers import _read_one_csv, _union, dedupe_name, read_table, sniff_csv, transcode, xlsx_to_arrow
from .sources import TableSource


class ProfileReader:
    """Reads each table of an extract: canonical files as before, profiled files through their mapping."""

    def __init__(self, plans: list[ProfiledFiles], date_order: str | None = None):
        self.plans = plans
        self.date_order = date_order  # the run's --date-order: overrides every profile's
        self.loaded: set[str] = set()
        self._n = 0

    def read(self, con: duckdb.DuckDBPyConnection, table: str, source: TableSource, workdir: Path) -> str:
        """Create the raw relation of ``table`` (text columns + ``_row``) and return its name."""
        canonical = [f for f in source.files if f.profile == "canonical"]
        default_clf = [
            f
            for f in source.files
            if f.profile == CLF_DEFAULT and f.format == "clf" and not any(f in p.files for p in self.plans)
        ]
        parts: list[str] = []
        if canonical:
            raw = read_table(con, TableSource(table, source.format, canonical), workdir)
            if not default_clf and not contributions(self.plans, table):
                self.loaded.add(table)
                return raw
            # stacked with profiled files: the canonical rows name their file, so rows per file are counted
            named = f", {literal(canonical[0].scanned)} AS _file" if len(canonical) == 1 else ""
            parts.append(f"SELECT *{named} FROM {_as_text(con, raw)}")
        if default_clf:
            plan = ProfiledFiles(find_profile(CLF_DEFAULT, [SHIPPED_DIR]), default_clf)
            self._read_raw(con, plan, workdir)
            parts.append(self._select(plan, plan.profile))
        for plan, mapping in contributions(self.plans, table):
            self._read_raw(con, plan, workdir)
            if mapping is not plan.profile and not derived_fits(plan, mapping):
                continue
            parts.append(self._select(plan, mapping))
        name = f"rawm_{table}"
        if len(parts) == 1:
            # one part keeps its row numbers and streams (a folder of web-server logs is never copied)
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {parts[0]}")
        else:
            union = " UNION ALL BY NAME ".join(f"({p})" for p in parts) if parts else _empty(load_contract()[table])
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} AS "
                f"SELECT row_number() OVER () AS _row, * EXCLUDE (_row) FROM ({union})"
            )
        self.loaded.add(table)
        return name

    def expected(self, table: str) -> dict[str, str]:
        """The formats the table's profiles accept per timestamp column (named in DQ-INVALID-VALUE)."""
        seen: dict[str, dict[str, list[str]]] = {}
        for plan, mapping in contributions(self.plans, table):
            for col, formats in mapping.timestamp_formats.items():
                shown = " or ".join(ordered(formats, plan.date_order))
                seen.setdefault(col, {}).setdefault(shown, []).append(plan.profile.name)
        return {
            col: "; ".join(f"{fmts} ({', '.join(dict.fromkeys(names))})" for fmts, names in by.items())
            + " or YYYY-MM-DD[ HH:MM[:SS]][±HH:MM]"
            for col, by in seen.items()
        }

    def _read_raw(self, con, plan: ProfiledFiles, workdir: Path) -> None:
        if plan.raw is not None:
            return
        prof = plan.profile
        self._n += 1
        plan.raw = f"rawp_{self._n}_{re.sub(r'[^a-z0-9_]', '_', prof.name.lower())}"
        source = TableSource(prof.table, prof.format, plan.files)
        if prof.format == "clf":
            fmt = compile_format(prof.log_format, f"profile {prof.name}") if prof.log_format else None
            read_clf(con, source, plan.raw, workdir, fmt)
            cols = {r[0] for r in con.execute(f"DESCRIBE {plan.raw}").fetchall()}
            plan.columns = {f.path: cols for f in plan.files}
        elif prof.format == "csv":
            self._read_csv(con, plan, workdir)
        else:
            self._read_xlsx(con, plan)
        self._check_columns(plan)
        self._choose_date_order(con, plan)

    def _check_columns(self, plan: ProfiledFiles) -> None:
        """A missing column names the file, the column, the profile, and what would read it."""
        prof = plan.profile
        for f in plan.files:
            lacking = missing_column(prof, plan.columns.get(f.path, set()))
            if lacking:
                raise InputError(
                    f"{f.path.name}: missing column {lacking} (profile {prof.name}); {_what_would_read(prof.name)}"
                )
        have = set().union(*plan.columns.values()) if plan.columns else set()
        for col, why in prof.optional_columns.items():
            if not _spec_present(prof, col, have):
                plan.notices.append(f"{col}: not in the export ({why or 'left empty'})")
        for col, value in prof.defaults.items():
            if not _spec_present(prof, col, have):
                plan.notices.append(f"{col}: not in the export, taken as '{value}'")

    def _choose_date_order(self, con, plan: ProfiledFiles) -> None:
        """DMY or MDY: the run's --date-order, else the profile's, else (auto) what the data shows."""
        prof = plan.profile
        if self.date_order:
            plan.date_order, plan.date_order_note = self.date_order, "set for the run (--date-order)"
            return
        if prof.date_order in ("DMY", "MDY"):
            plan.date_order, plan.date_order_note = prof.date_order, "set by the profile"
            return
        if prof.date_order != "auto":
            return
        have = set().union(*plan.columns.values()) if plan.columns else set()
        dmy = mdy = 0
        for col, formats in prof.timestamp_formats.items():
            spec = prof.columns[col]
            if not isinstance(spec, str) and not isinstance(spec, list):
                continue
            names = [spec] if isinstance(spec, str) else [s for s in spec if isinstance(s, str)]
            for name in names:
                if src(name) not in have:
                    continue
                e = f"trim({_ident(name)})"
                d = " OR ".join(f"try_strptime({e}, {_lit(f)}) IS NOT NULL" for f in ordered(formats, "DMY"))
                m = " OR ".join(f"try_strptime({e}, {_lit(f)}) IS NOT NULL" for f in ordered(formats, "MDY"))
                a, b = con.execute(
                    f"SELECT count(*) FILTER (({d}) AND NOT ({m})), "
                    f"count(*) FILTER (({m}) AND NOT ({d})) FROM {plan.raw} AS r"
                ).fetchone()
                dmy, mdy = dmy + a, mdy + b
        if dmy and not mdy:
            plan.date_order, plan.date_order_note = "DMY", f"detected: {dmy} date(s) readable day-first only"
        elif mdy and not dmy:
            plan.date_order, plan.date_order_note = "MDY", f"detected: {mdy} date(s) readable month-first only"
        elif dmy and mdy:
            raise InputError(
                f"profile {prof.name}: dates are day-first in {dmy} row(s) and month-first in {mdy}; "
                f"set --date-order DMY or MDY"
            )
        else:
            plan.date_order_note = "undecided (no day above 12): formats as the profile writes them"

    def _read_csv(self, con, plan: ProfiledFiles, workdir: Path) -> None:
        prof, parts = plan.profile, []
        for f in plan.files:
            encoding, delimiter = sniff_csv(f.path)
            encoding, delimiter = prof.encoding or encoding, prof.delimiter or delimiter
            path = f.path
            if encoding.lower().replace("_", "-") not in ("utf-8", "utf-8-sig", "utf8"):
                try:
                    path = transcode(f.path, workdir, encoding)
                except (UnicodeDecodeError, LookupError) as err:
                    raise InputError(
                        f"profile {prof.name}: {f.path.name}: not readable as {encoding} ({err})"
                    ) from None
            f.encoding, f.delimiter = encoding, delimiter
            part = _read_one_csv(con, f, path, delimiter, workdir, dedupe=True)
            plan.columns[f.path] = {r[0] for r in con.execute(f"DESCRIBE {part}").fetchall()}
            parts.append(part)
        _union(con, plan.raw, parts, plan.files)

    def _read_xlsx(self, con, plan: ProfiledFiles) -> None:
        prof, parts = plan.profile, []
        for i, f in enumerate(plan.files):
            arrow = xlsx_to_arrow(f.path, prof.sheet or "", prof.header_row, dedupe=True)
            names: list[str] = []
            for n in arrow.column_names:
                names.append(dedupe_name(n, names) if n in names else n)
            arrow = pa.table(arrow.columns, names=names)
            part = f"{plan.raw}_{i}"
            con.register(f"{part}_arrow", arrow)
            con.execute(f"CREATE OR REPLACE TEMP TABLE {part} AS SELECT * FROM {part}_arrow")
            con.unregister(f"{part}_arrow")
            plan.columns[f.path] = set(names)
            parts.append(part)
        _union(con, plan.raw, parts, plan.files)

    def _select(self, plan: ProfiledFiles, mapping: Mapping) -> str:
        check_lookups(plan.profile.name, mapping, self.loaded)
        have = set().union(*plan.columns.values()) if plan.columns else set()
        return mapped_select(plan.raw, mapping, have, plan.profile.null_values, plan.date_order)


def _spec_present(prof, col: str, have: set[str]) -> bool:
    from .profile_sql import present  # noqa: PLC0415

    return present(prof.columns[col], have)


def _what_would_read(name: str) -> str:
    """Which shipped profile or option would read a file a profile cannot."""
    other = {
        "salesforce_lead_api": "a report export (labels such as 'Lead ID') reads with "
        "--profile persons=salesforce_lead_report",
        "salesforce_contact_api": "a report export (labels such as 'Contact ID') reads with "
        "--profile persons=salesforce_contact_report",
    }.get(name)
    own = "add the export's header to the column's accepted names in your own profile (docs/profiles.md)"
    return f"{other}; else {own}" if other else own


def _empty(table: Table) -> str:
    cols = ", ".join(f'NULL::VARCHAR AS "{c}"' for c in table.columns)
    return f"SELECT NULL::BIGINT AS _row, {cols} WHERE false"


def _as_text(con, rel: str) -> str:
    """A SELECT of ``rel`` with every column as text (a canonical Parquet file stacked with a profile)."""
    cols = con.execute(f"DESCRIBE {rel}").fetchall()
    exprs = [
        ident(c) if c == "_row" or t == "VARCHAR" else f"CAST({ident(c)} AS VARCHAR) AS {ident(c)}" for c, t, *_ in cols
    ]
    return f"(SELECT {', '.join(exprs)} FROM {rel})"
