"""The policy file: the shipped Socomec policy, its quotes, its tables, and clear errors for bad files."""

import hashlib
from pathlib import Path

import pytest
import yaml

from audit_lib.errors import PolicyError
from audit_lib.policy import SHIPPED_POLICY, load_policy
from conftest import SHARED

DATA = Path(__file__).parent.parent / "audit_lib" / "data"

# spec/policy.md, "Purposes (§3.1) — these ids are fixed", in the policy's order.
SPEC_PURPOSES = [
    ("request_handling", ["pre_contractual", "legitimate_interests"]),
    ("order_management", ["contract"]),
    ("warranty_management", ["contract", "legal_obligation"]),
    ("litigation_management", ["legitimate_interests", "contract"]),
    ("accounting_tax", ["legal_obligation"]),
    ("customer_knowledge", ["contract", "legitimate_interests"]),
    ("electronic_prospection", ["consent", "legitimate_interests"]),
    ("postal_prospection", ["consent", "legitimate_interests"]),
    ("objection_list", ["legal_obligation"]),
    ("events", ["legitimate_interests"]),
    ("product_tools", ["contract", "legitimate_interests"]),
    ("e_reputation", ["legitimate_interests"]),
    ("website_security", ["contract", "legitimate_interests"]),
    ("usage_statistics", ["contract", "legitimate_interests"]),
    ("user_accounts", ["contract", "legitimate_interests"]),
    ("social_networks", ["legitimate_interests"]),
    ("social_interactions", ["legitimate_interests"]),
]


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def normalise(text):
    return " ".join(text.split())


def all_quotes(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("quote", "basis_quote"):
                yield f"{path}.{key}", value
            else:
                yield from all_quotes(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from all_quotes(value, f"{path}[{i}]")


SEED_SHA256 = "5d7a5701916af6b9ca4413f92fc6afc4ac53a57180ade313c2d7af23d28f7397"  # the seed text's


def test_shipped_text_is_the_seed_byte_for_byte():
    shipped = (DATA / "privacy_policy_socomec_nl.txt").read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == SEED_SHA256
    seed = SHARED / "seed" / "privacy_policy_socomec_nl.txt"
    if seed.exists():  # beside the project (../shared); else the digest above stands for it
        assert shipped == seed.read_bytes()


def test_purposes_and_bases_are_those_of_the_spec(policy):
    assert [(p.id, p.bases) for p in policy.purposes] == SPEC_PURPOSES


def test_purpose_groups_follow_the_three_sub_tables(policy):
    groups = {}
    for p in policy.purposes:
        groups.setdefault(p.group, []).append(p.id)
    assert groups == {
        "commercial_relationship": [
            "request_handling",
            "order_management",
            "warranty_management",
            "litigation_management",
            "accounting_tax",
            "customer_knowledge",
        ],
        "prospection": ["electronic_prospection", "postal_prospection", "objection_list", "events", "product_tools"],
        "website_social": [
            "e_reputation",
            "website_security",
            "usage_statistics",
            "user_accounts",
            "social_networks",
            "social_interactions",
        ],
    }


def test_every_quote_is_verbatim_in_the_shipped_text(policy):
    text = normalise(policy.text())
    quotes = list(all_quotes(yaml.safe_load(SHIPPED_POLICY.read_text(encoding="utf-8"))))
    # ... + commitments + soft opt-in, third_party_sources, holiday_calendar + 13 sections (catalogue 1.1)
    assert len(quotes) == 1 + 1 + 17 * 2 + 5 + 11 + 6 + 3 + 10 + 3 + 13
    missing = [path for path, quote in quotes if normalise(quote) not in text]
    assert missing == []


def test_merged_cells_share_the_basis_cell_above(policy):
    basis = {p.id: p.basis_quote for p in policy.purposes}
    assert basis["postal_prospection"] == basis["electronic_prospection"]
    assert basis["usage_statistics"] == basis["user_accounts"] == basis["website_security"]
    assert basis["social_interactions"] == basis["social_networks"]


def test_param_values(policy):
    assert policy.param_values() == {
        "prospect_years": 3,
        "active_after_end_years": 3,
        "archive_years": 10,
        "connection_log_years": 1,
        "id_document_grace_days": 0,
        "card_dispute_months": 13,
        "deferred_card_dispute_months": 15,
        "transfer_review_months": 24,
        "dsr_response_months": 1,
        "dsr_extension_months": 2,
        "breach_notification_hours": 72,
    }


def test_parameter_units_and_legal_sources(policy):
    params = policy.parameters
    assert {name: p.unit for name, p in params.items() if p.unit != "years"} == {
        "id_document_grace_days": "days",
        "card_dispute_months": "months",
        "deferred_card_dispute_months": "months",
        "transfer_review_months": "months",
        "dsr_response_months": "months",
        "dsr_extension_months": "months",
        "breach_notification_hours": "hours",
    }
    assert "L123-22" in params["archive_years"].legal_ref and params["archive_years"].source
    assert "CNIL" in params["card_dispute_months"].legal_ref
    assert "audit convention" in params["transfer_review_months"].note.lower()
    assert (
        params["id_document_grace_days"].quote == "Deze informatie wordt verwijderd zodra de verificatie is voltooid."
    )


def test_header_time_zone_and_hash(policy):
    assert (policy.policy.id, policy.policy.in_force_since.isoformat()) == ("socomec_nl_2022", "2022-06-01")
    assert policy.time_zone == "Europe/Brussels"
    assert policy.path == SHIPPED_POLICY
    assert len(policy.sha256) == 64


def test_data_category_columns_exist_in_the_data_contract(policy):
    contract = yaml.safe_load((DATA / "contract.yaml").read_text(encoding="utf-8"))["tables"]
    assert [c.id for c in policy.data_categories] == ["identity", "professional", "commercial", "payment", "connection"]
    unknown = [
        col
        for c in policy.data_categories
        for col in c.columns
        if col.split(".")[1] not in contract[col.split(".")[0]]["columns"]
    ]
    assert unknown == []


def test_quote_for(policy):
    assert policy.quote_for("dsr_response_months").startswith("Wij zullen u de gevraagde informatie")
    assert policy.quote_for("objection_list") == "Beheer van de lijst met het recht van verzet"
    assert policy.quote_for("objection_scopes") == "Beheer van de lijst met het recht van verzet"
    assert policy.quote_for("processor") == (
        "Onze dienstverleners (met name voor IT, marketing en communicatie, inclusief software);"
    )
    assert "met name in de Verenigde Staten, Latijns-Amerika of Azië" in policy.quote_for("disclosed_destinations")
    assert policy.quote_for("consent_rules") == (
        "Toestemming / legitiem belang bij het communiceren met onze prospects/klanten, indien van toepassing"
    )
    with pytest.raises(PolicyError, match="no entry 'nope'"):
        policy.quote_for("nope")


def rows(frame):
    return [tuple(r) for r in frame.itertuples(index=False)]


def test_tables_consent_rules(policy):
    assert rows(policy.tables()["policy_consent_rules"]) == [
        ("newsletter", "email", "prospect", "email_marketing"),
        ("newsletter", "email", "prospect", "newsletter"),
        ("newsletter", "email", "customer", "email_marketing"),
        ("newsletter", "email", "customer", "newsletter"),
        ("newsletter", "sms", "prospect", "email_marketing"),
        ("newsletter", "sms", "prospect", "newsletter"),
        ("newsletter", "sms", "customer", "email_marketing"),
        ("newsletter", "sms", "customer", "newsletter"),
        ("commercial", "email", "prospect", "email_marketing"),
        ("commercial", "email", "customer", "email_marketing"),
        ("commercial", "sms", "prospect", "email_marketing"),
        ("commercial", "sms", "customer", "email_marketing"),
        ("event_invitation", "email", "prospect", "email_marketing"),
        ("event_invitation", "email", "customer", "email_marketing"),
        ("event_invitation", "sms", "prospect", "email_marketing"),
        ("event_invitation", "sms", "customer", "email_marketing"),
    ]


def test_tables_objection_scopes(policy):
    assert rows(policy.tables()["policy_objection_scopes"]) == [
        ("all_prospection", "email"),
        ("all_prospection", "sms"),
        ("all_prospection", "post"),
        ("all_prospection", "phone"),
        ("email", "email"),
        ("email", "sms"),
        ("postal", "post"),
        ("phone", "phone"),
    ]


def test_tables_other(policy):
    tables = policy.tables()
    assert sorted(tables) == [
        "policy_consent_rules",
        "policy_disclosed_destinations",
        "policy_objection_scopes",
        "policy_prospection_purposes",
        "policy_purposes",
        "policy_recipient_categories",
        "policy_soft_opt_in",
        "policy_third_party_sources",
    ]
    assert rows(tables["policy_third_party_sources"]) == [
        ("distributor",),
        ("subsidiary",),
        ("partner",),
        ("database_rental",),
        ("employer",),
    ]
    assert rows(tables["policy_soft_opt_in"]) == [("yes",)]
    assert rows(tables["policy_purposes"]) == [(pid, b) for pid, bases in SPEC_PURPOSES for b in bases]
    assert rows(tables["policy_recipient_categories"]) == [
        ("subsidiary",),
        ("commercial_partner",),
        ("distributor",),
        ("processor",),
        ("advisor",),
        ("authority",),
    ]
    assert rows(tables["policy_disclosed_destinations"]) == [
        ("country", "US"),
        ("m49_region", "Latin America and the Caribbean"),
        ("m49_region", "Asia"),
    ]
    assert rows(tables["policy_prospection_purposes"]) == [("newsletter",), ("commercial",), ("event_invitation",)]


def test_tables_load_into_duckdb(policy):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    for name, frame in policy.tables().items():
        con.register(name, frame)
    assert con.execute("select count(*) from policy_purposes where basis = 'consent'").fetchone() == (2,)


# Invalid variants: the shipped YAML, one thing changed, written next to a copy of the policy text.


def write_variant(tmp_path, mutate):
    doc = yaml.safe_load(SHIPPED_POLICY.read_text(encoding="utf-8"))
    mutate(doc)
    (tmp_path / "privacy_policy_socomec_nl.txt").write_bytes((DATA / "privacy_policy_socomec_nl.txt").read_bytes())
    path = tmp_path / "policy_socomec_nl.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def error_of(path):
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_unchanged_variant_loads(tmp_path):
    policy = load_policy(write_variant(tmp_path, lambda doc: None))
    assert policy.param_values()["archive_years"] == 10


def test_unknown_key(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["purposes"][2].update(colour="red"))
    assert error_of(path) == "policy_socomec_nl.yaml: purposes[2].colour: unknown key"


def test_bad_basis(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["purposes"][3]["bases"].__setitem__(0, "contrat"))
    assert error_of(path) == (
        "policy_socomec_nl.yaml: purposes[3].bases[0]: 'contrat' is not an Art. 6 basis (expected one of consent, "
        "contract, pre_contractual, legal_obligation, vital_interests, public_task, legitimate_interests)"
    )


def test_purpose_without_bases(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["purposes"][4].update(bases=[]))
    assert error_of(path).startswith("policy_socomec_nl.yaml: purposes[4].bases: List should have at least 1 item")


def test_purpose_with_bases_key_removed(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["purposes"][0].pop("bases"))
    assert error_of(path) == "policy_socomec_nl.yaml: purposes[0].bases: missing key"


def test_duplicate_purpose_id(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["purposes"][5].update(id="events"))
    assert error_of(path) == "policy_socomec_nl.yaml: purposes[9].id: duplicate id 'events'"


def test_missing_parameter(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["parameters"].pop("archive_years"))
    assert error_of(path) == "policy_socomec_nl.yaml: parameters.archive_years: required parameter is missing"


def test_parameter_without_value(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["parameters"]["prospect_years"].update(value=None))
    assert error_of(path) == (
        "policy_socomec_nl.yaml: parameters.prospect_years.value: no value (Input should be a valid integer)"
    )


def test_parameter_value_must_be_a_number(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["parameters"]["prospect_years"].update(value="3 jaar"))
    assert error_of(path) == (
        "policy_socomec_nl.yaml: parameters.prospect_years.value: Input should be a valid integer (got '3 jaar')"
    )


def test_bad_time_zone(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["time_zone"].update(value="Europe/Bruxelles"))
    assert error_of(path) == (
        "policy_socomec_nl.yaml: time_zone.value: 'Europe/Bruxelles' is not a time zone "
        "known to zoneinfo (e.g. Europe/Brussels)"
    )


def test_quote_not_in_the_text(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["parameters"]["prospect_years"].update(quote="Drie jaar."))
    assert error_of(path) == (
        "policy_socomec_nl.yaml: parameters.prospect_years.quote: not found verbatim in "
        "privacy_policy_socomec_nl.txt: 'Drie jaar.'"
    )


def test_quotes_are_not_checked_without_the_text_file(tmp_path):
    path = write_variant(tmp_path, lambda doc: doc["parameters"]["prospect_years"].update(quote="Drie jaar."))
    (tmp_path / "privacy_policy_socomec_nl.txt").unlink()
    assert load_policy(path).parameters["prospect_years"].quote == "Drie jaar."


def test_broken_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("policy:\n  id: x\n   company: [unclosed\n", encoding="utf-8")
    assert error_of(path).startswith("broken.yaml: not valid YAML at line 3, column ")


def test_duplicate_yaml_key(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("parameters:\n  prospect_years: {value: 3}\n  prospect_years: {value: 5}\n", encoding="utf-8")
    assert error_of(path) == "dup.yaml: not valid YAML at line 3, column 3: duplicate key 'prospect_years'"


def test_not_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    assert error_of(path).startswith("list.yaml: (top level): expected a mapping")


def test_missing_file(tmp_path):
    assert error_of(tmp_path / "nope.yaml") == "nope.yaml: cannot read the policy file (No such file or directory)"


def test_catalogue_1_1_parameters_carry_their_quotes(policy):
    assert policy.third_party_sources.policy_ref == "§3.2"
    assert "distributeurs of dochterondernemingen" in policy.third_party_sources.quote
    assert policy.holiday_calendar.value == "BE" and "1182/71" in policy.holiday_calendar.legal_ref
    assert policy.rule_values()["third_party_sources"] == "distributor, subsidiary, partner, database_rental, employer"
    assert policy.quote_for("holiday_calendar") == policy.holiday_calendar.quote


def test_sections_come_from_the_policy_file(policy):
    refs = [s.policy_ref for s in policy.sections]
    assert refs[:3] == ["§1", "§2", "§3"] and "§9.4" in refs and refs[-1] == "§10"
    assert policy.section_title("§4") == "How long data is kept"
    assert policy.section_title("§42") == ""


def test_unknown_holiday_calendar_is_refused(tmp_path):
    text = SHIPPED_POLICY.read_text(encoding="utf-8").replace("  value: BE\n", "  value: XX\n")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "privacy_policy_socomec_nl.txt").write_text(
        (SHIPPED_POLICY.parent / "privacy_policy_socomec_nl.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(PolicyError, match="holiday_calendar.value: 'XX' is not a country the holidays package knows"):
        load_policy(tmp_path / "p.yaml")


def test_known_calendars_are_the_holidays_package_list_without_importing_every_country():
    import holidays

    from audit_lib.policy import _known_calendar

    for code in holidays.list_supported_countries():
        assert _known_calendar(code) == code
    for code in ("XX", "be", "Belgium", "HolidaysAX", ""):
        with pytest.raises(ValueError, match="not a country the holidays package knows"):
            _known_calendar(code)
