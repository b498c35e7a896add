"""Open an extract folder for an audit date: load every table into DuckDB, type it, fingerprint it."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from . import cache
from .contract import load_contract
from .errors import InputError
from .intake.canonical import build_daily_summary, build_typed
from .intake.dq import dq_sql
from .intake.profiles import ProfileReader, env_choices, merge_sources, plan_profiles
from .intake.readers import scan_errors
from .intake.sources import SourceFile, TableSource, discover, sha256_of
from .policy import Policy, load_policy
from .reference import reference_tables, working_days
from .sqlmacros import install_macros

Progress = Callable[[str], None]


class Extract:
    """One extract folder loaded into an in-memory DuckDB for one as_of and one policy.

    ``con`` holds, per provided table ``t``: ``t`` (rows fit for checks, canonical types),
    ``t_all`` (every row with its data-quality flags), plus the policy's and the reference tables.
    """

    def __init__(self, data: str | Path, as_of: dt.date, policy: Policy | str | Path | None = None,
                 progress: Progress | None = None, profiles: list[str] | None = None,
                 profile_dirs: list[str | Path] | None = None, cache: bool = False):
        self.root = Path(data)
        self.use_cache = cache  # interactive re-opening: see audit_lib/cache.py
        # source profiles "TABLE=NAME" (default: those the command line put in the environment)
        self.profile_choices = env_choices() if profiles is None else list(profiles)
        self.profile_dirs = [Path(d) for d in profile_dirs or []]
        self.as_of = as_of
        self.policy = policy if isinstance(policy, Policy) else load_policy(policy)
        self.progress = progress or (lambda msg: None)
        self.contract = load_contract()
        self._tmp = tempfile.TemporaryDirectory(prefix="gdpr-audit-")
        self.con = duckdb.connect()
        # bounded memory: DuckDB spills to the run's temporary folder beyond this (peak < 4 GB at scale L)
        self.con.execute(f"SET temp_directory = '{self._tmp.name}'")
        self.con.execute("SET memory_limit = ?", [os.environ.get("GDPR_AUDIT_MEMORY_LIMIT", "2.5GB")])
        try:
            self.con.execute("SET enable_progress_bar = false")
        except duckdb.Error:
            pass  # inside Jupyter without ipywidgets DuckDB refuses the setting, and shows no bar anyway
        self.sources: dict[str, TableSource] = {}
        self.shared_ready: set[str] = set()  # shared check relations already computed (run.py)
        self.source_columns: dict[str, list[str]] = {}  # canonical columns each provided table's files hold
        self._setup()
        self._load()

    @property
    def provided(self) -> list[str]:
        return list(self.sources)

    @property
    def not_provided(self) -> list[str]:
        return [t for t in self.contract if t not in self.sources]

    @property
    def files(self) -> list[SourceFile]:
        return [f for s in self.sources.values() for f in s.files]

    def has_column(self, table: str, column: str) -> bool:
        """Whether the provided table's files hold this canonical column (an absent one types as empty)."""
        return column in self.source_columns.get(table, ())

    def as_of_end(self) -> dt.datetime:
        """The end of the as_of day (24:00) in the policy's time zone, as an aware datetime."""
        tz = zoneinfo.ZoneInfo(self.policy.time_zone)
        return dt.datetime.combine(self.as_of + dt.timedelta(days=1), dt.time(0), tzinfo=tz)

    def params(self) -> dict[str, object]:
        """Every value a check may bind: the audit date and the policy's parameters."""
        return {"as_of": self.as_of, "as_of_end": self.as_of_end(), **self.policy.param_values()}

    def sql(self, query: str, **params) -> pd.DataFrame:
        """Run a query on the loaded extract and return a DataFrame (values bound, never formatted)."""
        return self.con.execute(query, params or None).df()

    def dq_findings(self) -> pd.DataFrame:
        """Raw DQ findings (check_id, table, record_id, person_id, observed, count), one per row and problem."""
        parts = [dq_sql(self.contract[t], set(self.provided)) for t in self.provided]
        if not parts:
            return pd.DataFrame(columns=["check_id", "table", "record_id", "person_id", "observed", "count"])
        query = " UNION ALL ".join(f"({p})" for p in parts)
        frame = self.con.execute(query).df()
        frame.columns = ["check_id", "table", "record_id", "person_id", "observed", "count"]
        return frame

    def close(self) -> None:
        self.con.close()
        self._tmp.cleanup()

    def __enter__(self) -> Extract:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _setup(self) -> None:
        install_macros(self.con, self.policy.time_zone)
        self.con.execute("SET VARIABLE as_of = ?::DATE", [self.as_of])
        self.con.execute("SET VARIABLE as_of_end = ?::TIMESTAMPTZ", [self.as_of_end()])
        days = working_days(self.policy.holiday_calendar.value, dt.date(1970, 1, 1), dt.date(self.as_of.year + 2, 12, 31))
        for name, frame in {**reference_tables(), **self.policy.tables(), "ref_working_days": days}.items():
            self.con.register(f"_{name}_df", frame)
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _{name}_df")
            self.con.unregister(f"_{name}_df")

    def _load(self) -> None:
        plans = plan_profiles(self.root, self.profile_choices, self.profile_dirs)
        self.sources = merge_sources(discover(self.root, list(self.contract)), plans, self.root)
        self._reader = ProfileReader(plans)
        entry = cache.entry_for(self) if self.use_cache else None
        if entry is not None and cache.restore(self, entry):
            self.progress(f"re-opened unchanged extract from the cache ({entry})")
        else:
            self._read_all()
            if entry is not None:
                cache.save(self, entry)
        for name in self.not_provided:
            self._empty_table(name)

    def define_in_place(self, name: str) -> None:
        """The large table's view over its files, defined without scanning them."""
        raw = self._reader.read(self.con, name, self.sources[name], Path(self._tmp.name))
        build_typed(self.con, self.contract[name], raw, name, in_place=True)

    def _read_all(self) -> None:
        reader = self._reader
        with ThreadPoolExecutor(max_workers=1) as pool:
            # fingerprint the files while DuckDB reads them: hashing releases the GIL
            hashes = {f.path: pool.submit(sha256_of, f.path) for f in self.files}
            for name, source in self.sources.items():
                size = sum(f.size for f in source.files)
                self.progress(f"loading {name} ({len(source.files)} file(s), {size / 1e6:.1f} MB)")
                aggregate = self.contract[name].aggregate is not None
                raw = reader.read(self.con, name, source, Path(self._tmp.name))
                self.source_columns[name] = [r[0] for r in self.con.execute(f"DESCRIBE {raw}").fetchall()]
                # the large table stays a view over its files when it can: one scan makes its summary
                in_place = aggregate and self.con.execute(
                    "SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [raw]).fetchone()[0] > 0
                label = source.files[0].display(self.root) if len(source.files) == 1 else f"{name}/"
                table = self.contract[name]

                def build(raw=raw, label=label, in_place=in_place, table=table):
                    build_typed(self.con, table, raw, label, in_place)
                    if table.aggregate:
                        build_daily_summary(self.con, table)

                scan_errors(self.con, source, Path(self._tmp.name), build)
                self._rows_per_file(source, f"{name}_days" if aggregate else f"{name}_all")
            for f in self.files:
                f.sha256 = hashes[f.path].result()

    def _rows_per_file(self, source: TableSource, relation: str) -> None:
        """Rows read from each CSV file, counted on the relation its one scan produced."""
        if not any(f.rows is None for f in source.files):
            return
        has_file = "_file" in [r[0] for r in self.con.execute(f"DESCRIBE {relation}").fetchall()]
        count = "sum(rows)" if relation.endswith("_days") else "count(*)"
        counts = dict(self.con.execute(
            f"SELECT _file, {count}::BIGINT FROM {relation} GROUP BY _file").fetchall()) if has_file else {}
        for f in source.files:
            if f.rows is None:
                f.rows = counts.get(str(f.read_path or f.path), 0)

    def _empty_table(self, name: str) -> None:
        """An absent table becomes empty views, so an optional lookup (legal hold) still runs."""
        cols = ", ".join(f'NULL::VARCHAR AS "{c}"' for c in self.contract[name].columns)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE raw_{name} AS SELECT NULL::BIGINT AS _row, {cols} LIMIT 0")
        build_typed(self.con, self.contract[name], f"raw_{name}", name, in_place=False)
        if self.contract[name].aggregate:
            build_daily_summary(self.con, self.contract[name])


def open_extract(data: str | Path, as_of: dt.date | str | None = None, period: str | None = None,
                 policy: Policy | str | Path | None = None, progress: Progress | None = None,
                 cache: bool = True) -> Extract:
    """Load an extract folder for an audit date (``as_of`` or ``period``); an unchanged one re-opens from the cache."""
    from .dates import as_of_for  # noqa: PLC0415

    return Extract(data, as_of_for(period, as_of), policy, progress, cache=cache)


__all__ = ["Extract", "open_extract", "InputError"]
