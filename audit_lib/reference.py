"""Reference data shipped with the project: countries, EEA, adequacy decisions, UN M49 regions, SCCs,
and the working days of the policy's holiday calendar.

Everything is read lazily from ``audit_lib/data/reference/*.yaml`` and cached; importing this
module has no side effects. Country spellings follow spec/checks.md ("Precise readings"): ISO
alpha-2, alpha-3 and the English names pycountry knows (name, official and common name), plus the
aliases EL -> GR and UK -> GB; trimmed and case-insensitive; no fuzzy matching.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import pycountry
import yaml

EEA_FILE = "eea.yaml"
ADEQUACY_FILE = "adequacy.yaml"
M49_FILE = "m49_regions.yaml"
SCC_FILE = "scc.yaml"
ART6_FILE = "art6_bases.yaml"
EXTRA_ALIASES = {"el": "GR", "uk": "GB"}
_NAME_ATTRS = ("alpha_2", "alpha_3", "name", "official_name", "common_name")
_DATE = "date32[pyarrow]"


@cache
def _load(filename: str) -> dict[str, Any]:
    path = resources.files("audit_lib").joinpath("data", "reference", filename)
    # the C loader when PyYAML has it: the M49 table is large and read on every run
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _to_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@cache
def _alias_map() -> dict[str, str]:
    """Lower-cased spelling -> alpha-2. Codes win over names if a spelling were ever ambiguous."""
    aliases: dict[str, str] = {}
    for attr in _NAME_ATTRS:
        for country in pycountry.countries:
            value = getattr(country, attr, None)
            if value:
                aliases.setdefault(value.strip().lower(), country.alpha_2)
    for alias, code in EXTRA_ALIASES.items():
        aliases.setdefault(alias, code)
    return aliases


def normalise_country(value: str | None) -> str | None:
    """ISO alpha-2 code for an accepted spelling of a country, else None."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    return _alias_map().get(key) if key else None


def art6_bases() -> tuple[str, ...]:
    """The ids of the Art. 6(1) lawful bases, in the order of the article."""
    return tuple(b["id"] for b in _load(ART6_FILE)["bases"])


@cache
def eea_codes() -> frozenset[str]:
    return frozenset(c["code"] for c in _load(EEA_FILE)["countries"])


@cache
def _adequacy() -> tuple[dict[str, Any], ...]:
    rows = []
    for entry in _load(ADEQUACY_FILE)["decisions"]:
        if not entry.get("code"):  # international organisations have no country code
            continue
        row = dict(entry)
        row["decision_date"] = _to_date(row.get("decision_date"))
        row["end_date"] = _to_date(row.get("end_date"))
        row.setdefault("recipient_condition", None)
        row.setdefault("watch_note", None)
        rows.append(row)
    return tuple(rows)


def adequacy_decisions() -> list[dict[str, Any]]:
    """Country adequacy decisions (decision_date / end_date as datetime.date, end_date may be None)."""
    return [dict(row) for row in _adequacy()]


@cache
def _m49_index() -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in _load(M49_FILE)["countries"]}


def m49(code: str | None) -> dict[str, Any] | None:
    """M49 row (code, region, sub_region, intermediate_region, m49_groups) for an alpha-2 code."""
    if not isinstance(code, str):
        return None
    row = _m49_index().get(code.strip().upper())
    if row is None:
        return None
    return {**row, "m49_groups": list(row["m49_groups"])}


@cache
def _tables() -> dict[str, pd.DataFrame]:
    alias = pd.DataFrame(sorted(_alias_map().items()), columns=["alias", "code"])

    eea = pd.DataFrame(
        [(c["code"], c["name"], bool(c["eu"])) for c in _load(EEA_FILE)["countries"]],
        columns=["code", "name", "eu"],
    )

    adequacy_cols = [
        "code",
        "name",
        "decision_ref",
        "decision_date",
        "end_date",
        "scope_type",
        "recipient_condition",
        "scope_note",
        "source",
        "watch_note",
    ]
    adequacy = pd.DataFrame([{k: r.get(k) for k in adequacy_cols} for r in _adequacy()], columns=adequacy_cols)
    for col in ("decision_date", "end_date"):
        adequacy[col] = adequacy[col].astype(_DATE)
    adequacy["recipient_condition"] = adequacy["recipient_condition"].astype("string")
    adequacy["watch_note"] = adequacy["watch_note"].astype("string")

    scc = pd.DataFrame(
        [
            {
                "mechanism": c["mechanism"],
                "decision_ref": c["decision_ref"],
                "no_new_contracts_from": _to_date(c.get("no_new_contracts_from")),
                "invalid_from": _to_date(c.get("invalid_from")),
            }
            for c in _load(SCC_FILE)["clauses"]
        ]
    )
    for col in ("no_new_contracts_from", "invalid_from"):
        scc[col] = scc[col].astype(_DATE)

    rows = list(_m49_index().values())
    m49_cols = ["code", "region", "sub_region", "intermediate_region"]
    m49_df = pd.DataFrame([{k: r[k] for k in m49_cols} for r in rows], columns=m49_cols)
    m49_df["intermediate_region"] = m49_df["intermediate_region"].astype("string")
    groups = pd.DataFrame([(r["code"], g) for r in rows for g in r["m49_groups"]], columns=["code", "group_name"])
    return {
        "ref_country_alias": alias,
        "ref_eea": eea,
        "ref_adequacy": adequacy,
        "ref_scc": scc,
        "ref_art6_bases": pd.DataFrame(
            [(b["id"], b["article"]) for b in _load(ART6_FILE)["bases"]], columns=["basis", "article"]
        ),
        "ref_m49": m49_df,
        "ref_m49_group": groups,
    }


def reference_tables() -> dict[str, pd.DataFrame]:
    """Fresh DataFrames to register in DuckDB, keyed by table name."""
    return {name: df.copy() for name, df in _tables().items()}


def reference_sources() -> list[dict[str, str]]:
    """One entry per shipped reference file: file, source (citation text), as_of_date (ISO)."""
    out = []
    for filename in (EEA_FILE, ADEQUACY_FILE, M49_FILE, SCC_FILE, ART6_FILE):
        doc = _load(filename)
        source = str(doc["source"])
        if doc.get("url"):
            source = f"{source}, {doc['url']}"
        if filename == ADEQUACY_FILE:
            cited = " ; ".join(f"{d['code']}: {d['source']}" for d in doc["decisions"])
            source = f"{source}: {cited}"
        if filename == SCC_FILE:
            source = f"{source}: " + " ; ".join(f"{c['mechanism']}: {c['source']}" for c in doc["clauses"])
        out.append(
            {"file": f"audit_lib/data/reference/{filename}", "source": source, "as_of_date": str(doc["as_of_date"])}
        )
    return out


def working_days(country: str, first: dt.date, last: dt.date) -> pd.DataFrame:
    return _working_days(country, first, last).copy()


@cache
def _working_days(country: str, first: dt.date, last: dt.date) -> pd.DataFrame:
    """``ref_working_days(day, next_working)``: for each day from ``first`` to ``last``, that day or the
    next day that is neither a Saturday, a Sunday nor a public holiday of ``country`` (the maintained
    ``holidays`` package; Regulation 1182/71 art. 3(4)). Cached per calendar and range."""
    import holidays  # noqa: PLC0415 - only the run that builds the table pays for the import

    years = range(first.year, last.year + 2)
    off = set(holidays.country_holidays(country, years=years))
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    out, nxt = [], None
    for day in reversed(days + [last + dt.timedelta(days=i) for i in range(1, 15)]):
        if day.weekday() < 5 and day not in off:
            nxt = day
        if day <= last:
            out.append((day, nxt))
    frame = pd.DataFrame(out[::-1], columns=["day", "next_working"])
    return frame.astype({"day": _DATE, "next_working": _DATE})


def holiday_names(country: str, year_from: int, year_to: int) -> dict[dt.date, str]:
    """The public holidays of ``country`` in those years (day -> name), for an observed text."""
    import holidays  # noqa: PLC0415

    return dict(holidays.country_holidays(country, years=range(year_from, year_to + 1)))
