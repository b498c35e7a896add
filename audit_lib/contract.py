"""The data contract (canonical tables and columns), read from data/contract.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

CONTRACT_FILE = Path(__file__).parent / "data" / "contract.yaml"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    future: bool = False
    values: tuple[str, ...] = ()
    references: str | None = None
    pii: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    key: str | None
    columns: dict[str, Column]
    policy_ref: str = ""
    aggregate: str | None = None
    one_of_required: tuple[str, ...] = field(default=())

    @property
    def required_columns(self) -> list[str]:
        """Columns a file must have: the required ones and the either-or pair."""
        cols = [c.name for c in self.columns.values() if c.required]
        return cols

    @property
    def pii_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.pii]


@cache
def load_contract() -> dict[str, Table]:
    """Every canonical table of spec/data_contract.md, by name, in contract order."""
    # the shipped contract, read on every run: libyaml's safe loader when PyYAML has it (0.03 s less)
    raw = yaml.load(CONTRACT_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    tables = {}
    for name, spec in raw["tables"].items():
        columns = {
            col: Column(
                name=col,
                type=c["type"],
                required=c.get("required", False),
                future=c.get("future", False),
                values=tuple(c.get("values", ())),
                references=c.get("references"),
                pii=c.get("pii", False),
            )
            for col, c in spec["columns"].items()
        }
        tables[name] = Table(
            name=name,
            key=spec.get("key"),  # a required id column: the typed table keeps no second copy (tests/test_intake.py)
            columns=columns,
            policy_ref=spec.get("policy_ref", ""),
            aggregate=spec.get("aggregate"),
            one_of_required=tuple(spec.get("one_of_required", ())),
        )
    return tables
