"""Evidence intake: canonical types, time zones, and the five DQ-* findings on tiny extracts."""

import datetime as dt

import pytest

UTC = dt.timezone.utc
P = {"person_id": "p1", "subject_type": "customer", "collected_at": "2024-01-01"}


def person(pid, **kw):
    return {**P, "person_id": pid, **kw}


def consent(cid, recorded_at, **kw):
    return {
        "consent_id": cid,
        "person_id": "p1",
        "purpose": "newsletter",
        "status": "granted",
        "recorded_at": recorded_at,
        "proof_ref": "f",
        **kw,
    }


def found(results, check_id):
    f = results.findings
    f = f[f["check_id"] == check_id]
    return {(r.table, r.record_id, int(r.count)) for r in f.itertuples()}


@pytest.mark.parametrize(
    "text, expected_utc",
    [
        ("2026-03-10T10:00:00Z", dt.datetime(2026, 3, 10, 10, 0, tzinfo=UTC)),
        ("2026-03-10 10:00:00Z", dt.datetime(2026, 3, 10, 10, 0, tzinfo=UTC)),
        ("2026-03-10T10:00:00.250Z", dt.datetime(2026, 3, 10, 10, 0, 0, 250000, tzinfo=UTC)),
        ("2026-03-10T12:00:00+02:00", dt.datetime(2026, 3, 10, 10, 0, tzinfo=UTC)),
        ("2026-03-10T12:00:00+0200", dt.datetime(2026, 3, 10, 10, 0, tzinfo=UTC)),
        ("2026-03-10 11:00:00", dt.datetime(2026, 3, 10, 10, 0, tzinfo=UTC)),  # local winter time, +01:00
        ("2026-07-10 12:00", dt.datetime(2026, 7, 10, 10, 0, tzinfo=UTC)),  # local summer time, +02:00
        ("2026-03-10", dt.datetime(2026, 3, 9, 23, 0, tzinfo=UTC)),  # a date alone is 00:00 local
        ("2026-03-29 02:30:00", dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # spring gap: earlier offset
        ("2026-10-25 02:30:00", dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # autumn overlap: fold=0
    ],
)
def test_every_accepted_timestamp_form(audit, text, expected_utc):
    with audit.extract({"persons": [P], "consents": [consent("c1", text)]}) as ex:
        value = ex.con.execute("SELECT recorded_at FROM consents").fetchone()[0]
    assert value.astimezone(UTC) == expected_utc


def test_brussels_midnight_utc_timestamp_has_the_local_date(audit):
    with audit.extract({"persons": [P], "consents": [consent("c1", "2025-10-30T23:30:00Z")]}) as ex:
        assert ex.con.execute("SELECT local_date(recorded_at) FROM consents").fetchone()[0] == dt.date(2025, 10, 31)


def test_unparseable_timestamps_are_invalid_values(audit):
    rows = [
        consent("c1", "30/10/2025"),
        consent("c2", "2025-02-30T10:00:00Z"),
        consent("c3", "yesterday"),
        consent("c4", "2025-10-30T10:00:00Z"),
    ]
    assert audit.ids("DQ-INVALID-VALUE", {"persons": [P], "consents": rows}) == {"c1", "c2", "c3"}


def test_enum_values_are_trimmed_and_case_insensitive(audit):
    rows = [
        person("p1", subject_type=" Prospect "),
        person("p2", subject_type="CUSTOMER"),
        person("p3", subject_type="lead"),
    ]
    with audit.extract({"persons": rows}) as ex:
        assert ex.con.execute("SELECT list(subject_type ORDER BY person_id) FROM persons").fetchone()[0] == [
            "prospect",
            "customer",
        ]
    assert audit.ids("DQ-INVALID-VALUE", {"persons": rows}) == {"p3"}


def test_booleans_in_every_accepted_spelling(audit):
    values = ["true", "1", "yes", "ja", "oui", "TRUE", "false", "0", "no", "nee", "non", ""]
    rows = [person(f"p{i:02d}", legal_hold=v) for i, v in enumerate(values)] + [person("p99", legal_hold="maybe")]
    with audit.extract({"persons": rows}) as ex:
        held = ex.con.execute("SELECT list(person_id ORDER BY person_id) FROM persons WHERE legal_hold").fetchone()[0]
    assert held == ["p00", "p01", "p02", "p03", "p04", "p05"]
    assert audit.ids("DQ-INVALID-VALUE", {"persons": rows}) == {"p99"}


def test_ids_keep_leading_zeros(audit):
    with audit.extract({"persons": [person("000123")]}) as ex:
        assert ex.con.execute("SELECT person_id FROM persons").fetchone()[0] == "000123"


def recipient(rid, country):
    return {
        "recipient_id": rid,
        "name": "Vendor",
        "role": "processor",
        "country": country,
        "dpa_signed_at": "2024-01-01",
    }


def test_countries_by_code_alpha3_name_and_eu_aliases(audit):
    rows = [
        recipient("r1", "BR"),
        recipient("r2", "IND"),
        recipient("r3", "Brazil"),
        recipient("r4", "EL"),
        recipient("r5", "UK"),
        recipient("r6", " united states "),
        recipient("r7", "Narnia"),
        recipient("r8", "Brasil"),
    ]
    with audit.extract({"recipients": rows}) as ex:
        got = dict(ex.con.execute("SELECT recipient_id, country FROM recipients").fetchall())
    assert got == {"r1": "BR", "r2": "IN", "r3": "BR", "r4": "GR", "r5": "GB", "r6": "US"}
    assert audit.ids("DQ-INVALID-VALUE", {"recipients": rows}) == {"r7", "r8"}


def test_duplicate_keys_count_occurrences_and_stay_in_checks(audit):
    rows = [person("p1"), person("p1"), person("p1"), person("p2"), person("p3"), person("p3")]
    results = audit.all({"persons": rows})
    assert found(results, "DQ-DUPLICATE-KEY") == {("persons", "p1", 3), ("persons", "p3", 2)}


def test_missing_key_is_reported_by_row_number(audit):
    rows = [person("p1"), person(""), person("p3", subject_type=""), person("  ")]
    results = audit.all({"persons": rows})
    assert found(results, "DQ-MISSING-REQUIRED") == {
        ("persons", "row:2", 1),
        ("persons", "p3", 1),
        ("persons", "row:4", 1),
    }


def test_two_problems_in_one_row_are_two_findings(audit):
    rows = [person("p1", subject_type="lead", collected_at="")]
    results = audit.all({"persons": rows})
    assert found(results, "DQ-MISSING-REQUIRED") == {("persons", "p1", 1)}
    assert found(results, "DQ-INVALID-VALUE") == {("persons", "p1", 1)}


def test_objection_without_person_or_email_is_missing_required(audit):
    rows = [
        {"objection_id": "o1", "person_id": "", "email": "", "scope": "email", "registered_at": "2025-01-01"},
        {"objection_id": "o2", "person_id": "", "email": "a@b.be", "scope": "email", "registered_at": "2025-01-01"},
    ]
    assert audit.ids("DQ-MISSING-REQUIRED", {"objections": rows}) == {"o1"}


def test_future_dates_per_the_spec_column_list(audit):
    tables = {
        "persons": [
            person("p1", collected_at="2026-11-01"),
            person("p2", last_contact_at="2026-11-01"),
            person("p3", relationship_end_at="2027-06-30"),
            person("p4", collected_at="2026-10-31"),
        ],
        "consents": [consent("c1", "2026-10-31T22:59:59Z"), consent("c2", "2026-10-31T23:00:00Z")],
        "rights_requests": [
            {"request_id": "r1", "type": "access", "received_at": "2026-10-01", "responded_at": "2026-11-02"},
            {"request_id": "r2", "type": "access", "received_at": "2026-10-01", "extension_notified_at": "2026-11-02"},
        ],
    }
    results = audit.all(tables)
    # 23:00 UTC on 31 Oct is midnight in Brussels (winter time): the 1st of November, after as_of
    assert found(results, "DQ-FUTURE-DATE") == {
        ("persons", "p1", 1),
        ("persons", "p2", 1),
        ("consents", "c2", 1),
        ("rights_requests", "r1", 1),
    }


def test_connection_log_dq_is_one_finding_per_month(audit):
    rows = [
        {"ts": "2026-11-01T10:00:00Z"},
        {"ts": "2026-11-02T10:00:00Z"},
        {"ts": "2026-10-31T23:30:00Z"},
        {"ts": "garbage"},
        {"ts": "31/12/2025"},
        {"ts": ""},
        {"ts": "2026-10-31T12:00:00Z"},
    ]
    results = audit.all({"connection_logs": rows})
    assert found(results, "DQ-FUTURE-DATE") == {("connection_logs", "2026-11", 3)}
    assert found(results, "DQ-INVALID-VALUE") == {("connection_logs", "unparseable", 2)}
    assert found(results, "DQ-MISSING-REQUIRED") == {("connection_logs", "unparseable", 1)}


def test_orphan_references_but_not_for_rights_requests(audit):
    tables = {
        "persons": [person("p1")],
        "consents": [consent("c1", "2025-01-01"), {**consent("c2", "2025-01-01"), "person_id": "p9"}],
        "communications": [
            {"send_id": "s1", "person_id": "p8", "channel": "post", "purpose": "service", "sent_at": "2025-01-01"}
        ],
        "payments": [
            {"payment_id": "pay1", "person_id": "p7", "paid_at": "2025-01-01", "method": "transfer"},
            {"payment_id": "pay2", "person_id": "", "paid_at": "2025-01-01", "method": "transfer"},
        ],
        "rights_requests": [{"request_id": "r1", "person_id": "p6", "type": "erasure", "received_at": "2025-01-01"}],
    }
    results = audit.all(tables)
    assert found(results, "DQ-ORPHAN-REFERENCE") == {
        ("consents", "c2", 1),
        ("communications", "s1", 1),
        ("payments", "pay1", 1),
    }


def test_a_row_with_a_dq_problem_is_left_out_of_checks_but_its_key_still_counts(audit):
    with audit.extract(
        {"persons": [person("p1", subject_type="lead")], "consents": [consent("c1", "2025-01-01")]}
    ) as ex:
        assert ex.con.execute("SELECT count(*) FROM persons").fetchone()[0] == 0
        assert ex.con.execute("SELECT count(*) FROM persons_all").fetchone()[0] == 1
    results = audit.all({"persons": [person("p1", subject_type="lead")], "consents": [consent("c1", "2025-01-01")]})
    assert found(results, "DQ-ORPHAN-REFERENCE") == set()


def test_absent_tables_are_not_provided_and_their_checks_not_run(audit):
    results = audit.all({"persons": [P]})
    not_run = {c for c, s in results.status.items() if s["status"] == "not_run"}
    assert "DQ-ORPHAN-REFERENCE" not in not_run
    assert all(s["status"] == "ran" for c, s in results.status.items() if c.startswith("DQ-"))


def test_every_table_key_is_a_required_id():
    """The typed key column is the record id: canonical.py keeps no second, trimmed copy of it."""
    from audit_lib.contract import load_contract

    keys = {t.name: (t.columns[t.key].type, t.columns[t.key].required) for t in load_contract().values() if t.key}
    assert set(keys.values()) == {("id", True)} and len(keys) == 9


def test_typed_rows_store_no_row_number_key_copy_or_file_name_but_the_views_give_them(audit):
    """A 10M-row table keeps within the memory cap: what is the same for every row, or is the rowid, is
    not stored; ``_all`` still gives the row number, the record id (or row:N) and the file."""
    with audit.extract({"persons": [person(" p1 "), person(""), person("p3")]}) as ex:
        stored = {r[0] for r in ex.con.execute("DESCRIBE persons_typed").fetchall()}
        assert not stored & {"_row", "_keyval", "_file"}
        rows = ex.con.execute("SELECT _row, _key, _file FROM persons_all ORDER BY _row").fetchall()
        path = str(ex.sources["persons"].files[0].path)
        assert rows == [(1, "p1", path), (2, "row:2", path), (3, "p3", path)]
        assert ex.sources["persons"].files[0].rows == 3


def test_unreadable_value_detail_only_on_its_row(audit):
    rows = [person("p1"), person("p2", subject_type="Klant!"), person("p3")]
    with audit.extract({"persons": rows}) as ex:
        detail = dict(ex.con.execute("SELECT _key, _invalid_detail FROM persons_all").fetchall())
    assert detail["p1"] == detail["p3"] == ""
    assert detail["p2"].startswith("subject_type (expected one of ") and detail["p2"].endswith("shaped aaaaa!)")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-01-05", dt.date(2026, 1, 5)),
        (" 2026-01-05 ", dt.date(2026, 1, 5)),  # trimmed
        ("2026-02-30", None),  # no such day
        (" infinity ", None),  # ten characters, and a word: no record date
        ("  today   ", None),
        ("epoch     ", None),
        ("          ", None),
        ("", None),
        ("05-01-2026", None),  # not YYYY-MM-DD
        ("1899-12-31", None),  # outside 1900-2200
        ("2026-01-05T23:30:00Z", dt.date(2026, 1, 6)),  # a timestamp: its Brussels date
        ("2026-01-05 23:30", dt.date(2026, 1, 5)),  # a local time: its date
        ("2026-01-05 23:30:00 UTC", dt.date(2026, 1, 6)),  # a zone named after the time is honoured
        ("2026-01-05 10:00 PM", None),  # a word that names no zone: unreadable, not 10:00
    ],
)
def test_date_column_values(text, expected):
    """A date column's text: YYYY-MM-DD read as it is, else trimmed, words refused, a timestamp's local date."""
    import duckdb

    from audit_lib.sqlmacros import install_macros

    con = duckdb.connect()
    install_macros(con, "Europe/Brussels")
    assert con.execute("SELECT parse_date(?::VARCHAR)", [text]).fetchone()[0] == expected


UTC = dt.timezone.utc


@pytest.mark.parametrize(
    "text, instant, local_day",
    [
        # BigQuery's form: UTC, named after the time; 23:30 UTC is the next day in Brussels (summer, winter)
        ("2026-06-01 23:30:00 UTC", dt.datetime(2026, 6, 1, 23, 30, tzinfo=UTC), dt.date(2026, 6, 2)),
        ("2026-06-01 21:59:59 UTC", dt.datetime(2026, 6, 1, 21, 59, 59, tzinfo=UTC), dt.date(2026, 6, 1)),
        ("2026-06-01 22:00:00 UTC", dt.datetime(2026, 6, 1, 22, 0, tzinfo=UTC), dt.date(2026, 6, 2)),
        ("2026-10-31 22:59:59 UTC", dt.datetime(2026, 10, 31, 22, 59, 59, tzinfo=UTC), dt.date(2026, 10, 31)),
        ("2026-10-31 23:00:00 UTC", dt.datetime(2026, 10, 31, 23, 0, tzinfo=UTC), dt.date(2026, 11, 1)),
        # across the spring change (29 March 2026, 01:00 UTC): +01:00 before, +02:00 after
        ("2026-03-28 23:30:00 UTC", dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC), dt.date(2026, 3, 29)),
        ("2026-03-29 22:30:00 UTC", dt.datetime(2026, 3, 29, 22, 30, tzinfo=UTC), dt.date(2026, 3, 30)),
        (" 2026-10-31 23:30:00 UTC ", dt.datetime(2026, 10, 31, 23, 30, tzinfo=UTC), dt.date(2026, 11, 1)),
        ("2026-06-01 10:00:00 America/New_York", dt.datetime(2026, 6, 1, 14, 0, tzinfo=UTC), dt.date(2026, 6, 1)),
        ("2026-06-01 10:00:00 Europe/Brussels", dt.datetime(2026, 6, 1, 8, 0, tzinfo=UTC), dt.date(2026, 6, 1)),
        # no zone: Brussels wall time, the autumn fold read with the earlier offset
        ("2026-06-01 23:30:00", dt.datetime(2026, 6, 1, 21, 30, tzinfo=UTC), dt.date(2026, 6, 1)),
        ("2026-10-25 02:30:00", dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), dt.date(2026, 10, 25)),
        # a word after the time that names no zone was dropped by DuckDB's cast: now the value is unreadable
        ("2026-06-01 10:00 PM", None, None),
        ("2026-06-01 10:00:00 CEST", None, None),
        ("2026-06-01 10:00:00 abc", None, None),
    ],
)
def test_a_zone_named_after_the_time_is_honoured(text, instant, local_day):
    """A timestamp followed by a zone name is read in that zone; any other word leaves it unreadable."""
    import duckdb

    from audit_lib.sqlmacros import install_macros

    con = duckdb.connect()
    install_macros(con, "Europe/Brussels")
    got, day = con.execute(
        "SELECT timezone('UTC', parse_ts(?::VARCHAR)), local_date(parse_ts(?::VARCHAR))", [text, text]
    ).fetchone()
    assert (got.replace(tzinfo=UTC) if got else None, day) == (instant, local_day)
