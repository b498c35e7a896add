"""DuckDB macros: seeded pseudo-randomness and the background population's attributes.

Every attribute of background person `i` is a pure function of (i, seed), so the big tables are
computed set-wise from `range()` without joins, in a stable order, with bounded memory.
"""

from __future__ import annotations

from datetime import date


def install(con, seed: int, as_of: date) -> None:
    seed = int(seed)
    a = f"DATE '{as_of.isoformat()}'"
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    macros = [
        # uniform in [0, 1) from (i, k) and the seed
        f"u(i, k) AS (hash(i::BIGINT, k::INTEGER, {seed}::BIGINT) % 1000003)::DOUBLE / 1000003",
        "pick(i, k, n) AS floor(u(i, k) * n)::BIGINT",
        # a naive Brussels wall time written three ways: UTC `Z` (55 %), with its offset (40 %), naive (5 %)
        "ts_text(x, s) AS CASE WHEN s < 0.55 THEN strftime(timezone('UTC', timezone('Europe/Brussels', x)), '%Y-%m-%dT%H:%M:%SZ') "
        "WHEN s < 0.95 THEN strftime(x, '%Y-%m-%dT%H:%M:%S') || CASE WHEN date_diff('minute', "
        "timezone('UTC', timezone('Europe/Brussels', x)), x) = 120 THEN '+02:00' ELSE '+01:00' END "
        "ELSE strftime(x, '%Y-%m-%d %H:%M:%S') END",
        # business hours only (07:00-20:59): no DST gap or overlap, the local and UTC dates agree
        "at_hours(d, i, k) AS d::TIMESTAMP + to_seconds((7 + pick(i, k, 14)) * 3600 + pick(i, k + 1, 3600))",
        # --- the background person i ---
        "p_cust(i) AS u(i, 1) < 0.40",
        "p_kind(i) AS CASE WHEN NOT p_cust(i) THEN (CASE WHEN u(i, 4) < 0.30 THEN 'old_prospect' ELSE 'prospect' END) "
        "WHEN u(i, 2) < 0.72 THEN 'active' WHEN u(i, 2) < 0.90 THEN 'ended' ELSE 'archived' END",
        # ended: within ~2.7 years (soft opt-in still holds); archived: 3 to 9.6 years ago
        f"p_end(i, kind) AS CASE kind WHEN 'ended' THEN {a} - (30 + pick(i, 3, 1000))::INTEGER "
        f"WHEN 'archived' THEN {a} - (1110 + pick(i, 3, 2400))::INTEGER END",
        f"p_collected(i, kind, e) AS CASE WHEN kind IN ('ended', 'archived') THEN e - (200 + pick(i, 5, 3000))::INTEGER "
        f"WHEN kind = 'active' THEN {a} - (60 + pick(i, 5, 4000))::INTEGER "
        f"WHEN kind = 'old_prospect' THEN {a} - (1100 + pick(i, 5, 1500))::INTEGER "
        f"ELSE {a} - (10 + pick(i, 5, 1000))::INTEGER END",
        f"p_contact(i, kind, e, c) AS CASE WHEN kind = 'old_prospect' THEN {a} - (5 + pick(i, 6, 1000))::INTEGER "
        "WHEN u(i, 7) < 0.5 THEN NULL WHEN kind IN ('ended', 'archived') THEN e - pick(i, 6, 100)::INTEGER "
        f"ELSE greatest(c, {a} - (5 + pick(i, 6, 300))::INTEGER) END",
        # where the details came from (catalogue 1.1: a third party rules out the soft opt-in)
        "p_source(i, kind) AS CASE WHEN kind IN ('prospect', 'old_prospect') "
        "THEN list_extract(['website', 'website', 'trade_fair', 'database_rental', 'partner', 'distributor'], 1 + pick(i, 30, 6)) "
        "ELSE list_extract(['distributor', 'distributor', 'website', 'trade_fair', 'subsidiary', 'partner'], 1 + pick(i, 30, 6)) END",
        "p_third(i, kind) AS p_source(i, kind) IN ('distributor', 'subsidiary', 'partner', 'database_rental', 'employer')",
        # consent profile (archived customers and prospects alike)
        "p_em(i) AS u(i, 10) < CASE WHEN p_cust(i) THEN 0.35 ELSE 0.55 END",
        "p_nl(i) AS u(i, 11) < 0.45",
        "p_withdrawer(i) AS u(i, 12) < 0.04",
        "p_objector(i) AS u(i, 13) < 0.01",
        # date of the consent for purpose code k: soon after collection, never later than as_of - 2
        f"p_consent_date(i, k, c) AS least(c + (1 + pick(i, 20 + k, 20))::INTEGER, {a} - 2)",
        f"p_withdraw_date(i, k, cd) AS cd + (1 + pick(i, 40 + k, greatest(1, date_diff('day', cd, {a} - 1))))::INTEGER",
    ]
    for m in macros:
        con.execute(f"CREATE OR REPLACE MACRO {m}")
