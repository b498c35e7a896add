"""SQL macros for calendar and time-zone arithmetic, created once per connection.

All local dates go through ``local_date``: DuckDB's plain ``ts::DATE`` on a TIMESTAMPTZ read by
``read_csv`` gives the UTC date (spec/product.md, known pitfalls), so no check may use it.
"""

from __future__ import annotations

import zoneinfo

import duckdb

MACROS = """
CREATE OR REPLACE MACRO local_date(ts) AS timezone('{tz}', ts)::DATE;
CREATE OR REPLACE MACRO local_month(ts) AS strftime(timezone('{tz}', ts), '%Y-%m');
CREATE OR REPLACE MACRO local_offset(ts) AS timezone('{tz}', ts) - timezone('UTC', ts);
CREATE OR REPLACE MACRO local_to_utc(l) AS (
    CASE WHEN l IS NULL THEN NULL
         -- autumn overlap: the same wall time occurs twice; take the earlier offset (fold=0)
         WHEN timezone('{tz}', timezone('{tz}', l) - INTERVAL 1 HOUR) = l
              THEN timezone('{tz}', l) - INTERVAL 1 HOUR
         ELSE timezone('{tz}', l) END);
-- an explicit offset (Z, +02:00, +0200, +02) is read from the last characters: one anchored pattern on
-- the end of the value (4x faster than four s[-6:-6] slices, and one node where parse_date copies it)
CREATE OR REPLACE MACRO ts_has_offset(s) AS (
    length(s) > 10 AND regexp_matches(s, '(?s)(?:[Zz]|[+-].....|[+-]....|[+-]..)$'));
-- an offset beyond +-14:00 (the widest in use) is no real time: the value cannot be read
-- (only called where ts_has_offset holds, so length(s) > 10)
CREATE OR REPLACE MACRO ts_offset_ok(s) AS (
    CASE WHEN right(s, 1) IN ('Z', 'z') THEN true
         WHEN substr(s, length(s) - 5, 1) IN ('+', '-') THEN coalesce(
              try_cast(substr(s, length(s) - 4, 2) AS INTEGER) * 60 + try_cast(right(s, 2) AS INTEGER) <= 840, false)
         WHEN substr(s, length(s) - 4, 1) IN ('+', '-') THEN coalesce(
              try_cast(substr(s, length(s) - 3, 2) AS INTEGER) * 60 + try_cast(right(s, 2) AS INTEGER) <= 840, false)
         ELSE coalesce(try_cast(right(s, 2) AS INTEGER) <= 14, false) END);
-- dates outside 1900-2200 (and 'infinity', '-infinity', 'epoch', year 294247) are not real record
-- dates: NULL here, so the row is DQ-INVALID-VALUE and no check's date arithmetic can overflow
CREATE OR REPLACE MACRO ts_in_span(t) AS (
    CASE WHEN t >= TIMESTAMPTZ '1899-12-31 12:00:00+00' AND t < TIMESTAMPTZ '2201-01-01 00:00:00+00' THEN t END);
CREATE OR REPLACE MACRO date_in_span(d) AS (
    CASE WHEN d >= DATE '1900-01-01' AND d < DATE '2201-01-01' THEN d END);
-- a local wall time, or one followed by a word (`2026-06-01 23:30:00 UTC`, as BigQuery writes them;
-- `Europe/Paris`; `10:00 PM`): DuckDB's TIMESTAMP cast ignores such a word, which would read a UTC time as
-- Brussels time, so a value whose last word begins with a letter is read with its zone (ICU), and a word
-- that names no zone (PM, CEST, abc) leaves the value unreadable instead of shifted
CREATE OR REPLACE MACRO ts_local(s) AS (
    CASE WHEN regexp_matches(s, '\\s[A-Za-z]\\S*$') THEN try_cast(s AS TIMESTAMPTZ)
         ELSE local_to_utc(try_cast(s AS TIMESTAMP)) END);
CREATE OR REPLACE MACRO ts_word(s) AS (lower(trim(s)) IN ('epoch', 'infinity', '-infinity', '+infinity', 'now',
                                                        'today', 'tomorrow', 'yesterday', 'allballs'));
-- the forms past the two fast paths of parse_ts_body, on the trimmed text (trimming changes nothing else)
CREATE OR REPLACE MACRO ts_general(x) AS (
    CASE WHEN ts_has_offset(x) THEN CASE WHEN ts_offset_ok(x) THEN try_cast(x AS TIMESTAMPTZ) END
         WHEN ts_word(x) THEN NULL
         ELSE ts_local(x) END);
-- parse_ts_body reads the text; parse_ts bounds it. The typing SQL (intake/canonical.py) computes the
-- body in a select of its own and bounds the column by name: a macro's argument is copied wherever the
-- macro names it, and binding nine copies of this body per date column cost 70 ms per column. For the
-- same reason the general forms are written once, on trim(s): two copies (as is, trimmed) took half as long
-- again to bind (8 date columns of a small file: 27 ms -> 19 ms)
CREATE OR REPLACE MACRO parse_ts_body(s) AS (
    CASE WHEN s IS NULL THEN NULL
         WHEN ends_with(s, 'Z') AND length(s) > 10 THEN try_cast(s AS TIMESTAMPTZ)  -- the common UTC form, first
         -- the common +HH:MM form within +-13:59, in one pattern (the general test below costs twice as much)
         WHEN length(s) > 10 AND regexp_matches(s, '[+-](?:0\\d|1[0-3]):[0-5]\\d$') THEN try_cast(s AS TIMESTAMPTZ)
         -- a plain local time, as it is (else the trimmed copy of it, named ten times below, costs 20% of the parse)
         WHEN regexp_matches(s, '^\\d{{4}}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?$')
              THEN local_to_utc(try_cast(s AS TIMESTAMP))
         ELSE ts_general(trim(s)) END);
CREATE OR REPLACE MACRO parse_ts(s) AS ts_in_span(parse_ts_body(s));
-- p: parse_ts_body(s), needed only when s is not a plain 10-character date (date_body_input gives it)
CREATE OR REPLACE MACRO parse_date_with(s, p) AS date_in_span(
    CASE WHEN s IS NULL THEN NULL
         -- the common YYYY-MM-DD first, as it is: no blank or word is ten characters long once trimmed
         -- (2.5x faster than trimming each value four times)
         WHEN length(s) = 10 AND length(trim(s)) = 10 THEN try_cast(s AS DATE)
         WHEN trim(s) = '' THEN NULL
         WHEN ts_word(s) THEN NULL
         WHEN length(trim(s)) = 10 THEN try_cast(trim(s) AS DATE)
         ELSE local_date(ts_in_span(p)) END);
CREATE OR REPLACE MACRO date_body_input(s) AS (CASE WHEN length(trim(s)) = 10 THEN NULL ELSE parse_ts_body(s) END);
CREATE OR REPLACE MACRO parse_date(s) AS parse_date_with(s, date_body_input(s));
CREATE OR REPLACE MACRO parse_bool(s) AS (
    CASE WHEN s = 'true' THEN true WHEN s = 'false' THEN false  -- the common spellings first, as they are
         WHEN s IS NULL OR trim(s) = '' THEN false
         WHEN lower(trim(s)) IN ('true', 't', '1', 'yes', 'y', 'ja', 'j', 'oui', 'o', 'waar', 'vrai') THEN true
         WHEN lower(trim(s)) IN ('false', 'f', '0', 'no', 'n', 'nee', 'non', 'onwaar', 'faux') THEN false
         ELSE NULL END);
CREATE OR REPLACE MACRO blank(s) AS (s IS NULL OR trim(s::VARCHAR) = '');
CREATE OR REPLACE MACRO norm_email(s) AS nullif(lower(trim(s)), '');
CREATE OR REPLACE MACRO add_years(d, n) AS (d + to_years(n::INTEGER))::DATE;
CREATE OR REPLACE MACRO add_months(d, n) AS (d + to_months(n::INTEGER))::DATE;
CREATE OR REPLACE MACRO add_days(d, n) AS (d + to_days(n::INTEGER))::DATE;
"""


def install_macros(con: duckdb.DuckDBPyConnection, tz: str) -> None:
    """Create the macros for the policy's time zone (validated, so safe to inline)."""
    zoneinfo.ZoneInfo(tz)  # raises for an unknown zone before it reaches SQL
    con.execute(f"SET TimeZone = '{tz}'")
    for statement in MACROS.format(tz=tz).split(";\n"):
        if statement.strip():
            con.execute(statement)
