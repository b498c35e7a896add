"""Read the areas (``areas.yaml``), the check declarations (``<area>.yaml``) and their SQL (``sql/<ID>.sql``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ..errors import CheckError

HERE = Path(__file__).parent
AREAS_FILE = "areas.yaml"
SEVERITIES = ("high", "medium", "low")
FIELDS = {
    "id",
    "title",
    "area",
    "severity",
    "table",
    "tables",
    "policy",
    "policy_ref",
    "legal_ref",
    "rule",
    "generated",
    "groups",
    "columns",
}
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Check:
    """One declared check: what it finds, where the rule comes from, and the SQL that finds it."""

    id: str
    title: str
    area: str
    severity: str
    table: str
    tables: tuple[str, ...]
    policy: str
    policy_ref: str
    legal_ref: str
    rule: str
    sql: str = ""
    generated: bool = False
    params: tuple[str, ...] = field(default=())
    groups: tuple[str, ...] = field(default=())  # views that show several checks together ("payment_data")
    columns: tuple[str, ...] = field(default=())  # "table.column" the check cannot do without

    def rule_text(self, values: dict[str, object]) -> str:
        """The rule with its policy parameters filled in (``{prospect_years}`` -> 3)."""
        return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), self.rule)


@dataclass(frozen=True)
class Area:
    """One area of the audit (``areas.yaml``): its id, the title reports show, and its place in them."""

    id: str
    title: str


@cache
def load_areas(folder: Path = HERE) -> tuple[Area, ...]:
    """The areas in report order (``<folder>/areas.yaml``, else the shipped one)."""
    path = folder / AREAS_FILE if (folder / AREAS_FILE).exists() else HERE / AREAS_FILE
    entries = _yaml(path) or []
    areas = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"id", "title"}:
            raise CheckError(f"{path.name}[{i}]: expected the keys id and title")
        areas.append(Area(str(entry["id"]), str(entry["title"])))
    ids = [a.id for a in areas]
    if len(set(ids)) != len(ids):
        raise CheckError(f"{path.name}: an area is declared twice")
    return tuple(areas)


@cache
def load_checks(folder: Path = HERE) -> tuple[Check, ...]:
    """Every declared check, in area order then file order."""
    areas = [a.id for a in load_areas(folder)]
    checks: list[Check] = []
    files = [p for p in folder.glob("*.yaml") if p.name != AREAS_FILE]
    for path in sorted(files, key=lambda p: (areas.index(p.stem) if p.stem in areas else len(areas), p.name)):
        entries = _yaml(path) or []
        for i, entry in enumerate(entries):
            checks.append(_check(entry, f"{path.name}[{i}]", folder, areas))
    ids = [c.id for c in checks]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CheckError(f"check {dupes[0]} is declared twice")
    return tuple(checks)


def checks_in(group: str, folder: Path = HERE) -> tuple[Check, ...]:
    """The checks whose declaration lists ``group`` under ``groups``, in catalogue order."""
    return tuple(c for c in load_checks(folder) if group in c.groups)


@dataclass(frozen=True)
class Shared:
    """A relation several checks read (``shared/<name>.sql``), computed once per run when first needed."""

    name: str
    sql: str
    params: tuple[str, ...]

    def used_by(self, sql: str) -> bool:
        return re.search(rf"\b{self.name}\b", _strip_comments(sql)) is not None


@cache
def load_shared(folder: Path = HERE / "shared") -> tuple[Shared, ...]:
    """The shared relations, in name order."""
    shared = []
    for path in sorted(folder.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        if not sql.startswith(f"-- name: {path.stem}"):
            raise CheckError(f"{path.name}: must start with '-- name: {path.stem}'")
        shared.append(Shared(path.stem, sql, tuple(dict.fromkeys(PARAM.findall(_strip_comments(sql))))))
    return tuple(shared)


def _yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _check(entry: dict, where: str, folder: Path, areas: list[str]) -> Check:
    unknown = set(entry) - FIELDS
    if unknown:
        raise CheckError(f"{where}: unknown key '{sorted(unknown)[0]}'")
    for key in ("id", "title", "area", "severity", "table", "policy_ref", "legal_ref", "rule"):
        if not entry.get(key):
            raise CheckError(f"{where}: missing key '{key}'")
    if entry["area"] not in areas:
        raise CheckError(f"{where} ({entry['id']}): area '{entry['area']}' is not one of {', '.join(areas)}")
    if entry["severity"] not in SEVERITIES:
        raise CheckError(f"{where} ({entry['id']}): severity '{entry['severity']}' is not one of high, medium, low")
    columns = tuple(entry.get("columns") or [])
    for col in columns:
        if not re.fullmatch(r"[a-z_]+\.[a-z_0-9]+", str(col)) or col.split(".")[0] not in (
            entry.get("tables") or [entry["table"]]
        ):
            raise CheckError(
                f"{where} ({entry['id']}): column '{col}' must be 'table.column' of a table the check reads"
            )
    sql = ""
    if not entry.get("generated"):
        sql_path = folder / "sql" / f"{entry['id']}.sql"
        if not sql_path.exists():
            raise CheckError(f"{entry['id']}: no SQL file {sql_path.name}")
        sql = sql_path.read_text(encoding="utf-8")
        if not sql.startswith(f"-- name: {entry['id']}"):
            raise CheckError(f"{sql_path.name}: must start with '-- name: {entry['id']}'")
    return Check(
        id=entry["id"],
        title=entry["title"],
        area=entry["area"],
        severity=entry["severity"],
        table=entry["table"],
        # the tables the check needs to run: its own table unless declared (generated DQ checks: none)
        tables=tuple(entry["tables"] if "tables" in entry else [entry["table"]]),
        policy=entry.get("policy", ""),
        policy_ref=entry["policy_ref"],
        legal_ref=entry["legal_ref"],
        rule=" ".join(str(entry["rule"]).split()),
        sql=sql,
        generated=bool(entry.get("generated")),
        params=tuple(dict.fromkeys(PARAM.findall(_strip_comments(sql)))),
        groups=tuple(str(g) for g in entry.get("groups") or ()),
        columns=columns,
    )


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
