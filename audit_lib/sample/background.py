"""The clean background population, set-wise in DuckDB SQL: persons, consents, objections, sends, payments.

Each query returns canonical text columns in a stable order (a `range()` scan, filtered and
projected, keeps its order), so it can be COPY'd straight to a file at any scale.
"""

from __future__ import annotations

from datetime import date

PURPOSES = "['email_marketing', 'newsletter', 'postal_marketing', 'events', 'profiling', 'retention_renewal']"
SCOPES = "['all_prospection', 'email', 'postal', 'phone', 'profiling']"


def _a(as_of: date) -> str:
    return f"DATE '{as_of.isoformat()}'"


def persons_table(con, n: int, pool_size: int) -> None:
    """persons_bg: the background persons with their index i (identity drawn from the Faker pool)."""
    idx = "(i - 1)" if pool_size >= n else f"pick(i, 60, {pool_size})"
    con.execute(f"""
        CREATE OR REPLACE TABLE persons_bg AS
        WITH b AS (SELECT i, p_kind(i) AS kind FROM range(1, {n + 1}) t(i)),
        b2 AS (SELECT i, kind, p_end(i, kind) AS e FROM b),
        b3 AS (SELECT i, kind, e, p_collected(i, kind, e) AS c FROM b2),
        b4 AS (SELECT i, kind, e, c, p_contact(i, kind, e, c) AS lc, {idx} AS idx FROM b3),
        b5 AS (SELECT *, row_number() OVER (PARTITION BY idx ORDER BY i) AS rn FROM b4)
        SELECT i, 'P' || lpad(i::VARCHAR, 7, '0') AS person_id,
            CASE WHEN kind IN ('prospect', 'old_prospect') THEN 'prospect' ELSE 'customer' END AS subject_type,
            strftime(c, '%Y-%m-%d') AS collected_at,
            p_source(i, kind) AS source,
            strftime(lc, '%Y-%m-%d') AS last_contact_at,
            strftime(e, '%Y-%m-%d') AS relationship_end_at,
            CASE WHEN kind = 'archived' THEN 'true' ELSE 'false' END AS archived,
            CASE WHEN u(i, 8) < 0.003 THEN 'true' ELSE 'false' END AS legal_hold,
            -- told on the day the details arrived (Art. 14(3)): before any message, which comes later
            CASE WHEN p_third(i, kind) THEN strftime(c, '%Y-%m-%d') END AS art14_notice_at,
            p.first_name, p.last_name,
            CASE WHEN rn = 1 THEN p.email ELSE replace(p.email, '@', '.' || rn || '@') END AS email,
            p.phone, p.postal_address, p.country, p.company, p.job_title,
            CASE WHEN u(i, 31) < 0.6 THEN p.linkedin_url END AS linkedin_url, p.company_number
        FROM b5 JOIN pool p USING (idx)
        ORDER BY i""")


def consents_sql(n: int, as_of: date) -> str:
    """Granted consents soon after collection, yearly re-confirmations of e-mail marketing; the 4 %
    'withdrawers' later withdraw every consent they gave (and never re-confirm)."""
    a = _a(as_of)
    return f"""
        WITH g AS (SELECT g, g // 16 AS i, g % 16 AS code FROM range(16, {16 * (n + 1)}) t(g)),
        f AS (SELECT g, i, code % 8 AS k, code >= 8 AS is_wd, p_kind(i) AS kind FROM g
              WHERE code % 8 BETWEEN 1 AND 7 AND code <> 15),
        f2 AS (SELECT * FROM f WHERE (CASE k WHEN 1 THEN p_em(i) WHEN 2 THEN p_nl(i) WHEN 3 THEN u(i, 14) < 0.35
                    WHEN 4 THEN u(i, 15) < 0.30 WHEN 5 THEN u(i, 16) < 0.15
                    WHEN 6 THEN kind = 'old_prospect' AND u(i, 17) < 0.3
                    ELSE p_em(i) AND NOT p_withdrawer(i) AND u(i, 19) < 0.8 END)
                    AND (NOT is_wd OR p_withdrawer(i))),
        f3 AS (SELECT *, p_collected(i, kind, p_end(i, kind)) AS c FROM f2),
        f4 AS (SELECT *, CASE WHEN k = 6 THEN {a} - (5 + pick(i, 18, 900))::INTEGER
                    WHEN k = 7 THEN least(p_consent_date(i, 1, c) + (30 + pick(i, 27, 400))::INTEGER, {a} - 2)
                    ELSE p_consent_date(i, k, c) END AS cd FROM f3),
        f5 AS (SELECT *, CASE WHEN is_wd THEN p_withdraw_date(i, k, cd) ELSE cd END AS d FROM f4)
        SELECT 'C' || lpad(g::VARCHAR, 9, '0') AS consent_id, 'P' || lpad(i::VARCHAR, 7, '0') AS person_id,
            list_extract({PURPOSES}, CASE WHEN k = 7 THEN 1 ELSE k END) AS purpose,
            CASE WHEN is_wd THEN 'withdrawn' ELSE 'granted' END AS status,
            ts_text(at_hours(d, g, 50), u(g, 53)) AS recorded_at,
            CASE WHEN is_wd THEN (CASE WHEN u(g, 54) < 0.5 THEN 'UNSUB-' || lpad(pick(g, 55, 100000000)::VARCHAR, 8, '0') END)
                WHEN k = 6 THEN 'RENEW-' || lpad(pick(g, 55, 100000000)::VARCHAR, 8, '0')
                WHEN k = 7 OR u(g, 56) < 0.6 THEN 'DOI-' || lpad(pick(g, 55, 100000000)::VARCHAR, 8, '0')
                ELSE 'FORM-' || list_extract(['website-contact', 'tradefair-badge', 'webinar-signup', 'catalogue-request'], 1 + pick(g, 57, 4))
            END AS proof_ref,
            CASE WHEN k = 6 THEN 'renewal-v1' ELSE list_extract(['v3.2', 'v4.0', 'v4.1'], 1 + pick(g, 58, 3)) END AS wording_version
        FROM f5"""


def communications_sql(n: int, sends: int, as_of: date) -> str:
    """Sends that need consent go only to people covered since before the send; objectors and people
    who withdrew get no e-mail/sms prospection; direct customers rest on the soft opt-in (catalogue 1.1).
    Every message carries an opt-out; profiled (personalised) messages never go to objectors."""
    a = _a(as_of)
    return f"""
        WITH s AS (SELECT j, 1 + pick(j, 200, {n}) AS i FROM range(1, {sends + 1}) t(j)),
        s1 AS (SELECT j, i, p_kind(i) AS kind, p_em(i) AS em, p_nl(i) AS nl, p_withdrawer(i) AS wd,
                   p_objector(i) AS obj, u(j, 201) AS rp, u(j, 202) AS rc FROM s),
        s2 AS (SELECT *, p_collected(i, kind, p_end(i, kind)) AS c,
                   CASE WHEN rp < 0.40 THEN 'newsletter' WHEN rp < 0.65 THEN 'commercial'
                        WHEN rp < 0.77 THEN 'event_invitation' WHEN rp < 0.85 THEN 'satisfaction_survey'
                        ELSE 'service' END AS want FROM s1),
        s3 AS (SELECT *, CASE want
                   WHEN 'newsletter' THEN (CASE WHEN rc < 0.95 THEN 'email' ELSE 'sms' END)
                   WHEN 'commercial' THEN (CASE WHEN rc < 0.70 THEN 'email' WHEN rc < 0.85 THEN 'post'
                                                WHEN rc < 0.95 THEN 'phone' ELSE 'sms' END)
                   WHEN 'event_invitation' THEN (CASE WHEN rc < 0.8 THEN 'email' ELSE 'post' END)
                   WHEN 'satisfaction_survey' THEN 'email'
                   ELSE (CASE WHEN rc < 0.8 THEN 'email' WHEN rc < 0.9 THEN 'sms' ELSE 'post' END) END AS channel,
                   kind IN ('prospect', 'old_prospect') OR p_third(i, kind) AS needs_consent FROM s2),
        s4 AS (SELECT *, CASE
                   WHEN (kind = 'archived' OR obj) AND want NOT IN ('satisfaction_survey', 'service') THEN 'service'
                   WHEN want IN ('satisfaction_survey', 'service') OR channel NOT IN ('email', 'sms') THEN want
                   WHEN wd THEN 'service'
                   WHEN NOT needs_consent THEN want
                   WHEN want = 'newsletter' AND (em OR nl) THEN want
                   WHEN em THEN want
                   ELSE 'service' END AS purpose FROM s3),
        s5 AS (SELECT *, CASE
                   WHEN purpose NOT IN ('newsletter', 'commercial', 'event_invitation')
                        OR channel NOT IN ('email', 'sms') OR NOT needs_consent THEN NULL
                   WHEN purpose = 'newsletter' THEN least(CASE WHEN em THEN p_consent_date(i, 1, c) END,
                                                         CASE WHEN nl THEN p_consent_date(i, 2, c) END)
                   ELSE p_consent_date(i, 1, c) END AS cover FROM s4),
        s6 AS (SELECT *, greatest({a} - 540, c + 1, coalesce(cover + 1, c + 1)) AS lo FROM s5),
        s7 AS (SELECT *, lo + pick(j, 203, date_diff('day', lo, {a} - 1) + 1)::INTEGER AS d FROM s6)
        SELECT 'S' || lpad(j::VARCHAR, 8, '0') AS send_id, 'P' || lpad(i::VARCHAR, 7, '0') AS person_id,
            channel, purpose, ts_text(at_hours(d, j, 204), u(j, 206)) AS sent_at,
            CASE purpose WHEN 'newsletter' THEN 'NL-' || strftime(d, '%Y-%m')
                WHEN 'commercial' THEN 'PROMO-' || strftime(d, '%Y') || '-' || lpad((1 + pick(j, 207, 12))::VARCHAR, 2, '0')
                WHEN 'event_invitation' THEN 'EVT-' || strftime(d, '%Y') || '-' || (1 + pick(j, 207, 6))
                WHEN 'satisfaction_survey' THEN 'SAT-' || strftime(d, '%Y') END AS campaign_id,
            CASE WHEN NOT obj AND purpose <> 'service' AND u(j, 208) < 0.3 THEN 'true' ELSE 'false' END AS personalised,
            'true' AS optout_link
        FROM s7"""


def payments_sql(n: int, as_of: date) -> str:
    """Card numbers (masked) are kept only for payments of the last 360 days."""
    a = _a(as_of)
    return f"""
        WITH k AS (SELECT k, 1 + pick(k, 300, {n}) AS i FROM range(1, {int(n * 0.8) + 1}) t(k)),
        k1 AS (SELECT k, i, p_kind(i) AS kind FROM k WHERE p_kind(i) IN ('active', 'ended')),
        k2 AS (SELECT *, p_end(i, kind) AS e, u(k, 304) AS rm,
                   CASE WHEN u(k, 301) < 0.6 THEN {a} - (1 + pick(k, 302, 360))::INTEGER
                        ELSE {a} - (361 + pick(k, 303, 1400))::INTEGER END AS d0 FROM k1),
        k3 AS (SELECT *, CASE WHEN e IS NOT NULL AND d0 > e THEN e - pick(k, 305, 60)::INTEGER ELSE d0 END AS d,
                   CASE WHEN rm < 0.5 THEN 'card' WHEN rm < 0.9 THEN 'transfer' WHEN rm < 0.95 THEN 'cheque'
                        ELSE 'other' END AS method FROM k2),
        k4 AS (SELECT *, method = 'card' AND d >= {a} - 360 AS keep_card FROM k3)
        SELECT 'PAY' || lpad(k::VARCHAR, 8, '0') AS payment_id, 'P' || lpad(i::VARCHAR, 7, '0') AS person_id,
            ts_text(at_hours(d, k, 306), u(k, 308)) AS paid_at, method,
            CASE WHEN keep_card THEN list_extract(['497010******', '4970 10** **** ', '535310XXXXXX'], 1 + pick(k, 309, 3))
                || lpad(pick(k, 310, 10000)::VARCHAR, 4, '0') END AS card_number,
            NULL::VARCHAR AS card_cvv,
            CASE WHEN keep_card THEN lpad((1 + pick(k, 311, 12))::VARCHAR, 2, '0') || '/'
                || strftime(d + (400 + pick(k, 312, 1000))::INTEGER, '%y') END AS card_expiry,
            CASE WHEN method = 'card' AND u(k, 313) < 0.1 THEN 'true' ELSE 'false' END AS deferred_debit
        FROM k4"""


def objections_sql(n: int, as_of: date, pool_size: int) -> str:
    """The objectors' own objections (by person_id or e-mail) and a few from people not in CRM."""
    a = _a(as_of)
    ex = max(3, n // 300)
    return f"""
        SELECT * FROM (
            SELECT 'OBJ' || lpad(i::VARCHAR, 7, '0') AS objection_id,
                CASE WHEN u(i, 90) < 0.6 THEN person_id END AS person_id,
                CASE WHEN u(i, 90) >= 0.6 THEN (CASE WHEN u(i, 94) < 0.5 THEN email ELSE upper(email) END) END AS email,
                list_extract({SCOPES}, 1 + pick(i, 91, 5)) AS scope,
                ts_text(at_hours({a} - (5 + pick(i, 92, 700))::INTEGER, i, 93), u(i, 95)) AS registered_at
            FROM persons_bg WHERE p_objector(i)
            UNION ALL
            SELECT 'OBJX' || lpad(k::VARCHAR, 6, '0'), NULL,
                regexp_replace(lower(strip_accents(first_name)), '[^a-z]', '', 'g') || '.'
                    || regexp_replace(lower(strip_accents(last_name)), '[^a-z]', '', 'g') || '@'
                    || list_extract(['gmail.com', 'hotmail.com', 'outlook.com'], 1 + pick(k, 98, 3)),
                'all_prospection', ts_text(at_hours({a} - (5 + pick(k, 99, 900))::INTEGER, k, 100), u(k, 102))
            FROM range(1, {ex + 1}) t(k) JOIN pool ON pool.idx = pick(k, 97, {pool_size})
        ) ORDER BY objection_id"""
