import datetime as dt

import duckdb
import pycountry
import pytest

from audit_lib import reference as ref

LAC = "Latin America and the Caribbean"
# alpha-2 codes pycountry knows that have no M49 region (Antarctica: M49 code 010, no region)
M49_EXCEPTIONS = {"AQ"}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("BE", "BE"),
        ("be ", "BE"),
        ("BEL", "BE"),
        ("Belgium", "BE"),
        ("belgium", "BE"),
        ("  BELGIUM\t", "BE"),
        ("EL", "GR"),
        ("el", "GR"),
        ("UK", "GB"),
        ("GBR", "GB"),
        ("United Kingdom", "GB"),
        ("United States", "US"),
        ("USA", "US"),
        ("United States of America", "US"),
        ("Taiwan", "TW"),
        ("Taiwan, Province of China", "TW"),
        ("Federative Republic of Brazil", "BR"),
        ("Narnia", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("Brasil", None),
        ("Belgum", None),
        ("XK", None),
    ],
)
def test_normalise_country(value, expected):
    assert ref.normalise_country(value) == expected


def test_eea_codes():
    codes = ref.eea_codes()
    assert isinstance(codes, frozenset)
    assert len(codes) == 30
    assert {"IS", "LI", "NO", "GR", "BE", "FR"} <= codes
    assert "CH" not in codes and "GB" not in codes and "EL" not in codes and "FO" not in codes


def test_adequacy():
    dec = {d["code"]: d for d in ref.adequacy_decisions()}
    assert set(dec) == {"AD", "AR", "BR", "CA", "CH", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "GB", "US", "UY"}
    assert dec["BR"]["decision_date"] == dt.date(2026, 1, 26)
    assert dec["GB"]["end_date"] == dt.date(2031, 12, 27)
    assert dec["GB"]["decision_date"] == dt.date(2021, 6, 28)
    assert dec["US"]["recipient_condition"] == "dpf_certified"
    assert dec["US"]["decision_date"] == dt.date(2023, 7, 10)
    assert [c for c, d in dec.items() if d["recipient_condition"]] == ["US"]
    assert [c for c, d in dec.items() if d["end_date"]] == ["GB"]
    assert all(d["source"] and d["scope_note"] for d in dec.values())
    assert not (set(dec) & ref.eea_codes())


def test_m49_groups():
    for code in ("BR", "MX", "CL", "JM"):
        assert LAC in ref.m49(code)["m49_groups"], code
    assert LAC not in ref.m49("US")["m49_groups"]
    assert ref.m49("US")["sub_region"] == "Northern America"
    for code in ("CN", "IN", "TW", "JP"):
        assert ref.m49(code)["region"] == "Asia"
        assert "Asia" in ref.m49(code)["m49_groups"]
    assert ref.m49("TW")["sub_region"] == "Eastern Asia"
    assert ref.m49("JM")["intermediate_region"] == "Caribbean"
    assert ref.m49("br")["code"] == "BR"
    assert ref.m49("AQ") is None and ref.m49("XX") is None and ref.m49(None) is None


def test_eea_in_europe():
    # M49 places Cyprus in Western Asia although it is an EU member state.
    for code in ref.eea_codes() - {"CY"}:
        assert ref.m49(code)["region"] == "Europe", code
    assert ref.m49("CY")["region"] == "Asia"
    assert ref.m49("CY")["sub_region"] == "Western Asia"


def test_every_country_has_m49_row():
    known = {c.alpha_2 for c in pycountry.countries}
    have = {code for code in known if ref.m49(code) is not None}
    assert known - have == M49_EXCEPTIONS
    assert set(ref.reference_tables()["ref_m49"]["code"]) == have


def test_reference_tables_in_duckdb():
    tables = ref.reference_tables()
    assert set(tables) == {
        "ref_country_alias",
        "ref_eea",
        "ref_adequacy",
        "ref_m49",
        "ref_m49_group",
        "ref_scc",
        "ref_art6_bases",
    }
    alias = tables["ref_country_alias"]
    assert list(alias.columns) == ["alias", "code"]
    assert not alias["alias"].duplicated().any()
    assert (alias["alias"] == alias["alias"].str.lower()).all()
    lookup = dict(zip(alias["alias"], alias["code"]))
    assert lookup["el"] == "GR" and lookup["uk"] == "GB" and lookup["taiwan"] == "TW"
    assert set(lookup.values()) == {c.alpha_2 for c in pycountry.countries}
    assert list(tables["ref_eea"].columns) == ["code", "name", "eu"]
    assert tables["ref_eea"]["eu"].sum() == 27
    assert list(tables["ref_adequacy"].columns) == [
        "code",
        "name",
        "decision_ref",
        "decision_date",
        "end_date",
        "scope_type",
        "recipient_condition",
        "scope_note",
        "source",
        "watch_note",
    ]
    assert list(tables["ref_m49"].columns) == ["code", "region", "sub_region", "intermediate_region"]
    assert list(tables["ref_m49_group"].columns) == ["code", "group_name"]

    con = duckdb.connect()
    for name, df in tables.items():
        con.register(name, df)
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE ref_adequacy)").fetchall())
    assert types["decision_date"] == "DATE" and types["end_date"] == "DATE"
    assert con.execute("SELECT end_date FROM ref_adequacy WHERE code = 'GB'").fetchone()[0] == dt.date(2031, 12, 27)
    lac = {r[0] for r in con.execute(f"SELECT code FROM ref_m49_group WHERE group_name = '{LAC}'").fetchall()}
    assert {"BR", "MX", "CL", "JM"} <= lac and "US" not in lac
    assert (
        con.execute("SELECT count(*) FROM ref_m49_group WHERE group_name = 'Asia'").fetchone()[0]
        == con.execute("SELECT count(*) FROM ref_m49 WHERE region = 'Asia'").fetchone()[0]
    )


def test_reference_tables_are_copies():
    eea = ref.reference_tables()["ref_eea"]
    eea.loc[0, "code"] = "XX"
    assert ref.reference_tables()["ref_eea"].loc[0, "code"] == "AT"


def test_reference_sources():
    sources = ref.reference_sources()
    assert [s["file"].rsplit("/", 1)[1] for s in sources] == [
        "eea.yaml",
        "adequacy.yaml",
        "m49_regions.yaml",
        "scc.yaml",
        "art6_bases.yaml",
    ]
    assert all(s["as_of_date"] == "2026-11-27" for s in sources)
    assert "old.efta.int/eea" in sources[0]["source"]
    assert "eur-lex.europa.eu" in sources[1]["source"]
    assert "https://unstats.un.org/unsd/methodology/m49/" in sources[2]["source"]


def test_repealed_scc_dates_are_reference_data_with_sources():
    scc = ref.reference_tables()["ref_scc"].set_index("mechanism")
    assert scc["invalid_from"].isna().to_dict() == {
        "scc_2021": True,
        "scc_2010": False,
        "scc_2004": False,
        "scc_2001": False,
    }
    assert set(scc.loc[["scc_2010", "scc_2004", "scc_2001"], "invalid_from"].astype(str)) == {"2022-12-27"}
    assert set(scc.loc[["scc_2010", "scc_2004", "scc_2001"], "no_new_contracts_from"].astype(str)) == {"2021-09-27"}
    assert "newtech.law" in ref.reference_sources()[3]["source"]


def test_us_adequacy_carries_the_latombe_watch_note():
    us = ref.reference_tables()["ref_adequacy"].set_index("code").loc["US"]
    assert "C-703/25 P" in us["watch_note"] and "fallback" in us["watch_note"]


def test_working_days_move_weekends_and_belgian_holidays():
    import datetime as dt

    days = ref.working_days("BE", dt.date(2026, 1, 1), dt.date(2026, 12, 31)).set_index("day")["next_working"]
    nxt = {str(k): str(v) for k, v in days.items()}
    assert nxt["2026-02-27"] == "2026-02-27"  # a Friday
    assert nxt["2026-02-28"] == nxt["2026-03-01"] == "2026-03-02"  # weekend -> Monday
    assert nxt["2026-05-01"] == "2026-05-04"  # Labour Day (Friday) -> Monday
    assert nxt["2026-04-04"] == "2026-04-07"  # Saturday, Sunday, Easter Monday -> Tuesday
    assert nxt["2026-12-31"] == "2026-12-31"
