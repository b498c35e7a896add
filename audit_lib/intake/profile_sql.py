"""A profile's mapping as one DuckDB SELECT over the export's raw text columns (no Python per row).

Export column names are identifiers quoted through ``_ident``; the profile's own texts (constants,
value maps, formats) are SQL literals through ``_lit``. Nothing read from the export's rows reaches
the SQL text: rows are only ever selected from.
"""

from __future__ import annotations

import re

from ..contract import load_contract
from ..errors import InputError
from .profile_model import Conditional, Lookup, Mapping, Source

TEMPLATE = re.compile(r"\{([^{}]+)\}")


def src(name: str) -> str:
    """An export column name as the reader keeps it (BOM removed, trimmed, lower case)."""
    return name.replace("\ufeff", "").strip().lower()


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _ident(name: str) -> str:
    """An export column, qualified by the raw relation's alias ``r`` (a lookup's subquery has the same
    column names: an unqualified ``"email"`` would bind to the looked-up table's own column)."""
    return 'r."' + src(name).replace('"', '""') + '"'


def alternatives(name: str) -> list[str]:
    """``"IsConverted | Converted"`` (a where key) as its accepted names."""
    return [n.strip() for n in name.split("|") if n.strip()]


def names_in(spec: str) -> list[str]:
    """The export columns one entry reads: ``{A}-{B}`` reads A and B, a plain name reads itself."""
    return TEMPLATE.findall(spec) if TEMPLATE.search(spec) else [spec]


def present(spec: Source, have: set[str]) -> bool:
    """Whether the export has what one entry reads."""
    if isinstance(spec, Conditional):
        return (
            present(spec.value, have)
            and all(src(n) in have for n in spec.if_later)
            and (not spec.if_any or any(src(n) in have for n in spec.if_any))
        )
    if isinstance(spec, Lookup):
        return any(present(v, have) for v in _as_list(spec.value))
    if isinstance(spec, list):
        return any(present(s, have) for s in spec)
    return all(n == "_row" or src(n) in have for n in names_in(spec))


def _as_list(v) -> list:
    return v if isinstance(v, list) else [v]


def required_columns(mapping: Mapping) -> list[str]:
    """The export columns a mapping cannot do without, each as 'A' or 'A' or 'B' (accepted names)."""
    needs: list[str] = []
    for col, spec in mapping.columns.items():
        if col in mapping.optional_columns or col in mapping.defaults:
            continue
        if isinstance(spec, str) and not TEMPLATE.search(spec):
            needs.append(spec)
        elif isinstance(spec, str):
            needs.extend(names_in(spec))
        elif isinstance(spec, Lookup):
            needs.append(" | ".join(_as_list(spec.value)))
        elif isinstance(spec, list):
            needs.append(" | ".join(s if isinstance(s, str) else s.value for s in spec))
    needs.extend(mapping.where)
    return list(dict.fromkeys(n for n in needs if n != "_row"))


def missing_column(mapping: Mapping, have: set[str]) -> str | None:
    """The first needed export column (or set of accepted names) the export lacks, quoted for a message."""
    for need in required_columns(mapping):
        accepted = alternatives(need)
        if not any(present(a, have) for a in accepted):
            return " or ".join(f"'{a}'" for a in accepted)
    return None


def _value(spec: Source, have: set[str]) -> str:
    """SQL text of one mapped column before cleaning (NULL where the export lacks it)."""
    if isinstance(spec, Lookup):
        table, _, by = spec.lookup.partition(".")
        key = load_contract()[table].key
        return (
            f'(SELECT CAST(l."{key}" AS VARCHAR) FROM {table}_all l WHERE lower(trim(CAST(l."{by}" AS VARCHAR))) '
            f"= lower(trim({_value(_as_list(spec.value), have)})) ORDER BY l._row LIMIT 1)"
        )
    if isinstance(spec, Conditional):
        conds = []
        if spec.if_later:
            later, earlier = (f"try_cast({_value(n, have)} AS TIMESTAMP)" for n in spec.if_later)
            conds.append(f"coalesce({later} > {earlier}, false)")
        if spec.if_any:
            conds.append("(" + " OR ".join(f"NOT blank({_value(n, have)})" for n in spec.if_any) + ")")
        cond = " AND ".join(conds) or "true"
        return f"CASE WHEN {cond} THEN {_value(spec.value, have)} END"
    if isinstance(spec, list):
        found = [_value(s, have) for s in spec if present(s, have)]
        return "coalesce(" + ", ".join(f"nullif(trim({p}), '')" for p in found) + ")" if found else "NULL"
    if TEMPLATE.search(spec):
        parts, blanks, pos = [], [], 0
        for m in TEMPLATE.finditer(spec):
            if m.start() > pos:
                parts.append(_lit(spec[pos : m.start()]))
            col = _value(m.group(1), have)
            parts.append(f"CAST({col} AS VARCHAR)")
            blanks.append(f"blank({col})")
            pos = m.end()
        if pos < len(spec):
            parts.append(_lit(spec[pos:]))
        return f"CASE WHEN {' OR '.join(blanks)} THEN NULL ELSE concat({', '.join(parts)}) END"
    if spec == "_row":
        return "CAST(r._row AS VARCHAR)"
    return _ident(spec) if src(spec) in have else "NULL::VARCHAR"


def ordered(formats: list[str], order: str | None) -> list[str]:
    """The formats for a date order: a format with both %d and %m is written in that order."""
    if order not in ("DMY", "MDY"):
        return formats
    out = []
    for fmt in formats:
        d, m = fmt.find("%d"), fmt.find("%m")
        if d >= 0 and m >= 0 and (d < m) != (order == "DMY"):
            fmt = fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
        out.append(fmt)
    return list(dict.fromkeys(out))


def column_expr(
    col: str, spec: Source, mapping: Mapping, nulls: list[str], have: set[str], order: str | None = None
) -> str:
    """The canonical text of one column: value, null markers, booleans, timestamps, value map, split."""
    e = _value(spec, have)
    if col in mapping.defaults and not present(spec, have):
        e = _lit(mapping.defaults[col])
    if nulls:
        e = f"CASE WHEN lower(trim({e})) IN ({', '.join(_lit(n.strip().lower()) for n in nulls)}) THEN NULL ELSE {e} END"
    if col in mapping.booleans:
        e = f"CASE WHEN blank({e}) THEN 'false' ELSE {e} END"
    if col in mapping.timestamp_formats:
        tries = []
        for fmt in ordered(mapping.timestamp_formats[col], order):
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
        col = _value([a for a in alternatives(name)], have)
        if isinstance(want, bool):
            conds.append(f"parse_bool({col}) = {str(want).lower()}")
        elif want == "*":
            conds.append(f"NOT blank({col})")
        else:
            conds.append(f"lower(trim({col})) = {_lit(want.strip().lower())}")
    return " WHERE " + " AND ".join(conds) if conds else ""


def mapped_select(raw: str, mapping: Mapping, have: set[str], nulls: list[str], order: str | None = None) -> str:
    """The SELECT turning a profile's raw relation into the mapping's canonical text columns."""
    cols = [f'{column_expr(c, s, mapping, nulls, have, order)} AS "{c}"' for c, s in mapping.columns.items()]
    cols += [f'{_lit(v)} AS "{c}"' for c, v in mapping.constants.items()]
    return f"SELECT r._row, {', '.join(cols)} FROM {raw} AS r{_where(mapping, have)}"


def check_lookups(profile_name: str, mapping: Mapping, loaded: set[str]) -> None:
    for spec in mapping.columns.values():
        if isinstance(spec, Lookup) and spec.lookup.split(".")[0] not in loaded:
            raise InputError(
                f"profile {profile_name}: looks up {spec.lookup}, but {spec.lookup.split('.')[0]} is not provided"
            )
