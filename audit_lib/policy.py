"""The policy file: the company's privacy policy as validated data, with its Dutch quotes (spec/policy.md)."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from audit_lib.contract import load_contract
from audit_lib.errors import PolicyError
from audit_lib.reference import art6_bases
from audit_lib.safeyaml import safe_load

SHIPPED_POLICY = Path(__file__).parent / "data" / "policy_socomec_nl.yaml"
ART6_BASES = art6_bases()  # reference data (data/reference/art6_bases.yaml), also the table ref_art6_bases
REQUIRED_PARAMETERS = (
    "prospect_years",
    "active_after_end_years",
    "archive_years",
    "connection_log_years",
    "id_document_grace_days",
    "card_dispute_months",
    "deferred_card_dispute_months",
    "transfer_review_months",
    "dsr_response_months",
    "dsr_extension_months",
    "breach_notification_hours",
)
CONTRACT_TABLES = tuple(load_contract())  # the data contract's tables (policy columns name them)

Channel = Literal["email", "sms", "post", "phone"]
MessagePurpose = Literal["newsletter", "commercial", "event_invitation", "satisfaction_survey", "service"]
ConsentPurpose = Literal[
    "email_marketing", "newsletter", "postal_marketing", "events", "profiling", "retention_renewal"
]
ObjectionScope = Literal["all_prospection", "email", "postal", "phone", "profiling"]


def _art6_basis(value: str) -> str:
    if value not in ART6_BASES:
        raise ValueError(f"{value!r} is not an Art. 6 basis (expected one of {', '.join(ART6_BASES)})")
    return value


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not a time zone known to zoneinfo (e.g. Europe/Brussels)") from None
    return value


Text = Annotated[str, Field(min_length=1)]
Column = Annotated[str, Field(pattern=rf"^({'|'.join(CONTRACT_TABLES)})\.[a-z_]+$")]  # data contract table.column
Basis = Annotated[str, AfterValidator(_art6_basis)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quoted(_Model):
    policy_ref: Text
    quote: Text


class Header(Quoted):
    id: Text
    company: Text
    title: Text
    language: Text
    in_force_since: date
    text_file: Text


class TimeZone(Quoted):
    value: Annotated[str, AfterValidator(_known_zone)]
    legal_ref: Text


class Entry(Quoted):
    """An entry with an id and a plain-English title (a recipient category is just this)."""

    id: Text
    title: Text


class Purpose(Entry):
    group: Literal["commercial_relationship", "prospection", "website_social"]
    bases: Annotated[list[Basis], Field(min_length=1)]
    basis_quote: Text


class DataCategory(Entry):
    columns: list[Column]


class Parameter(Quoted):
    value: Annotated[int, Field(strict=True, ge=0)]
    unit: Literal["years", "months", "days", "hours"]
    title: Text
    legal_ref: Text
    source: str | None = None
    note: str | None = None


class Destination(_Model):
    kind: Literal["country", "m49_region"]
    code: str | None = None
    name: str | None = None
    title: Text

    @model_validator(mode="after")
    def _has_value(self) -> Destination:
        if not (self.code if self.kind == "country" else self.name):
            raise ValueError(f"a {self.kind} destination needs {'code' if self.kind == 'country' else 'name'}")
        return self

    @property
    def value(self) -> str:
        return self.code if self.kind == "country" else self.name


class DisclosedDestinations(Quoted):
    legal_ref: Text
    destinations: list[Destination]


class ConsentRule(_Model):
    message_purpose: MessagePurpose
    channels: list[Channel]
    subject_types: list[Literal["prospect", "customer"]]
    consent_purposes: list[ConsentPurpose]


class SoftOptIn(Quoted):
    legal_ref: Text


class ConsentRules(Quoted):
    legal_ref: Text
    prospection_purposes: list[MessagePurpose]
    rules: list[ConsentRule]
    soft_opt_in: SoftOptIn | None = None  # absent: a customer needs consent as a prospect does


class ThirdPartySources(Quoted):
    """The persons.source values meaning the details were not obtained from the person directly."""

    legal_ref: Text
    values: list[Text]


def _known_calendar(value: str) -> str:
    # the registry names every country's codes without importing its module: list_supported_countries()
    # imports all 250 of them (0.08-0.2 s of each run) to give the same set
    from holidays.registry import COUNTRIES  # noqa: PLC0415

    # (class name, alpha-2, alpha-3, aliases...): the codes are the upper-case names of 2 or 3 letters
    codes = {n for names in COUNTRIES.values() for n in names[1:] if n.isupper() and len(n) in (2, 3)}
    if value not in codes:
        raise ValueError(f"{value!r} is not a country the holidays package knows (e.g. BE)")
    return value


class HolidayCalendar(Quoted):
    value: Annotated[str, AfterValidator(_known_calendar)]
    legal_ref: Text


class Section(Quoted):
    """A section of the policy text: its number (policy_ref), a plain-English title, its Dutch heading."""

    title: Text


class ObjectionScopes(Quoted):
    legal_ref: Text
    scopes: dict[ObjectionScope, list[Channel]]


class Policy(_Model):
    """A loaded, validated policy file (the YAML document, plus its path and sha256)."""

    policy: Header
    time_zone_entry: TimeZone = Field(alias="time_zone")
    purposes: list[Purpose]
    data_categories: list[DataCategory]
    parameters: dict[str, Parameter]
    recipient_categories: list[Entry]
    disclosed_destinations: DisclosedDestinations
    consent_rules: ConsentRules
    objection_scopes: ObjectionScopes
    third_party_sources: ThirdPartySources
    holiday_calendar: HolidayCalendar
    sections: list[Section] = []
    commitments: list[Entry] = []
    _path: Path = PrivateAttr(default=SHIPPED_POLICY)
    _sha256: str = PrivateAttr(default="")

    path = property(lambda self: self._path)
    sha256 = property(lambda self: self._sha256)
    time_zone = property(lambda self: self.time_zone_entry.value)

    def param_values(self) -> dict[str, int]:
        """Parameter name -> value, for binding as DuckDB $name parameters."""
        return {name: p.value for name, p in self.parameters.items()}

    def rule_values(self) -> dict[str, object]:
        """What a check's rule text may name: the parameters, the third-party sources, the holiday calendar."""
        return {
            **self.param_values(),
            "third_party_sources": ", ".join(self.third_party_sources.values),
            "holiday_calendar": self.holiday_calendar.value,
        }

    def section_title(self, ref: str) -> str:
        """The plain title of a section of the policy ('§4' -> 'How long data is kept'), '' if none."""
        return next((s.title for s in self.sections if s.policy_ref == ref), "")

    def text(self) -> str:
        """The full policy text (text_file, relative to the YAML file)."""
        text_path = self.path.parent / self.policy.text_file
        try:
            return text_path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise PolicyError(f"{self.path.name}: policy.text_file: cannot read {text_path.name} ({e})") from None

    def quote_for(self, ref: str) -> str:
        """The Dutch quote of a parameter, purpose, category or section ('consent_rules', ...)."""
        return self._entry(ref).quote

    def ref_for(self, ref: str) -> str:
        """The section (``§5``) of a parameter, purpose, category or commitment."""
        return self._entry(ref).policy_ref

    def _entry(self, ref: str):
        entries = {
            **{e.id: e for e in (*self.purposes, *self.data_categories, *self.recipient_categories, *self.commitments)},
            **self.parameters,
            "policy": self.policy,
            "time_zone": self.time_zone_entry,
            "disclosed_destinations": self.disclosed_destinations,
            "consent_rules": self.consent_rules,
            "objection_scopes": self.objection_scopes,
            "third_party_sources": self.third_party_sources,
            "holiday_calendar": self.holiday_calendar,
        }
        if ref not in entries:
            raise PolicyError(f"{self.path.name}: no entry {ref!r} to quote (not a parameter, purpose or section)")
        return entries[ref]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The policy as small string tables for DuckDB (lists exploded, one row per pair)."""

        def frame(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
            return pd.DataFrame(rows, columns=columns, dtype=str)

        rules = self.consent_rules.rules
        return {
            "policy_purposes": frame(["purpose_id", "basis"], [(p.id, b) for p in self.purposes for b in p.bases]),
            "policy_recipient_categories": frame(["category"], [(c.id,) for c in self.recipient_categories]),
            "policy_disclosed_destinations": frame(
                ["kind", "value"], [(d.kind, d.value) for d in self.disclosed_destinations.destinations]
            ),
            "policy_consent_rules": frame(
                ["message_purpose", "channel", "subject_type", "consent_purpose"],
                [
                    (r.message_purpose, ch, st, cp)
                    for r in rules
                    for ch in r.channels
                    for st in r.subject_types
                    for cp in r.consent_purposes
                ],
            ),
            "policy_prospection_purposes": frame(["purpose"], [(p,) for p in self.consent_rules.prospection_purposes]),
            "policy_third_party_sources": frame(["source"], [(v,) for v in self.third_party_sources.values]),
            "policy_soft_opt_in": frame(["applies"], [("yes",)] if self.consent_rules.soft_opt_in else []),
            "policy_objection_scopes": frame(
                ["scope", "channel"], [(s, ch) for s, chs in self.objection_scopes.scopes.items() for ch in chs]
            ),
        }


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader (libyaml's when installed) that refuses a key repeated in one mapping (PyYAML silently keeps the last)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key_node, deep=deep) for key_node, _ in node.value]
        for i, key in enumerate(keys):
            if key in keys[:i]:
                mark = node.value[i][0].start_mark
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", mark)
        return super().construct_mapping(node, deep=deep)


def _key_path(loc: tuple) -> str:
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc if part != "[key]")
    return path.lstrip(".") or "(top level)"


def _describe(error: dict) -> str:
    kind, message = error["type"], error["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing key"
    if kind == "value_error":
        return message
    if error.get("input") is None:
        return f"no value ({message})"
    got = repr(error["input"])
    return f"{message} (got {got[:60] + '...' if len(got) > 60 else got})"


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _quotes(node: object, path: str = ""):
    """Yield (key path, text) of every quote and basis_quote in the raw YAML tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else str(key)
            if key in ("quote", "basis_quote") and isinstance(value, str):
                yield sub, value
            else:
                yield from _quotes(value, sub)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _quotes(value, f"{path}[{i}]")


def _check_consistency(name: str, doc: Policy) -> None:
    for section in ("purposes", "data_categories", "recipient_categories"):
        seen = set()
        for i, entry in enumerate(getattr(doc, section)):
            if entry.id in seen:
                raise PolicyError(f"{name}: {section}[{i}].id: duplicate id {entry.id!r}")
            seen.add(entry.id)
    for required in REQUIRED_PARAMETERS:
        if required not in doc.parameters:
            raise PolicyError(f"{name}: parameters.{required}: required parameter is missing")


def _check_quotes(name: str, raw: dict, policy: Policy) -> None:
    if not (policy.path.parent / policy.policy.text_file).is_file():
        return
    text = _normalise(policy.text())
    for key, quote in _quotes(raw):
        if _normalise(quote) not in text:
            short = quote if len(quote) <= 60 else quote[:60] + "..."
            raise PolicyError(f"{name}: {key}: not found verbatim in {policy.policy.text_file}: {short!r}")


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and validate a policy YAML file (None: the shipped Socomec policy); raise PolicyError.

    The file is read on every call; parsing is cached by its path and content, and each caller gets
    its own copy of the model.
    """
    path = Path(path) if path is not None else SHIPPED_POLICY
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PolicyError(f"{path.name}: cannot read the policy file ({e.strerror or e})") from None
    parsed, raw = _parsed(path, data)
    policy = parsed.model_copy(deep=True)
    _check_quotes(path.name, raw, policy)
    return policy


@lru_cache(maxsize=32)
def _parsed(path: Path, data: bytes) -> tuple[Policy, dict]:
    name = path.name
    try:
        raw = safe_load(data, _UniqueKeyLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = " ".join(str(getattr(e, "problem", None) or e).split())
        raise PolicyError(f"{name}: not valid YAML{where}: {reason}") from None
    if not isinstance(raw, dict):
        raise PolicyError(f"{name}: (top level): expected a mapping with keys policy, purposes, parameters, ...")
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as e:
        error = e.errors()[0]
        more = f" (and {e.error_count() - 1} more problems)" if e.error_count() > 1 else ""
        raise PolicyError(f"{name}: {_key_path(error['loc'])}: {_describe(error)}{more}") from None
    _check_consistency(name, policy)
    policy._path, policy._sha256 = path, hashlib.sha256(data).hexdigest()
    return policy, raw
