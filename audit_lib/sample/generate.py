"""generate(): write a synthetic extract of every canonical table and its answer key."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from . import background, logs, macros, registers, writer
from . import timeutil as T
from .identity import make_pool
from .plan import Plan
from .plant_consent import plant_consent_proof, plant_consent_sends, plant_objections
from .plant_notices import plant_optout, plant_restrictions, plant_source_notices
from .plant_quality import plant_logs, plant_table_quality
from .plant_registers import plant_recipients, plant_ropa
from .plant_retention import plant_customers, plant_former_customers, plant_prospects
from .plant_rights import plant_breaches, plant_deadlines, plant_id_documents, plant_payments, plant_request_outcomes
from .tables import COLUMNS, PERSON_COLUMNS

PLANT_IDENTITIES = 400


@dataclass(frozen=True)
class Scale:
    persons: int
    sends: int
    log_rows: int
    pool: int  # Faker contacts drawn for the background (all distinct at S)
    parquet_logs: bool = False


SCALES = {
    "S": Scale(2_000, 5_000, 50_000, 2_000),
    "M": Scale(100_000, 1_000_000, 10_000_000, 20_000),
    "L": Scale(1_000_000, 10_000_000, 100_000_000, 20_000, parquet_logs=True),
}


def _plant_everything(plan: Plan, typed_logs: bool) -> None:
    for step in (
        plant_prospects,
        plant_customers,
        plant_former_customers,
        plant_consent_sends,
        plant_objections,
        plant_consent_proof,
        plant_ropa,
        plant_recipients,
        plant_deadlines,
        plant_id_documents,
        plant_request_outcomes,
        plant_breaches,
        plant_payments,
        plant_optout,
        plant_source_notices,
        plant_restrictions,
        plant_table_quality,
    ):
        step(plan)
    plant_logs(plan, typed=typed_logs)


def generate(out_dir: Path, scale: str = "S", seed: int = 42, period: str = "2026-10") -> dict:
    """Write the extract for `period` (as_of = its last day) into out_dir, with `answer_key.csv`.

    Deterministic: the same scale, seed and period give byte-identical files. Existing table files
    in out_dir are replaced.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {scale!r}")
    cfg, as_of = SCALES[scale], T.as_of_for(period)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    logs_dir = out / "connection_logs"
    if logs_dir.exists():
        shutil.rmtree(logs_dir)
    logs_dir.mkdir()

    pool = make_pool(cfg.pool + PLANT_IDENTITIES, seed)
    con = duckdb.connect()
    macros.install(con, seed, as_of)
    con.register(
        "pool_arrow",
        pa.table({"idx": list(range(cfg.pool)), **{c: [p[c] for p in pool[: cfg.pool]] for c in PERSON_COLUMNS}}),
    )
    con.execute("CREATE TABLE pool AS SELECT * FROM pool_arrow")
    background.persons_table(con, cfg.persons, cfg.pool)

    plan = Plan(as_of=as_of, identities=pool[cfg.pool :], scale=scale)
    _plant_everything(plan, typed_logs=cfg.parquet_logs)

    counts, offsets = {}, {}
    cols = ", ".join(COLUMNS["persons"])
    big = {
        "persons": f"SELECT {cols} FROM persons_bg ORDER BY i",
        "consents": background.consents_sql(cfg.persons, as_of),
        "objections": background.objections_sql(cfg.persons, as_of, cfg.pool),
        "communications": background.communications_sql(cfg.persons, cfg.sends, as_of),
        "payments": background.payments_sql(cfg.persons, as_of),
    }
    for table, sql in big.items():
        path = out / f"{table}.csv"
        offsets[table] = writer.copy_csv(con, sql, path)
        writer.append_rows(path, table, plan.rows[table])
    small = {
        "rights_requests": registers.rights_requests(con, cfg.persons, as_of, seed),
        "breaches": registers.breaches(as_of),
        "processing_activities": [],
        "recipients": [],
    }
    for table, rows in small.items():
        offsets[table] = len(rows)
        writer.append_rows(out / f"{table}.csv", table, rows + plan.rows[table], header=True)
    for table in COLUMNS:
        if table != "connection_logs":
            counts[table] = offsets[table] + len(plan.rows[table])

    _, start = plan.boundary(12)  # the first date whose rows are still in time
    bg_months = logs.write_background(con, logs_dir, start, as_of, cfg.log_rows, cfg.persons, cfg.parquet_logs)
    by_month: dict[str, list[dict]] = {}
    for month, row in plan.log_rows:
        by_month.setdefault(month, []).append(row)
    for month in sorted(by_month):
        writer.write_log_plants(con, logs_dir, month, by_month[month], cfg.parquet_logs, month in bg_months)
    counts["connection_logs"] = sum(bg_months.values()) + len(plan.log_rows)

    key = writer.write_answer_key(out / "answer_key.csv", plan.key, offsets)
    con.close()
    return {
        "out_dir": str(out),
        "scale": scale,
        "seed": seed,
        "period": period,
        "as_of": as_of.isoformat(),
        "rows": counts,
        "findings": len(key),
        "answer_key": str(out / "answer_key.csv"),
    }
