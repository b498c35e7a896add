"""Open an extract folder for an audit date: load every table into DuckDB, type it, fingerprint it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import zoneinfo
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from . import cache, lookup_db
from .contract import Table, load_contract
from .errors import InputError
from .intake.canonical import build_daily_summary, build_typed, define_views
from .intake.dq import dq_sql, unparsed_findings, unparsed_line
from .intake.profiles import (
    Choices,
    ProfileReader,
    merge_sources,
    note_lines,
    plan_profiles,
    profile_notes,
    skipped_lines,
)
from .intake.readers import scan_errors
from .intake.sources import SourceFile, TableSource, discover, sha256_of
from .policy import Policy, load_policy
from .reference import reference_tables
from .sqlident import ident, literal
from .sqlmacros import install_macros

Progress = Callable[[str], None]
MEMORY_LIMIT = "2.5GB"  # DuckDB's cap per extract; a caller may set another (peak < 4 GB at scale L)
# ``gdpr-audit report`` shares the machine between its check run and one kernel per core: the check gets
# less while the kernels warm up beside it, and each kernel's extract (re-opened from the run's snapshot)
# less again. Measured at scale L on 2 cores: peak 2.4 GiB for the whole report (3.6 GiB with 2.5 GB each).
REPORT_CHECK_MEMORY_LIMIT = "1.8GB"
SNAPSHOT_MEMORY_LIMIT = "1GB"


def clean_stale_temp() -> None:
    """Remove ``gdpr-audit-<pid>-*`` temporary folders of processes that no longer run."""
    from .atomic import _alive  # noqa: PLC0415

    try:
        entries = list(Path(tempfile.gettempdir()).glob("gdpr-audit-*-*"))
    except OSError:
        return
    for p in entries:
        pid = p.name.split("-")[2]
        if pid.isdigit() and p.is_dir() and not p.is_symlink() and not _alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)


class Extract:
    """One extract folder loaded into an in-memory DuckDB for one as_of and one policy.

    ``con`` holds, per provided table ``t``: ``t`` (rows fit for checks, canonical types),
    ``t_all`` (every row with its data-quality flags), plus the policy's and the reference tables.
    """

    def __init__(
        self,
        data: str | Path,
        as_of: dt.date,
        policy: Policy | str | Path | None = None,
        progress: Progress | None = None,
        profiles: list[str] | None = None,
        profile_dirs: list[str | Path] | None = None,
        cache: bool = False,
        date_order: str | None = None,
        snapshot: str | Path | None = None,
        memory_limit: str | None = None,
    ):
        self.root = Path(data)
        self.use_cache = cache  # interactive re-opening: see audit_lib/cache.py
        self.snapshot = Path(snapshot) if snapshot else None  # the report's check run wrote it (cache.write_entry)
        # source profiles "TABLE=NAME", their folders and the date order: explicit, recorded in the manifest
        self.choices = Choices(list(profiles or []), [Path(d).resolve() for d in profile_dirs or []], date_order)
        self.skipped: list[tuple[Path, str]] = []  # files seen and deliberately not read (error logs)
        self.profile_notes: list[dict] = []  # per profile: auto-applied, date order, absent optional columns
        self.as_of = as_of
        self.policy = policy if isinstance(policy, Policy) else load_policy(policy)
        self.progress = progress or (lambda msg: None)
        self.contract = load_contract()
        # transcoded copies of personal data live here: removed on close, on Ctrl-C/SIGTERM (cli.py), and
        # after a kill -9 by the next run (the folder names its process)
        clean_stale_temp()
        self._tmp = tempfile.TemporaryDirectory(prefix=f"gdpr-audit-{os.getpid()}-")
        self.con = duckdb.connect()
        # bounded memory: DuckDB spills to the run's temporary folder beyond this (peak < 4 GB at scale L)
        self.con.execute(f"SET temp_directory = {literal(self._tmp.name)}")
        self.con.execute("SET memory_limit = ?", [memory_limit or MEMORY_LIMIT])
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
        unparsed = unparsed_findings(self.files, self.root)
        return pd.concat([frame, unparsed], ignore_index=True) if len(unparsed) else frame

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

    def _load(self) -> None:
        found = discover(self.root, list(self.contract))
        canonical = {f.path for s in found.values() for f in s.files} | {
            p for s in found.values() for p, _ in s.skipped
        }
        caught: list[tuple[Path, str]] = []
        plans = plan_profiles(self.root, self.choices, canonical, self.progress, caught)
        self.sources = merge_sources(found, plans, self.root)
        self.skipped = list(dict.fromkeys([*caught, *[x for s in found.values() for x in s.skipped]]))
        for line in skipped_lines(self.skipped, self.root):
            self.progress(line)
        self._reader = ProfileReader(plans, self.choices.date_order)
        entry = self.snapshot or (
            cache.entry_for(self.files, self.as_of, self.policy.sha256, self.choices.record())
            if self.use_cache
            else None
        )
        restored = cache.restore(self.con, entry, self.files) if entry is not None else None
        self._lookups(restored[2] if restored is not None else cache.NOTHING_CARRIED)
        if restored is not None:
            cached, self.source_columns, _ = restored
            self._define_over_cache(cached)
            source = "the check run's snapshot" if self.snapshot else "unchanged extract from the cache"
            self.progress(f"re-opened {source} ({entry})")
        else:
            self._read_all()
            if entry is not None and self.snapshot is None:
                cache.save(self.con, entry, self.files, self.source_columns)
        self._empty_tables()
        self.profile_notes = profile_notes(plans)
        for line in note_lines(self.profile_notes):
            self.progress(line)

    def _lookups(self, carried: dict) -> None:
        """The lookup tables (before any typing: countries are read through them), and the shared check
        relations: from a report snapshot that carries them when made for this policy and year (lookups)
        and this very date (shared relations); else the lookups are built here (``lookup_db``)."""
        same_policy_and_year = carried["key"] == lookup_db.content_key(self.policy, self.as_of)
        if same_policy_and_year and carried["lookups"]:
            cache.views_over(self.con, carried["lookups"])
        else:
            lookup_db.attach(self.con, self.policy, self.as_of)
        if same_policy_and_year and carried["as_of"] == self.as_of.isoformat():
            cache.views_over(self.con, carried["shared"])
            self.shared_ready.update(carried["shared"])

    def _define_over_cache(self, cached: set[str]) -> None:
        """Each provided table's views over the attached cache entry (see audit_lib/cache.py)."""
        for name in self.provided:
            table = self.contract[name]
            if f"{name}_typed" in cached:
                define_views(self.con, table, f"{cache.ATTACHED}.{name}_typed", self._only_file(name))
            else:  # the large table read in place: its view over the files costs nothing to define again
                raw = self._reader.read(self.con, name, self.sources[name], Path(self._tmp.name))
                build_typed(self.con, table, raw, name, in_place=True, file=self._only_file(name))
            if f"{name}_days" in cached:
                cache.views_over(self.con, [f"{name}_days"])

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
                in_place = (
                    aggregate
                    and self.con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [raw]).fetchone()[0]
                    > 0
                )
                label = source.files[0].display(self.root) if len(source.files) == 1 else f"{name}/"
                table = self.contract[name]

                expected = reader.expected(name)

                def build(raw=raw, label=label, in_place=in_place, table=table, expected=expected, source=source):
                    build_typed(self.con, table, raw, label, in_place, expected, self._only_file(table.name))
                    if table.aggregate:
                        build_daily_summary(self.con, table, per_file=any(f.rows is None for f in source.files))

                scan_errors(self.con, source, Path(self._tmp.name), build)
                if not in_place:  # the typed table holds the rows now: no UTF-8 copy of personal data lingers
                    for f in source.files:
                        if f.read_path is not None and f.read_path != f.path:
                            f.read_path.unlink(missing_ok=True)
                self._rows_per_file(source, f"{name}_days" if aggregate else f"{name}_all")
            for f in self.files:
                f.sha256 = hashes[f.path].result()
                if f.unparsed:
                    self.progress(unparsed_line(f, self.root))

    def _only_file(self, table: str) -> str | None:
        """The one file a table was read from (its rows then carry no ``_file`` column), else None: named
        as DuckDB names a file of a folder (what it read: the file, or its UTF-8 copy), so rows per file
        are counted alike."""
        files = self.sources[table].files if table in self.sources else []
        return str(files[0].scanned) if len(files) == 1 else None

    def _rows_per_file(self, source: TableSource, relation: str) -> None:
        """Rows read from each CSV file, counted on the relation its one scan produced."""
        if not any(f.rows is None for f in source.files):
            return
        count = "sum(rows)" if relation.endswith("_days") else "count(*)"
        # every row names its file (canonical.py): the column of a folder's scan, or the one file
        counts = dict(self.con.execute(f"SELECT _file, {count}::BIGINT FROM {relation} GROUP BY _file").fetchall())
        for f in source.files:
            if f.rows is None:
                f.rows = counts.get(str(f.scanned), 0)

    def _empty_tables(self) -> None:
        """Absent tables become empty relations, so an optional lookup (legal hold) still runs."""
        if self.not_provided:
            ddl = _empty_ddl()
            self.con.execute("\n".join(ddl[name] for name in self.not_provided))


@lru_cache(maxsize=1)
def _empty_ddl() -> dict[str, str]:
    """``CREATE TEMP TABLE`` statements for an absent table's relations, typed as a provided one's.

    Built once per process by typing an empty raw table in a scratch connection: binding the typing
    views costs far more than creating empty tables with their column types.
    """
    con = duckdb.connect()
    try:
        install_macros(con, "UTC")  # the zone changes values, never column types
        con.execute("SET VARIABLE as_of = DATE '2000-01-01'")
        con.execute("SET VARIABLE as_of_end = TIMESTAMPTZ '2000-01-02 00:00:00+00'")
        for ref, frame in reference_tables().items():
            con.register(f"_{ref}_df", frame)
            con.execute(f"CREATE TEMP TABLE {ref} AS SELECT * FROM _{ref}_df")
        return {name: _typed_empty(con, table) for name, table in load_contract().items()}
    finally:
        con.close()


def _typed_empty(con: duckdb.DuckDBPyConnection, table: Table) -> str:
    name = table.name
    cols = ", ".join(f"NULL::VARCHAR AS {ident(c)}" for c in table.columns)
    con.execute(f"CREATE TEMP TABLE raw_{name} AS SELECT NULL::BIGINT AS _row, {cols} LIMIT 0")
    build_typed(con, table, f"raw_{name}", name, in_place=False)
    relations = [f"{name}_all", name]
    if table.aggregate:
        build_daily_summary(con, table)
        relations.append(f"{name}_days")
    ddl = []
    for rel in relations:
        columns = ", ".join(f"{ident(c)} {t}" for c, t, *_ in con.execute(f"DESCRIBE {rel}").fetchall())
        ddl.append(f"CREATE OR REPLACE TEMP TABLE {rel} ({columns});")
    return "\n".join(ddl)


def open_extract(
    data: str | Path,
    as_of: dt.date | str | None = None,
    period: str | None = None,
    policy: Policy | str | Path | None = None,
    progress: Progress | None = None,
    cache: bool = True,
) -> Extract:
    """Load an extract folder for an audit date (``as_of`` or ``period``); an unchanged one re-opens from the cache."""
    from .dates import as_of_for  # noqa: PLC0415

    return Extract(data, as_of_for(period, as_of), policy, progress, cache=cache)


__all__ = ["Extract", "open_extract", "InputError"]
