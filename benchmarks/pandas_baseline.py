"""The pandas baseline: what an analyst would write, reading every table whole into DataFrames.

Reads every table's files with ``pd.read_csv`` / ``pd.read_parquet`` (all columns), parses timestamps
with ``pd.to_datetime``, and computes a subset of the checks with pandas: RET-CONNECTION-LOG-1Y,
RET-PROSPECT-3Y, LB-SEND-NO-CONSENT and LB-SEND-AFTER-WITHDRAWAL (``merge_asof``),
LB-SEND-AFTER-OBJECTION, DQ-DUPLICATE-KEY on persons and communications. Prints one JSON line:
offending records and seconds per check.

Example:
  python -m benchmarks.pandas_baseline --data benchmarks/.data/S --period 2026-10
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from audit_lib.dates import as_of_for
from audit_lib.policy import load_policy

TABLES = (
    "persons",
    "consents",
    "objections",
    "communications",
    "processing_activities",
    "recipients",
    "connection_logs",
    "rights_requests",
    "breaches",
    "payments",
)


def read_table(root: Path, name: str) -> pd.DataFrame | None:
    """Every file of a table, all columns, concatenated."""
    files = [root / f"{name}.csv", root / f"{name}.parquet"]
    if (root / name).is_dir():
        files += sorted((root / name).glob("*.csv")) + sorted((root / name).glob("*.parquet"))
    frames = [pd.read_parquet(f) if f.suffix == ".parquet" else pd.read_csv(f) for f in files if f.exists()]
    return pd.concat(frames, ignore_index=True) if frames else None


def instant(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, utc=True, format="ISO8601", errors="coerce")


def day(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="ISO8601", errors="coerce")


def local_day(ts: pd.Series, tz: str) -> pd.Series:
    return ts.dt.tz_convert(tz).dt.normalize().dt.tz_localize(None)


def truthy(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])


def connection_log_1y(logs: pd.DataFrame, as_of: pd.Timestamp, years: int, tz: str) -> pd.Series:
    """Rows per month whose local date is past its retention (months are the findings)."""
    days = local_day(instant(logs["ts"]), tz).value_counts()
    past = days[(days.index + pd.DateOffset(years=years)) < as_of]
    return past.groupby(past.index.strftime("%Y-%m")).sum()


def prospect_3y(persons: pd.DataFrame, consents: pd.DataFrame, as_of: pd.Timestamp, years: int, tz: str) -> pd.Index:
    held = persons.loc[truthy(persons["legal_hold"]), "person_id"]
    renew = consents[(consents["purpose"] == "retention_renewal") & (consents["status"] == "granted")]
    renewed = (
        renew.assign(renewed_on=local_day(instant(renew["recorded_at"]), tz))
        .groupby("person_id")["renewed_on"]
        .max()
        .rename("renewed_on")
    )
    p = persons[(persons["subject_type"] == "prospect") & ~persons["person_id"].isin(held)]
    p = p.join(renewed, on="person_id")
    clock = pd.concat([day(p["collected_at"]), day(p["last_contact_at"]), p["renewed_on"]], axis=1).max(axis=1)
    return pd.Index(p.loc[as_of > clock + pd.DateOffset(years=years), "person_id"])


def consent_at_send(persons, consents, comms, rules, as_of, years, tz) -> tuple[pd.Index, pd.Index]:
    """(LB-SEND-NO-CONSENT, LB-SEND-AFTER-WITHDRAWAL): the latest consent event at send time by merge_asof."""
    pairs = rules[["message_purpose", "channel"]].drop_duplicates()
    cand = comms.merge(pairs, left_on=["purpose", "channel"], right_on=["message_purpose", "channel"])
    cand = cand.merge(persons[["person_id", "subject_type", "relationship_end_at"]], on="person_id")
    cand["sent"] = instant(cand["sent_at"])
    ended = day(cand["relationship_end_at"])
    customer = (cand["subject_type"] == "customer") & (
        ended.isna() | (local_day(cand["sent"], tz) <= ended + pd.DateOffset(years=years))
    )
    cand["judged_as"] = np.where(customer, "customer", "prospect")
    needs = cand.drop(columns="message_purpose").merge(
        rules,
        left_on=["purpose", "channel", "judged_as"],
        right_on=["message_purpose", "channel", "subject_type"],
        suffixes=("", "_rule"),
    )
    events = (
        consents.assign(recorded=instant(consents["recorded_at"]), withdrawn=consents["status"] == "withdrawn")
        .groupby(["person_id", "purpose", "recorded"], as_index=False)["withdrawn"]
        .any()
    )
    events = events.rename(columns={"purpose": "consent_purpose"}).dropna(subset=["recorded"])
    needs = needs.dropna(subset=["sent"])
    latest = pd.merge_asof(
        needs.sort_values("sent"),
        events.sort_values("recorded"),
        left_on="sent",
        right_on="recorded",
        by=["person_id", "consent_purpose"],
        direction="backward",
    )
    verdict = latest.assign(
        granted=latest["recorded"].notna() & ~latest["withdrawn"].fillna(False).astype(bool),
        was_withdrawn=latest["withdrawn"].fillna(False).astype(bool),
    )
    per_send = verdict.groupby("send_id")[["granted", "was_withdrawn"]].any()
    uncovered = per_send[~per_send["granted"]]
    return (
        pd.Index(uncovered.index[~uncovered["was_withdrawn"]]),
        pd.Index(uncovered.index[uncovered["was_withdrawn"]]),
    )


def send_after_objection(persons, objections, comms, scopes, prospection) -> pd.Index:
    obj = objections.assign(registered=instant(objections["registered_at"]))
    by_id = obj.loc[obj["person_id"].notna(), ["person_id", "scope", "registered"]]
    emails = persons.assign(norm=persons["email"].str.strip().str.lower())[["person_id", "norm"]].dropna()
    with_email = obj[obj["email"].notna()].assign(norm=lambda d: d["email"].str.strip().str.lower())
    by_email = with_email[["norm", "scope", "registered"]].merge(emails, on="norm").drop(columns="norm")
    blocked = (
        pd.concat([by_id, by_email])
        .merge(scopes, on="scope")
        .groupby(["person_id", "channel"], as_index=False)["registered"]
        .min()
    )
    sends = comms[comms["purpose"].isin(prospection)].assign(sent=lambda d: instant(d["sent_at"]))
    hit = sends.merge(blocked, on=["person_id", "channel"])
    return pd.Index(hit.loc[hit["sent"] >= hit["registered"], "send_id"])


def duplicate_keys(frame: pd.DataFrame, key: str) -> pd.Series:
    counts = frame[key].value_counts()
    return counts[counts > 1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.pandas_baseline", description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--period", default="2026-10")
    args = ap.parse_args(argv)
    policy = load_policy()
    tz, params, ptables = policy.time_zone, policy.param_values(), policy.tables()
    as_of = pd.Timestamp(as_of_for(args.period))

    seconds, rows = {}, {}
    started = time.perf_counter()
    t = {name: read_table(args.data, name) for name in TABLES}
    seconds["_read"] = round(time.perf_counter() - started, 3)

    def timed(check_id: str, fn):
        started = time.perf_counter()
        result = fn()
        seconds[check_id] = round(time.perf_counter() - started, 3)
        return result

    rows["RET-CONNECTION-LOG-1Y"] = len(
        timed(
            "RET-CONNECTION-LOG-1Y",
            lambda: connection_log_1y(t["connection_logs"], as_of, params["connection_log_years"], tz),
        )
    )
    rows["RET-PROSPECT-3Y"] = len(
        timed("RET-PROSPECT-3Y", lambda: prospect_3y(t["persons"], t["consents"], as_of, params["prospect_years"], tz))
    )
    no_consent, after_withdrawal = timed(
        "LB-SEND-NO-CONSENT+LB-SEND-AFTER-WITHDRAWAL",
        lambda: consent_at_send(
            t["persons"],
            t["consents"],
            t["communications"],
            ptables["policy_consent_rules"],
            as_of,
            params["prospect_years"],
            tz,
        ),
    )
    rows["LB-SEND-NO-CONSENT"], rows["LB-SEND-AFTER-WITHDRAWAL"] = len(no_consent), len(after_withdrawal)
    rows["LB-SEND-AFTER-OBJECTION"] = len(
        timed(
            "LB-SEND-AFTER-OBJECTION",
            lambda: send_after_objection(
                t["persons"],
                t["objections"],
                t["communications"],
                ptables["policy_objection_scopes"],
                ptables["policy_prospection_purposes"]["purpose"],
            ),
        )
    )
    rows["DQ-DUPLICATE-KEY persons"] = len(
        timed("DQ-DUPLICATE-KEY persons", lambda: duplicate_keys(t["persons"], "person_id"))
    )
    rows["DQ-DUPLICATE-KEY communications"] = len(
        timed("DQ-DUPLICATE-KEY communications", lambda: duplicate_keys(t["communications"], "send_id"))
    )
    print(json.dumps({"rows": rows, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
