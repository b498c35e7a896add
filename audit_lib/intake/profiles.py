"""Source profiles: map a real system's export (Salesforce, HubSpot, Mailchimp, web logs, ROPA) onto a
canonical table, as data (a YAML file), without code changes.

A profile is applied in DuckDB: the export is read into a relation of text columns, then one SELECT
renames and maps it into the canonical text columns, and the normal typing path (``build_typed``)
types it and reports data quality. No Python loop touches the rows. See docs/profiles.md.
"""
from __future__ import annotations

import fnmatch
import os
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

import duckdb
import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..contract import Table, load_contract
from ..errors import InputError
from ..safeyaml import safe_load
from ..sqlident import ident
from .clf import read_clf
from .paths import inside, profile_name, relative_entry
from .readers import _read_one_csv, _union, dedupe_name, read_table, sniff_csv, transcode, xlsx_to_arrow
from .sources import SourceFile, TableSource

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "profiles"
EXTRACT_FILE = "extract.yaml"
ENV_CHOICES = "GDPR_AUDIT_PROFILES"  # "persons=salesforce_lead_api,connection_logs=apache_combined"
ENV_DIRS = "GDPR_AUDIT_PROFILE_DIRS"  # os.pathsep-separated folders
CLF_DEFAULT = "apache_combined"  # connection_logs/*.log(.gz) are read through it without being named
TEMPLATE = re.compile(r"\{([^{}]+)\}")


class Lookup(BaseModel):
    """The canonical value found in another table: ``{lookup: persons.email, value: "Email Address"}``."""

    model_config = ConfigDict(extra="forbid")
    lookup: str
    value: str


Source = Union[str, list[str], Lookup]


class Mapping(BaseModel):
    """How rows of the export become rows of one canonical table."""

    model_config = ConfigDict(extra="forbid")
    table: str
    columns: dict[str, Source] = Field(default_factory=dict)
    constants: dict[str, str] = Field(default_factory=dict)
    value_maps: dict[str, dict[str, str]] = Field(default_factory=dict)
    timestamp_formats: dict[str, list[str]] = Field(default_factory=dict)
    timestamp_zone: str | None = None
    booleans: list[str] = Field(default_factory=list)
    split: dict[str, str] = Field(default_factory=dict)
    where: dict[str, Union[bool, str]] = Field(default_factory=dict)
    optional_columns: list[str] = Field(default_factory=list)

    @field_validator("timestamp_formats", mode="before")
    @classmethod
    def _one_or_more(cls, v):
        return {k: [f] if isinstance(f, str) else f for k, f in (v or {}).items()}

    @field_validator("constants", mode="before")
    @classmethod
    def _text_constants(cls, v):
        return {k: (str(c).lower() if isinstance(c, bool) else str(c)) for k, c in (v or {}).items()}

    @field_validator("value_maps", mode="before")
    @classmethod
    def _text_maps(cls, v):
        return {k: {str(a): str(b) for a, b in (m or {}).items()} for k, m in (v or {}).items()}

    @field_validator("timestamp_zone")
    @classmethod
    def _zone(cls, v):
        if v is not None:
            try:
                zoneinfo.ZoneInfo(v)
            except Exception:
                raise ValueError(f"unknown time zone '{v}'") from None
        return v

    @model_validator(mode="after")
    def _canonical_names(self):
        contract = load_contract()
        if self.table not in contract:
            raise ValueError(f"table '{self.table}' is not a canonical table ({', '.join(contract)})")
        known = contract[self.table].columns
        for key, names in [("columns", self.columns), ("constants", self.constants), ("value_maps", self.value_maps),
                           ("timestamp_formats", self.timestamp_formats), ("booleans", self.booleans),
                           ("split", self.split), ("optional_columns", self.optional_columns)]:
            for name in names:
                if name not in known:
                    raise ValueError(f"{key}: '{name}' is not a column of {self.table} ({', '.join(known)})")
                if key not in ("columns", "constants") and name not in self.columns:
                    raise ValueError(f"{key}: '{name}' is not mapped under columns")
        both = set(self.columns) & set(self.constants)
        if both:
            raise ValueError(f"'{sorted(both)[0]}' is both in columns and constants")
        for col, spec in self.columns.items():
            if isinstance(spec, Lookup):
                table, _, by = spec.lookup.partition(".")
                if table not in contract or by not in contract[table].columns or not contract[table].key:
                    raise ValueError(f"columns: {col}: lookup '{spec.lookup}' is not <table>.<column> of the contract")
        return self


class Derived(Mapping):
    """Extra rows made from the same file (an opt-out flag becomes an objection)."""

    optional: bool = False  # skipped, not an error, when the file lacks one of its columns


class Profile(Mapping):
    """One export layout: which files, how to read them, and their mapping (plus derived rows)."""

    name: str
    description: str = ""
    format: Literal["csv", "xlsx", "clf"]
    match: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = Field(default=1, ge=1)
    sheet: str | None = None
    null_values: list[str] = Field(default_factory=list)
    derived: list[Derived] = Field(default_factory=list)
    path: str = ""

    @field_validator("match", mode="before")
    @classmethod
    def _patterns(cls, v):
        return [v] if isinstance(v, str) else v

    @field_validator("null_values", mode="before")
    @classmethod
    def _text_nulls(cls, v):
        return [str(x) for x in v or []]

    @model_validator(mode="after")
    def _read_options(self):
        if self.header_row != 1 and self.format != "xlsx":
            raise ValueError("header_row is for xlsx workbooks only")
        if (self.encoding or self.delimiter) and self.format != "csv":
            raise ValueError("encoding and delimiter are for csv files only")
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise ValueError("delimiter must be one character")
        return self

    def mappings(self) -> list[Mapping]:
        return [self, *self.derived]


# ---------------------------------------------------------------- loading


def load_profile(path: Path) -> Profile:
    """Read and validate one profile file; a mistake is one line naming the file and the key."""
    try:
        raw = safe_load(Path(path).read_bytes())
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"profile {path}: unreadable ({_yaml_problem(err)})") from None
    if not isinstance(raw, dict):
        raise InputError(f"profile {path}: expected a mapping with name, table, format, match, columns")
    try:
        profile = Profile(**raw, path=str(path))
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        msg = first["msg"].removeprefix("Value error, ")
        raise InputError(f"profile {path}: {where + ': ' if where else ''}{msg}") from None
    if profile.name != Path(path).stem:
        raise InputError(f"profile {path}: name '{profile.name}' must be the file name without .yaml")
    return profile


def profile_dirs(root: Path, extra: list[Path]) -> list[Path]:
    """Where profiles are looked up, first match wins: given folders, ``<extract>/profiles``, shipped."""
    dirs = [Path(d) for d in extra]
    env = os.environ.get(ENV_DIRS, "")
    dirs += [Path(d) for d in env.split(os.pathsep) if d]
    dirs += [root / "profiles", SHIPPED_DIR]
    return [d for d in dirs if d.is_dir()]


def _yaml_problem(err: Exception) -> str:
    """Why a YAML file is unreadable, without quoting its content."""
    if isinstance(err, OSError):
        return err.strerror or type(err).__name__
    mark = getattr(err, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark else ""
    return where + " ".join(str(getattr(err, "problem", None) or err).split())[:120]


def find_profile(name: str, dirs: list[Path]) -> Profile:
    profile_name(name)
    for d in dirs:
        path = d / f"{name}.yaml"
        if path.is_file():
            return load_profile(path)
    known = sorted({p.stem for d in dirs for p in d.glob("*.yaml")})
    raise InputError(f"profile {name}: not found (known profiles: {', '.join(known)})")


def shipped_profiles() -> list[str]:
    """Names of the profiles that ship with the tool."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))


def parse_choices(choices: list[str]) -> list[tuple[str, str]]:
    """``TABLE=NAME`` strings (command line or environment) as (table, name) pairs."""
    pairs = []
    for choice in choices:
        table, sep, name = choice.partition("=")
        if not sep or not table.strip() or not name.strip():
            raise InputError(f"--profile {choice}: expected TABLE=NAME, e.g. persons=salesforce_lead_api")
        pairs.append((table.strip(), profile_name(name.strip())))
    return pairs


def env_choices() -> list[str]:
    return [c for c in os.environ.get(ENV_CHOICES, "").split(",") if c.strip()]


# ---------------------------------------------------------------- which file goes through which profile


@dataclass
class ProfiledFiles:
    """The files one profile reads, and (once read) the relation holding their raw rows."""

    profile: Profile
    files: list[SourceFile]
    raw: str | None = None
    columns: dict[Path, set[str]] = field(default_factory=dict)


def _read_extract_yaml(root: Path) -> dict:
    path = root / EXTRACT_FILE
    if not path.is_file():
        return {}
    inside(root, path)
    try:
        spec = safe_load(path.read_bytes()) or {}
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"{path}: unreadable YAML ({_yaml_problem(err)})") from None
    if not isinstance(spec, dict):
        raise InputError(f"{path}: expected a mapping with the keys files, profile_dirs")
    unknown = {str(k) for k in spec} - {"files", "profile_dirs"}
    if unknown:
        raise InputError(f"{path}: unknown key '{sorted(unknown)[0][:60]}' (expected files, profile_dirs)")
    if not isinstance(spec.get("files") or {}, dict):
        raise InputError(f"{path}: files: expected a mapping of file name to profile name")
    if not isinstance(spec.get("profile_dirs") or [], list):
        raise InputError(f"{path}: profile_dirs: expected a list of folders inside the extract")
    return spec


def _matching(root: Path, patterns: list[str]) -> list[Path]:
    """Files under ``root`` whose path relative to it matches a pattern (case-insensitive)."""
    found = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix().lower()
        if not p.name.startswith(".") and any(fnmatch.fnmatch(rel, pat.lower()) for pat in patterns):
            inside(root, p)  # a symlink out of the extract is refused, never followed
            if p.is_file():
                found.append(p)
    return found


def plan_profiles(root: Path, choices: list[str], dirs: list[Path]) -> list[ProfiledFiles]:
    """The chosen profiles and their files: ``--profile TABLE=NAME`` globs, then extract.yaml ``files``."""
    spec = _read_extract_yaml(root)
    where = root / EXTRACT_FILE
    own = [relative_entry(root, str(d), f"{where}: profile_dirs") for d in spec.get("profile_dirs", []) or []]
    for d in [*own, root / "profiles"]:
        if d.exists() or d.is_symlink():
            inside(root, d)
    dirs = profile_dirs(root, [*dirs, *own])
    claimed: dict[Path, str] = {}
    plans: dict[str, ProfiledFiles] = {}

    def claim(profile: Profile, path: Path) -> None:
        if claimed.get(path, profile.name) != profile.name:
            raise InputError(f"{path.name}: chosen for two profiles ({claimed[path]}, {profile.name}); keep one")
        if path in claimed:
            return
        claimed[path] = profile.name
        size = path.stat().st_size
        if size == 0:
            raise InputError(f"{path}: file is empty (expected a {profile.name} export)")
        plan = plans.setdefault(profile.name, ProfiledFiles(profile, []))
        plan.files.append(SourceFile(path=path, table=profile.table, format=profile.format, size=size,
                                     profile=profile.name))

    for table, name in parse_choices(choices):
        profile = find_profile(name, dirs)
        if profile.table != table:
            raise InputError(f"--profile {table}={name}: profile {name} maps onto {profile.table}, not {table}")
        files = _matching(root, profile.match)
        if not files:
            raise InputError(f"profile {name}: no file in {root} matches {', '.join(profile.match)}")
        for path in files:
            claim(profile, path)
    for file_name, name in (spec.get("files") or {}).items():
        path = relative_entry(root, str(file_name), f"{where}: files")
        if not (path.exists() or path.is_symlink()):
            raise InputError(f"{where}: files: '{file_name}' not found in {root}")
        inside(root, path)
        if not path.is_file():
            raise InputError(f"{root / EXTRACT_FILE}: files: '{file_name}' not found in {root}")
        claim(find_profile(profile_name(str(name), f"{where}: files: {file_name}"), dirs), path)
    return list(plans.values())


def merge_sources(sources: dict[str, TableSource], plans: list[ProfiledFiles], root: Path) -> dict[str, TableSource]:
    """Add the profiled files to the tables they feed (derived rows included), in contract order."""
    claimed = {f.path for p in plans for f in p.files}
    merged: dict[str, TableSource] = {}
    for table, source in sources.items():
        keep = [f for f in source.files if f.path not in claimed]
        if keep:
            if source.format == "clf":
                for f in keep:
                    f.profile = CLF_DEFAULT
            merged[table] = TableSource(table=table, format=source.format, files=keep)
    for plan in plans:
        for mapping in plan.profile.mappings():
            target = merged.setdefault(mapping.table, TableSource(table=mapping.table, format=plan.profile.format))
            if mapping is plan.profile:
                target.files.extend(plan.files)
    return {t: merged[t] for t in load_contract() if t in merged}


# ---------------------------------------------------------------- reading through a profile


class ProfileReader:
    """Reads each table of an extract: canonical files as before, profiled files through their mapping."""

    def __init__(self, plans: list[ProfiledFiles]):
        self.plans = plans
        self.loaded: set[str] = set()
        self._n = 0

    def read(self, con: duckdb.DuckDBPyConnection, table: str, source: TableSource, workdir: Path) -> str:
        """Create ``raw_<table>`` (text columns + ``_row``) and return its name."""
        canonical = [f for f in source.files if f.profile == "canonical"]
        default_clf = [f for f in source.files if f.profile == CLF_DEFAULT and f.format == "clf"
                       and not any(f in p.files for p in self.plans)]
        parts: list[str] = []
        if canonical:
            raw = read_table(con, TableSource(table, source.format, canonical), workdir)
            if not default_clf and not self._contributions(table):
                self.loaded.add(table)
                return raw
            parts.append(f"SELECT * FROM {_as_text(con, raw)}")
        if default_clf:
            plan = ProfiledFiles(find_profile(CLF_DEFAULT, [SHIPPED_DIR]), default_clf)
            self._read_raw(con, plan, workdir)
            parts.append(self._select(con, plan, plan.profile))
        for plan, mapping in self._contributions(table):
            self._read_raw(con, plan, workdir)
            if mapping is not plan.profile and not self._fits(plan, mapping):
                continue
            parts.append(self._select(con, plan, mapping))
        name = f"rawm_{table}"
        if len(parts) == 1:
            # one part keeps its row numbers and streams (a folder of web-server logs is never copied)
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {parts[0]}")
        else:
            union = " UNION ALL BY NAME ".join(f"({p})" for p in parts) if parts else _empty(load_contract()[table])
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS "
                        f"SELECT row_number() OVER () AS _row, * EXCLUDE (_row) FROM ({union})")
        self.loaded.add(table)
        return name

    def _contributions(self, table: str) -> list[tuple[ProfiledFiles, Mapping]]:
        return [(p, m) for p in self.plans for m in p.profile.mappings() if m.table == table]

    def _read_raw(self, con, plan: ProfiledFiles, workdir: Path) -> None:
        if plan.raw is not None:
            return
        prof = plan.profile
        self._n += 1
        plan.raw = f"rawp_{self._n}_{re.sub(r'[^a-z0-9_]', '_', prof.name.lower())}"
        source = TableSource(prof.table, prof.format, plan.files)
        if prof.format == "clf":
            read_clf(con, source, plan.raw, workdir)
            cols = {r[0] for r in con.execute(f"DESCRIBE {plan.raw}").fetchall()}
            plan.columns = {f.path: cols for f in plan.files}
        elif prof.format == "csv":
            self._read_csv(con, plan, workdir)
        else:
            self._read_xlsx(con, plan)
        mapping_problem(plan, prof)

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
                    raise InputError(f"profile {prof.name}: {f.path.name}: not readable as {encoding} ({err})") from None
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

    def _fits(self, plan: ProfiledFiles, mapping: Derived) -> bool:
        problem = mapping_problem(plan, mapping, raise_it=not mapping.optional)
        return problem is None

    def _select(self, con, plan: ProfiledFiles, mapping: Mapping) -> str:
        for spec in mapping.columns.values():
            if isinstance(spec, Lookup) and spec.lookup.split(".")[0] not in self.loaded:
                raise InputError(f"profile {plan.profile.name}: looks up {spec.lookup}, but "
                                 f"{spec.lookup.split('.')[0]} is not provided")
        return mapped_select(plan, mapping)


def _empty(table: Table) -> str:
    cols = ", ".join(f'NULL::VARCHAR AS "{c}"' for c in table.columns)
    return f"SELECT NULL::BIGINT AS _row, {cols} WHERE false"


def _as_text(con, rel: str) -> str:
    """A SELECT of ``rel`` with every column as text (a canonical Parquet file stacked with a profile)."""
    cols = con.execute(f"DESCRIBE {rel}").fetchall()
    exprs = [ident(c) if c == "_row" or t == "VARCHAR" else f"CAST({ident(c)} AS VARCHAR) AS {ident(c)}"
             for c, t, *_ in cols]
    return f"(SELECT {', '.join(exprs)} FROM {rel})"


# ---------------------------------------------------------------- the mapping as SQL


def _src(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower()


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + _src(name).replace('"', '""') + '"'


def source_columns(mapping: Mapping) -> list[str]:
    """Every export column a mapping reads (as written in the profile)."""
    names: list[str] = []
    for col, spec in mapping.columns.items():
        if isinstance(spec, Lookup):
            names.extend(_names(spec.value))
        elif isinstance(spec, str) and col not in mapping.optional_columns:
            names.extend(_names(spec))
    names.extend(mapping.where)
    return list(dict.fromkeys(n for n in names if n != "_row"))


def mapping_problem(plan: ProfiledFiles, mapping: Mapping, raise_it: bool = True) -> str | None:
    """The first export column a mapping needs that a file lacks (optional columns may be absent)."""
    for f in plan.files:
        have = plan.columns.get(f.path, set())
        for name in source_columns(mapping):
            if _src(name) not in have:
                return _problem(plan, f, f"'{name}'", raise_it)
        for col, spec in mapping.columns.items():
            if isinstance(spec, list) and col not in mapping.optional_columns:
                if not any(_present(s, have) for s in spec):
                    return _problem(plan, f, " or ".join(f"'{s}'" for s in spec), raise_it)
    return None


def _problem(plan: ProfiledFiles, f: SourceFile, what: str, raise_it: bool) -> str:
    msg = f"profile {plan.profile.name}: {f.path.name}: missing column {what}"
    if raise_it:
        raise InputError(msg)
    return msg


def _names(spec: str) -> list[str]:
    """The export columns one entry reads: ``{A}-{B}`` reads A and B, a plain name reads itself."""
    return TEMPLATE.findall(spec) if TEMPLATE.search(spec) else [spec]


def _present(spec: str, have: set[str]) -> bool:
    return all(n == "_row" or _src(n) in have for n in _names(spec))


def _value(spec: Source, have: set[str]) -> str:
    """SQL text of one mapped column before cleaning (NULL where the export lacks it)."""
    if isinstance(spec, Lookup):
        table, _, by = spec.lookup.partition(".")
        key = load_contract()[table].key
        return (f"(SELECT CAST(l.\"{key}\" AS VARCHAR) FROM {table}_all l WHERE lower(trim(CAST(l.\"{by}\" AS VARCHAR))) "
                f"= lower(trim({_value(spec.value, have)})) ORDER BY l._row LIMIT 1)")
    if isinstance(spec, list):
        present = [_value(s, have) for s in spec if _present(s, have)]
        return "coalesce(" + ", ".join(f"nullif(trim({p}), '')" for p in present) + ")" if present else "NULL"
    if TEMPLATE.search(spec):
        parts, blanks, pos = [], [], 0
        for m in TEMPLATE.finditer(spec):
            if m.start() > pos:
                parts.append(_lit(spec[pos:m.start()]))
            col = _value(m.group(1), have)
            parts.append(f"CAST({col} AS VARCHAR)")
            blanks.append(f"blank({col})")
            pos = m.end()
        if pos < len(spec):
            parts.append(_lit(spec[pos:]))
        return f"CASE WHEN {' OR '.join(blanks)} THEN NULL ELSE concat({', '.join(parts)}) END"
    if spec == "_row":
        return "CAST(_row AS VARCHAR)"
    return _ident(spec) if _src(spec) in have else "NULL::VARCHAR"


def column_expr(col: str, spec: Source, mapping: Mapping, nulls: list[str], have: set[str]) -> str:
    """The canonical text of one column: value, null markers, booleans, timestamps, value map, split."""
    e = _value(spec, have)
    if nulls:
        e = f"CASE WHEN lower(trim({e})) IN ({', '.join(_lit(n.strip().lower()) for n in nulls)}) THEN NULL ELSE {e} END"
    if col in mapping.booleans:
        e = f"CASE WHEN blank({e}) THEN 'false' ELSE {e} END"
    if col in mapping.timestamp_formats:
        tries = []
        for fmt in mapping.timestamp_formats[col]:
            parsed = f"try_strptime(trim({e}), {_lit(fmt)})"
            if mapping.timestamp_zone and "%z" not in fmt and "%Z" not in fmt:
                parsed = f"timezone({_lit(mapping.timestamp_zone)}, {parsed})"
            tries.append(f"CAST({parsed} AS VARCHAR)")
        # an unreadable value stays as it was, so the typing step reports it (DQ-INVALID-VALUE)
        e = f"coalesce({', '.join(tries)}, {e})"
    if col in mapping.value_maps:
        whens = " ".join(f"WHEN {_lit(k.strip().lower())} THEN {_lit(v)}" for k, v in mapping.value_maps[col].items())
        e = f"CASE lower(trim({e})) {whens} ELSE {e} END"
    if col in mapping.split:
        e = f"replace({e}, {_lit(mapping.split[col])}, ';')"
    return e


def _where(mapping: Mapping, have: set[str]) -> str:
    conds = []
    for name, want in mapping.where.items():
        col = _value(name, have)
        if isinstance(want, bool):
            conds.append(f"parse_bool({col}) = {str(want).lower()}")
        elif want == "*":
            conds.append(f"NOT blank({col})")
        else:
            conds.append(f"lower(trim({col})) = {_lit(want.strip().lower())}")
    return " WHERE " + " AND ".join(conds) if conds else ""


def mapped_select(plan: ProfiledFiles, mapping: Mapping) -> str:
    """The SELECT turning the profile's raw relation into the mapping's canonical text columns."""
    have = set().union(*plan.columns.values()) if plan.columns else set()
    nulls = plan.profile.null_values
    cols = [f"{column_expr(c, s, mapping, nulls, have)} AS \"{c}\"" for c, s in mapping.columns.items()]
    cols += [f"{_lit(v)} AS \"{c}\"" for c, v in mapping.constants.items()]
    return f"SELECT _row, {', '.join(cols)} FROM {plan.raw}{_where(mapping, have)}"


def use_profiles(choices: list[str], dirs: list[Path]) -> None:
    """Make ``--profile``/``--profile-dir`` the default of every Extract of this process and of the
    notebooks it runs (papermill kernels inherit the environment)."""
    parse_choices(choices)  # a malformed TABLE=NAME stops here, before any loading
    os.environ[ENV_CHOICES] = ",".join(choices)
    os.environ[ENV_DIRS] = os.pathsep.join(str(Path(d).resolve()) for d in dirs)
