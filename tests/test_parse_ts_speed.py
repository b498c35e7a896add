"""The offset detection in ``parse_ts`` was rewritten for speed (issue 17): same readings as the slices before."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import pytest

from audit_lib.sqlmacros import install_macros

# the definitions before issue 17 (string slices), kept as the reference the faster ones must match
OLD_HAS_OFFSET = (
    "length(s) > 10 AND (s[-1:] IN ('Z', 'z') OR s[-6:-6] IN ('+', '-') OR s[-5:-5] IN ('+', '-') "
    "OR s[-3:-3] IN ('+', '-'))"
)
OLD_OFFSET_OK = (
    "CASE WHEN s[-1:] IN ('Z', 'z') THEN true "
    "WHEN s[-6:-6] IN ('+', '-') THEN coalesce(try_cast(s[-5:-4] AS INTEGER) * 60 + try_cast(s[-2:] AS INTEGER) <= 840, false) "
    "WHEN s[-5:-5] IN ('+', '-') THEN coalesce(try_cast(s[-4:-3] AS INTEGER) * 60 + try_cast(s[-2:] AS INTEGER) <= 840, false) "
    "ELSE coalesce(try_cast(s[-2:] AS INTEGER) <= 14, false) END"
)

VALUES = [
    "2026-10-31T22:59:59Z",
    "2026-10-31T23:00:00z",
    "2026-10-31T23:30:00+01:00",
    "2026-10-31T23:30:00+0100",
    "2026-10-31T23:30:00+01",
    "2026-10-31T23:30:00-14:00",
    "2026-10-31T23:30:00+14:01",
    "2026-10-31T23:30:00+15",
    "2026-10-31T23:30:00-1500",
    "2026-10-25 02:30:00",
    "2026-03-29 02:30:00",
    "2026-10-31",
    "2026-10-31 23:30",
    " 2026-10-31T23:30:00+01:00 ",
    " 2026-10-25 02:30 ",
    "2026-02-30T10:00:00Z",
    "x",
    "",
    "12345678901",
    "+1234567890",
    "é+01:00",
    "2026-01-01 10:00:00é+0100",
    "2026-01-01T10:00:00ééééé+",
    "e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301+01:00",
    "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉-01",
    "2026-01-01T10:00:00+0Z",
    "2026-01-01T10:00:00+ab:cd",
    "2026-01-01T10:00:00+1:00",
    "infinity",
    "epoch",
    "2026-10-31T23:30:00+01:00\n",
]


def _shuffled_ends(n: int = 3000) -> list[str]:
    """Values whose last characters mix signs, Z/z, digits, colons, spaces, newlines and non-ASCII letters."""
    rng = random.Random(17)
    alphabet = "+-Zz0123456789: \néT🎉"
    return [
        rng.choice(["2026-10-31T23:30:00", "1234567", "ab"]) + "".join(rng.choices(alphabet, k=rng.randint(0, 7)))
        for _ in range(n)
    ]


@pytest.fixture()
def con():
    c = duckdb.connect()
    install_macros(c, "Europe/Brussels")
    c.execute("CREATE TABLE v(s VARCHAR)")
    c.executemany("INSERT INTO v VALUES (?)", [[v] for v in VALUES + _shuffled_ends()] + [[None]])
    yield c
    c.close()


def test_offset_macros_read_every_value_as_the_slices_did(con):
    rows = con.execute(
        f"SELECT s, ts_has_offset(s), {OLD_HAS_OFFSET}, "
        f"CASE WHEN ts_has_offset(s) THEN ts_offset_ok(s) END, CASE WHEN {OLD_HAS_OFFSET} THEN {OLD_OFFSET_OK} END "
        "FROM v"
    ).fetchall()
    assert len(rows) > 3000 and sum(1 for r in rows if r[1]) > 200  # many values with an offset among them
    assert [r[0] for r in rows if r[1] != r[2] or r[3] != r[4]] == []


def test_parse_ts_across_brussels_midnight_and_offsets(con):
    # read back as naive UTC: an aware time in the autumn fold never compares equal across zones (PEP 495)
    got = dict(con.execute("SELECT s, timezone('UTC', parse_ts(s)) FROM v WHERE s IS NOT NULL").fetchall())
    utc = None
    assert got["2026-10-31T22:59:59Z"] == dt.datetime(2026, 10, 31, 22, 59, 59, tzinfo=utc)
    assert got["2026-10-31T23:30:00+01:00"] == dt.datetime(2026, 10, 31, 22, 30, tzinfo=utc)
    assert got["2026-10-31T23:30:00+0100"] == dt.datetime(2026, 10, 31, 22, 30, tzinfo=utc)
    assert got["2026-10-31T23:30:00+01"] == dt.datetime(2026, 10, 31, 22, 30, tzinfo=utc)
    assert got["2026-10-31T23:30:00-14:00"] == dt.datetime(2026, 11, 1, 13, 30, tzinfo=utc)
    # autumn overlap in Brussels: the earlier offset (+02:00)
    assert got["2026-10-25 02:30:00"] == dt.datetime(2026, 10, 25, 0, 30, tzinfo=utc)
    assert got[" 2026-10-31T23:30:00+01:00 "] == dt.datetime(2026, 10, 31, 22, 30, tzinfo=utc)
    for unreadable in (
        "2026-10-31T23:30:00+14:01",
        "2026-10-31T23:30:00+15",
        "2026-10-31T23:30:00-1500",
        "2026-02-30T10:00:00Z",
        "x",
        "",
        "infinity",
        "epoch",
        "2026-01-01T10:00:00+ab:cd",
    ):
        assert got[unreadable] is None, unreadable
    assert con.execute("SELECT local_date(parse_ts('2026-10-31T23:30:00Z'))").fetchone()[0] == dt.date(2026, 11, 1)
    assert con.execute("SELECT local_date(parse_ts('2026-10-31T22:59:59Z'))").fetchone()[0] == dt.date(2026, 10, 31)


def test_a_file_column_named_like_a_parse_body_is_ignored(tmp_path):
    """The typing reads each date's text in a select of its own (``<col>__body``): a file column of that
    name is not canonical and must neither break the load nor change a value."""
    import shutil

    from audit_lib.extract import Extract

    root = Path(__file__).resolve().parents[1] / "sample_data"
    data = tmp_path / "data"
    shutil.copytree(root, data)
    persons = data / "persons.csv"
    lines = persons.read_text(encoding="utf-8").splitlines()
    persons.write_text(
        "\n".join([lines[0] + ",collected_at__body"] + [line + ",2099-01-01" for line in lines[1:]]) + "\n",
        encoding="utf-8",
    )
    with Extract(root, dt.date(2026, 10, 31)) as before, Extract(data, dt.date(2026, 10, 31)) as after:
        query = "SELECT _row, collected_at, _invalid, _future FROM persons_all ORDER BY _row"
        assert after.con.execute(query).fetchall() == before.con.execute(query).fetchall()


def test_the_offset_fast_path_reads_every_value_as_the_general_path(con):
    # parse_ts_body without its +HH:MM fast path: the general offset test alone (issue 17, third pass)
    from audit_lib.sqlmacros import MACROS

    body = MACROS.split("CREATE OR REPLACE MACRO parse_ts_body(s) AS ", 1)[1].split(";\n", 1)[0]
    fast = [line for line in body.splitlines() if "regexp_matches(s, '[+-]" in line]
    assert len(fast) == 1
    general = body.replace(fast[0] + "\n", "").replace("{tz}", "Europe/Brussels").replace("{{", "{").replace("}}", "}")
    con.execute(f"CREATE MACRO general_body(s) AS {general}")
    offsets = [
        f"{sign}{h:02d}{sep}{m:02d}"
        for sign in "+-"
        for h in (0, 1, 9, 10, 13, 14, 15, 23, 99)
        for m in (0, 1, 30, 59, 60, 99)
        for sep in (":", "")
    ]
    con.executemany("INSERT INTO v VALUES (?)", [[f"2026-10-31T23:30:00{o}"] for o in offsets])
    rows = con.execute("SELECT s FROM v WHERE parse_ts_body(s) IS DISTINCT FROM general_body(s)").fetchall()
    assert rows == []
    assert (
        con.execute("SELECT count(*) FROM v WHERE regexp_matches(s, '[+-](?:0\\d|1[0-3]):[0-5]\\d$')").fetchone()[0]
        >= 40
    )


# parse_ts_body before its general forms were written once on trim(s), with a fast path for a plain local
# time (issue 17, seventh pass): the forms as they are, then again on the trimmed text for a value with a
# blank at either end
TWO_COPIES = """
    CASE WHEN s IS NULL THEN NULL
         WHEN ends_with(s, 'Z') AND length(s) > 10 THEN try_cast(s AS TIMESTAMPTZ)
         WHEN length(s) > 10 AND regexp_matches(s, '[+-](?:0\\d|1[0-3]):[0-5]\\d$') THEN try_cast(s AS TIMESTAMPTZ)
         WHEN ts_has_offset(s) THEN CASE WHEN ts_offset_ok(s) THEN try_cast(s AS TIMESTAMPTZ) END
         WHEN ts_word(s) THEN NULL
         WHEN left(s, 1) = ' ' OR right(s, 1) = ' ' THEN (
              CASE WHEN ts_has_offset(trim(s)) THEN
                        CASE WHEN ts_offset_ok(trim(s)) THEN try_cast(trim(s) AS TIMESTAMPTZ) END
                   ELSE ts_local(trim(s)) END)
         ELSE ts_local(s) END"""


def test_the_general_forms_written_once_read_every_value_as_the_two_copies(con):
    con.execute(f"CREATE MACRO two_copies(s) AS ({TWO_COPIES})")
    padded = [f"{a}{v}{b}" for v in VALUES for a, b in (("", " "), (" ", ""), ("  ", "  "))]
    zones = [f"2026-10-31 23:30:00{z}" for z in (" UTC", " UTC ", " utc", " Europe/Paris", " PM", "  UTC", "\tUTC")]
    # plain local times, which take their own fast path (fold, gap, fractions, impossible fields)
    local = [
        "2026-10-25 02:30:00.123",
        "2026-10-25T02:30",
        "2026-03-29 02:30",
        "2026-13-01 10:00",
        "2026-10-31 24:00:00",
    ]
    local += ["2026-10-31 23:61", "2026-10-31 23:30:00.", "2026-10-31 23:30:00.1234567", "2026-10-31  23:30"]
    con.executemany("INSERT INTO v VALUES (?)", [[v] for v in padded + zones + local])
    assert con.execute("SELECT count(*) FROM v WHERE left(s, 1) = ' ' OR right(s, 1) = ' '").fetchone()[0] > 100
    # every value reads as the old body read its trimmed text
    assert con.execute("SELECT s FROM v WHERE parse_ts_body(s) IS DISTINCT FROM two_copies(trim(s))").fetchall() == []
    # and as the old body read the value itself, but for a value ending in two blanks, which the old body
    # took for an offset ('-31  ' looks like -HHMM) and so left unreadable; one blank was read
    changed = con.execute(
        "SELECT s, two_copies(s) FROM v WHERE parse_ts_body(s) IS DISTINCT FROM two_copies(s)"
    ).fetchall()
    assert {"  2026-10-31  ", "  2026-10-31T23:30:00+01  "} <= {r[0] for r in changed}
    assert all(r[0].endswith("  ") and r[1] is None for r in changed)


MIXED = (
    "SELECT count(*) FROM (SELECT epoch_us(ts) // 900000000 AS q, min(ts) AS a, max(ts) AS b "
    "FROM connection_logs_all GROUP BY q) WHERE local_date(a) <> local_date(b) OR local_offset(a) <> local_offset(b)"
)


@pytest.mark.parametrize(
    "zone, mixed",
    [("Europe/Brussels", False), ("Asia/Kathmandu", False), ("America/St_Johns", False), ("Africa/Monrovia", True)],
)
def test_the_log_summary_by_quarter_hour_equals_the_row_by_row_one(zone, mixed):
    """The daily log summary groups by UTC quarter-hour first (issue 17, fourth pass). Around Brussels
    midnights and both DST changes, in zones 5:45 and -3:30 from UTC, and in Monrovia in 1960 (-0:44:30: a
    quarter holds a local midnight, so the rows are taken one by one) it equals the per-row one."""
    from audit_lib.contract import load_contract
    from audit_lib.intake.canonical import build_daily_summary, build_typed

    c = duckdb.connect()
    install_macros(c, zone)
    c.execute("SET VARIABLE as_of = DATE '2026-10-31'")
    c.execute("SET VARIABLE as_of_end = TIMESTAMPTZ '2026-11-01 00:00:00+00'")
    start = {
        "Africa/Monrovia": dt.datetime(1960, 5, 1, 20),
        "Asia/Kathmandu": dt.datetime(2026, 10, 30, 16),
        "America/St_Johns": dt.datetime(2026, 10, 31, 0),
    }
    values = []
    for first in [
        start.get(zone, dt.datetime(2026, 10, 24, 20)),
        dt.datetime(2026, 3, 28, 20),
        dt.datetime(2026, 10, 31, 20),
    ]:
        values += [(first + dt.timedelta(minutes=7 * i)).strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(120)]
    values += ["1960-05-02T00:40:00Z", "1960-05-02T00:44:45Z"]  # Monrovia's midnight, 00:44:30 UTC, between
    values += ["2026-10-25 02:30:00", "2026-10-31T23:30:00+01:00", "2026-11-01T00:00:00Z", "", "not a date", None]
    c.execute("CREATE TABLE raw_connection_logs (_row BIGINT, ts VARCHAR, ip VARCHAR, person_id VARCHAR)")
    c.executemany("INSERT INTO raw_connection_logs VALUES (NULL, ?, NULL, NULL)", [[v] for v in values])
    table = load_contract()["connection_logs"]
    build_typed(c, table, "raw_connection_logs", "logs", in_place=False)
    assert (c.execute(MIXED).fetchone()[0] > 0) == mixed
    build_daily_summary(c, table)
    by_row = (
        "SELECT local_date(ts) AS day, _missing, _invalid, _future, NULL::VARCHAR AS _file, count(*) AS rows "
        "FROM connection_logs_all GROUP BY ALL ORDER BY ALL"
    )
    got = c.execute("SELECT * FROM connection_logs_days ORDER BY ALL").fetchall()
    assert got == c.execute(by_row).fetchall()
    assert c.execute("DESCRIBE connection_logs_days").fetchall() == c.execute(f"DESCRIBE {by_row}").fetchall()
    assert sum(r[-1] for r in got) == len(values) and len({r[0] for r in got}) >= 6
