"""The source-profile file format (pydantic): which export columns fill which canonical columns.

A profile is data (a YAML file, see docs/profiles.md). A mapped column may name one export column, a
list of accepted names (the first one present in a row wins: ``[Email Address, Email, E-mail]``), a
template (``"{Id}-email-opt-out"``), a lookup in another table, or a conditional value (written only
when a condition on the row holds). Loading a profile checks every name against the data contract.
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..contract import load_contract
from ..errors import InputError
from ..safeyaml import safe_load
from .logformat import compile_format


class Lookup(BaseModel):
    """The canonical value found in another table: ``{lookup: persons.email, value: [Email Address, Email]}``."""

    model_config = ConfigDict(extra="forbid")
    lookup: str
    value: str | list[str]


class Conditional(BaseModel):
    """A value written only when the row shows it: ``{value: "double opt-in {CONFIRM_TIME}",
    if_later: [CONFIRM_TIME, OPTIN_TIME]}`` (first time later than the second), ``if_any: [A, B]`` (one not blank)."""

    model_config = ConfigDict(extra="forbid")
    value: str
    if_later: list[str] = Field(default_factory=list)
    if_any: list[str] = Field(default_factory=list)

    @field_validator("if_later")
    @classmethod
    def _two(cls, v):
        if v and len(v) != 2:
            raise ValueError("if_later takes two columns: [LATER, EARLIER]")
        return v


Source = str | list[str | Conditional] | Lookup | Conditional


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
    # a where key may give alternative names: "IsConverted | Converted"
    where: dict[str, bool | str] = Field(default_factory=dict)
    # columns the export may lack, each with what that means ("" = the canonical column stays empty)
    optional_columns: dict[str, str] = Field(default_factory=dict)
    # the value of a canonical column when the export lacks its column altogether
    defaults: dict[str, str] = Field(default_factory=dict)

    @field_validator("timestamp_formats", mode="before")
    @classmethod
    def _one_or_more(cls, v):
        return {k: [f] if isinstance(f, str) else f for k, f in (v or {}).items()}

    @field_validator("constants", "defaults", mode="before")
    @classmethod
    def _text_constants(cls, v):
        return {k: (str(c).lower() if isinstance(c, bool) else str(c)) for k, c in (v or {}).items()}

    @field_validator("optional_columns", mode="before")
    @classmethod
    def _consequences(cls, v):
        return {c: "" for c in v} if isinstance(v, list) else {k: str(t or "") for k, t in (v or {}).items()}

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
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone '{v}'") from None
        return v

    @model_validator(mode="after")
    def _canonical_names(self):
        contract = load_contract()
        if self.table not in contract:
            raise ValueError(f"table '{self.table}' is not a canonical table ({', '.join(contract)})")
        known = contract[self.table].columns
        for key, names in [
            ("columns", self.columns),
            ("constants", self.constants),
            ("value_maps", self.value_maps),
            ("timestamp_formats", self.timestamp_formats),
            ("booleans", self.booleans),
            ("split", self.split),
            ("optional_columns", self.optional_columns),
            ("defaults", self.defaults),
        ]:
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

    optional: bool = False  # left out, not an error, when the file lacks one of its columns


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
    # day-first or month-first dates: DMY, MDY, or auto (decided by the data: a first number above 12)
    date_order: Literal["DMY", "MDY", "auto"] | None = None
    # web-server logs: the format as the server's configuration writes it (Apache LogFormat, nginx log_format)
    log_format: str | None = None
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
        if self.log_format is not None:
            if self.format != "clf":
                raise ValueError("log_format is for web-server logs (format: clf) only")
            try:
                compile_format(self.log_format)
            except InputError as err:
                raise ValueError(str(err)) from None
        return self

    def mappings(self) -> list[Mapping]:
        return [self, *self.derived]


def load_profile(path: Path) -> Profile:
    """Read and validate one profile file; a mistake is one line naming the file and the key.

    The file is read on every call; parsing is cached by its path and content (every extract opened
    looks at the shipped profiles), and each caller gets its own copy of the model.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"profile {path}: unreadable ({yaml_problem(err)})") from None
    return _parsed_profile(str(path), data).model_copy(deep=True)


@lru_cache(maxsize=64)
def _parsed_profile(path: str, data: bytes) -> Profile:
    try:
        raw = safe_load(data, _FAST_LOADER)
    except yaml.YAMLError as err:
        raise InputError(f"profile {path}: unreadable ({yaml_problem(err)})") from None
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


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the same documents


def yaml_problem(err: Exception) -> str:
    """Why a YAML file is unreadable, without quoting its content."""
    if isinstance(err, OSError):
        return err.strerror or type(err).__name__
    mark = getattr(err, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark else ""
    return where + " ".join(str(getattr(err, "problem", None) or err).split())[:120]
