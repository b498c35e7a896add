"""TR-* checks: transfer tools, adequacy by date and scope, processing agreements, disclosure, reviews."""

from __future__ import annotations

import datetime as dt

import pytest

from audit_lib.extract import Extract
from audit_lib.insights import transfers as insights
from audit_lib.nb import Run
from audit_lib.policy import load_policy
from audit_lib.run import run_check

AS_OF = "2026-10-31"


def rec(rid: str, country: str, **kw) -> dict:
    """A recipient row: a reviewed processor with a DPA and no transfer tool unless given."""
    row = {
        "recipient_id": rid,
        "name": f"Company {rid}",
        "role": "processor",
        "country": country,
        "dpf_certified": "",
        "mechanism": "",
        "derogation_reason": "",
        "dpa_signed_at": "2024-01-10",
        "tia_completed_at": "",
        "last_reviewed_at": "2026-01-15",
    }
    row.update(kw)
    return row


def extract(*rows: dict) -> dict:
    return {"recipients": list(rows)}


# --- TR-NO-SAFEGUARD -------------------------------------------------------------------------------


def test_no_safeguard_us_with_and_without_dpf(audit):
    data = extract(
        rec("us_dpf", "US", dpf_certified="true"),
        rec("us_plain", "US"),
        rec("us_scc", "US", mechanism="scc_2021", tia_completed_at="2025-03-01"),
    )
    assert audit.ids("TR-NO-SAFEGUARD", data) == {"us_plain"}


def test_no_safeguard_us_dpf_before_the_framework_decision(audit):
    data = extract(rec("us_dpf", "US", dpf_certified="yes"))
    assert audit.ids("TR-NO-SAFEGUARD", data, as_of="2023-07-09") == {"us_dpf"}
    assert audit.ids("TR-NO-SAFEGUARD", data, as_of="2023-07-10") == set()


def test_brazil_day_before_its_decision_date_is_no_safeguard(audit):
    assert audit.ids("TR-NO-SAFEGUARD", extract(rec("br", "BR")), as_of="2026-01-25") == {"br"}


def test_brazil_on_its_decision_date_is_adequate(audit):
    assert audit.ids("TR-NO-SAFEGUARD", extract(rec("br", "BR")), as_of="2026-01-26") == set()


def test_uk_given_as_uk_is_adequate_and_not_in_the_eea(audit):
    data = extract(rec("gb", "UK", last_reviewed_at=""))
    assert audit.ids("TR-NO-SAFEGUARD", data) == set()
    assert audit.ids("TR-REVIEW-OVERDUE", data) == {"gb"}


def test_uk_adequacy_ends_on_its_end_date(audit):
    data = extract(rec("gb", "GB"))
    assert audit.ids("TR-NO-SAFEGUARD", data, as_of="2031-12-26") == set()
    assert audit.ids("TR-NO-SAFEGUARD", data, as_of="2031-12-27") == {"gb"}


def test_greece_given_as_el_is_in_the_eea(audit):
    data = extract(rec("gr", "EL", last_reviewed_at=""), rec("gr2", " el ", last_reviewed_at=""))
    for check in ("TR-NO-SAFEGUARD", "TR-UNDISCLOSED-DESTINATION", "TR-REVIEW-OVERDUE"):
        assert audit.ids(check, data) == set()


def test_country_by_name_and_alpha3(audit):
    data = extract(
        rec("br_name", "Brazil"),
        rec("in_a3", "IND"),
        rec("in_scc", "ind", mechanism="scc_2021", tia_completed_at="2025-01-01"),
    )
    assert audit.ids("TR-NO-SAFEGUARD", data) == {"in_a3"}
    assert audit.ids("TR-UNDISCLOSED-DESTINATION", data) == set()  # Latin America and Asia are disclosed


def test_unknown_country_is_a_data_quality_finding_not_a_transfer_finding(audit):
    data = extract(
        rec("xx", "Atlantis", role="other_controller", dpa_signed_at="", last_reviewed_at=""), rec("us", "US")
    )
    results = audit.all(data)
    invalid = results.of("DQ-INVALID-VALUE")
    assert set(invalid["record_id"]) == {"xx"}
    assert "country" in invalid["observed"].iloc[0]
    tr = results.findings[results.findings["area"] == "transfers"]
    assert set(zip(tr["check_id"], tr["record_id"])) == {("TR-NO-SAFEGUARD", "us")}


def test_switzerland_is_adequate_but_not_disclosed(audit):
    data = extract(rec("ch", "CH"))
    tr = audit.all(data).findings
    tr = tr[tr["area"] == "transfers"]
    assert set(zip(tr["check_id"], tr["record_id"])) == {("TR-UNDISCLOSED-DESTINATION", "ch")}


def test_eea_mechanism_for_a_non_eea_country_is_no_safeguard(audit):
    data = extract(
        rec("cn", "CN", mechanism="eea"), rec("be", "BE", mechanism="eea"), rec("cn_ad", "CN", mechanism="adequacy")
    )
    assert audit.ids("TR-NO-SAFEGUARD", data) == {"cn", "cn_ad"}


def test_derogation_with_and_without_a_reason(audit):
    data = extract(
        rec("with", "CN", role="distributor", mechanism="derogation_49", derogation_reason="Art. 49(1)(b) contract"),
        rec("without", "CN", role="distributor", mechanism="derogation_49"),
        rec("blank", "CN", role="distributor", mechanism="Derogation_49", derogation_reason="   "),
    )
    assert audit.ids("TR-NO-SAFEGUARD", data) == {"without", "blank"}


def test_a_derogation_is_no_tool_for_a_processor(audit):
    # catalogue 1.1: a processor's transfers are systematic and ongoing (EDPB Guidelines 2/2018)
    reason = "Art. 49(1)(b) contract"
    data = extract(
        rec("processor", "CN", role="processor", mechanism="derogation_49", derogation_reason=reason),
        rec("partner", "CN", role="commercial_partner", mechanism="derogation_49", derogation_reason=reason),
    )
    assert audit.ids("TR-NO-SAFEGUARD", data) == {"processor"}


def test_none_and_empty_mechanism_are_no_safeguard(audit):
    data = extract(rec("none", "MX", mechanism="none"), rec("empty", "MX"), rec("bcr", "MX", mechanism="BCR"))
    assert audit.ids("TR-NO-SAFEGUARD", data) == {"none", "empty"}


def test_eea_recipients_need_no_tool(audit):
    data = extract(rec("fr", "FR"), rec("no", "NO"), rec("be", "Belgium", mechanism="none"))
    assert audit.ids("TR-NO-SAFEGUARD", data) == set()


# --- TR-INVALID-SCC --------------------------------------------------------------------------------


def test_scc_2010_is_invalid_not_no_safeguard(audit):
    data = extract(
        rec("s10", "IN", mechanism="scc_2010"),
        rec("s04", "IN", mechanism="scc_2004"),
        rec("s01", "IN", mechanism="scc_2001"),
        rec("s21", "IN", mechanism="scc_2021"),
    )
    assert audit.ids("TR-INVALID-SCC", data) == {"s10", "s04", "s01"}
    assert audit.ids("TR-NO-SAFEGUARD", data) == set()


def test_repealed_scc_invalid_from_27_december_2022_not_the_day_before(audit):
    # catalogue 1.1: the cut-off date is reference data (audit_lib/data/reference/scc.yaml)
    data = extract(
        rec("s10", "IN", mechanism="scc_2010"),
        rec("s04", "IN", mechanism="scc_2004"),
        rec("s01", "IN", mechanism="scc_2001"),
    )
    assert audit.ids("TR-INVALID-SCC", data, as_of="2022-12-26") == set()
    assert audit.ids("TR-INVALID-SCC", data, as_of="2022-12-27") == {"s10", "s04", "s01"}


def test_repealed_scc_before_the_cut_off_is_still_a_tool(audit):
    data = extract(rec("s10", "IN", mechanism="scc_2010"))
    assert audit.ids("TR-NO-SAFEGUARD", data, as_of="2022-12-26") == set()
    assert audit.ids("TR-NO-SAFEGUARD", data, as_of="2022-12-27") == set()  # TR-INVALID-SCC's from that day


def test_scc_2010_with_adequacy_met_is_not_reported(audit):
    data = extract(
        rec("ch", "CH", mechanism="scc_2010"),
        rec("us_dpf", "US", mechanism="scc_2010", dpf_certified="1"),
        rec("us", "US", mechanism="scc_2010"),
        rec("de", "DE", mechanism="scc_2010"),
    )
    assert audit.ids("TR-INVALID-SCC", data) == {"us"}


# --- TR-NO-TIA -------------------------------------------------------------------------------------


def test_no_tia_for_scc_2021_and_bcr_without_adequacy(audit):
    data = extract(
        rec("scc", "IN", mechanism="scc_2021"),
        rec("bcr", "CN", mechanism="bcr"),
        rec("done", "IN", mechanism="scc_2021", tia_completed_at="2025-02-02"),
        rec("us_dpf", "US", mechanism="scc_2021", dpf_certified="true"),
        rec("us", "US", mechanism="scc_2021"),
        rec("jp", "JP", mechanism="bcr"),
        rec("fr", "FR", mechanism="scc_2021"),
        rec("der", "CN", mechanism="derogation_49", derogation_reason="consent"),
    )
    assert audit.ids("TR-NO-TIA", data) == {"scc", "bcr", "us"}


def test_no_tia_brazil_before_and_after_its_decision(audit):
    data = extract(rec("br", "BR", mechanism="scc_2021"))
    assert audit.ids("TR-NO-TIA", data, as_of="2026-01-25") == {"br"}
    assert audit.ids("TR-NO-TIA", data, as_of="2026-01-26") == set()


# --- TR-NO-DPA -------------------------------------------------------------------------------------


def test_no_dpa_for_processors_in_any_country(audit):
    data = extract(
        rec("p_be", "BE", dpa_signed_at=""),
        rec("p_us", "US", dpa_signed_at="", dpf_certified="true"),
        rec("p_ok", "IN", mechanism="scc_2021"),
        rec("sub", "CN", role="subsidiary", dpa_signed_at=""),
        rec("p_case", "DE", role=" Processor ", dpa_signed_at=""),
    )
    assert audit.ids("TR-NO-DPA", data) == {"p_be", "p_us", "p_case"}


# --- TR-UNDISCLOSED-DESTINATION --------------------------------------------------------------------


def test_undisclosed_destination_by_m49_region(audit):
    data = extract(
        rec("us", "US"),
        rec("br", "BR"),
        rec("mx", "MX"),
        rec("cn", "CN"),
        rec("tw", "TW"),
        rec("tr", "TR"),
        rec("ch", "CH"),
        rec("gb", "GB"),
        rec("ca", "CA"),
        rec("za", "ZA"),
        rec("au", "AU"),
        rec("be", "BE"),
        rec("cy", "CY"),
    )
    # Türkiye is in M49 Western Asia (disclosed); Cyprus is in the EEA whatever its M49 region
    assert audit.ids("TR-UNDISCLOSED-DESTINATION", data) == {"ch", "gb", "ca", "za", "au"}


# --- TR-UNDISCLOSED-RECIPIENT ----------------------------------------------------------------------


def test_undisclosed_recipient_category(audit):
    data = extract(
        *(
            rec(role, "BE", role=role)
            for role in (
                "processor",
                "subsidiary",
                "distributor",
                "commercial_partner",
                "advisor",
                "authority",
                "other_controller",
            )
        )
    )
    assert audit.ids("TR-UNDISCLOSED-RECIPIENT", data) == {"other_controller"}


# --- TR-REVIEW-OVERDUE -----------------------------------------------------------------------------


def test_reviewed_exactly_24_months_before_as_of_is_in_time(audit):
    assert audit.ids("TR-REVIEW-OVERDUE", extract(rec("us", "US", last_reviewed_at="2024-10-31"))) == set()


def test_reviewed_24_months_and_one_day_before_as_of_is_overdue(audit):
    assert audit.ids("TR-REVIEW-OVERDUE", extract(rec("us", "US", last_reviewed_at="2024-10-30"))) == {"us"}


def test_review_due_month_end_clamped(audit):
    # 2024-02-29 + 24 months = 2026-02-28: in time on that day, overdue the next
    data = extract(rec("in", "IN", last_reviewed_at="2024-02-29"))
    assert audit.ids("TR-REVIEW-OVERDUE", data, as_of="2026-02-28") == set()
    assert audit.ids("TR-REVIEW-OVERDUE", data, as_of="2026-03-01") == {"in"}


def test_review_never_done_outside_the_eea_only(audit):
    data = extract(
        rec("in", "IN", last_reviewed_at=""), rec("de", "DE", last_reviewed_at=""), rec("ch", "CH", last_reviewed_at="")
    )
    assert audit.ids("TR-REVIEW-OVERDUE", data) == {"in", "ch"}


def test_review_period_comes_from_the_policy(audit, tmp_path):
    shipped = load_policy().path
    text = shipped.read_text(encoding="utf-8")
    assert "  transfer_review_months:\n    value: 24" in text
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(
        text.replace("  transfer_review_months:\n    value: 24", "  transfer_review_months:\n    value: 12"),
        encoding="utf-8",
    )
    text_file = "privacy_policy_socomec_nl.txt"
    (tmp_path / text_file).write_bytes((shipped.parent / text_file).read_bytes())
    with audit.extract(extract(rec("in", "IN", last_reviewed_at="2025-10-30"))) as shipped_ex:
        assert set(run_check(shipped_ex, "TR-REVIEW-OVERDUE")["record_id"]) == set()
        folder = shipped_ex.root
    with Extract(folder, dt.date(2026, 10, 31), policy_file) as ex:
        assert set(run_check(ex, "TR-REVIEW-OVERDUE")["record_id"]) == {"in"}


# --- findings carry no names ------------------------------------------------------------------------


def test_observed_never_shows_the_recipient_name(audit):
    data = extract(rec("x1", "US", name="Acme Secret Corp", dpa_signed_at="", last_reviewed_at=""))
    findings = audit.all(data).findings
    assert not findings["observed"].str.contains("Acme").any()
    assert set(findings[findings["area"] == "transfers"]["check_id"]) == {
        "TR-NO-SAFEGUARD",
        "TR-NO-DPA",
        "TR-REVIEW-OVERDUE",
    }


# --- the inventory for the notebook and findings.xlsx ----------------------------------------------


@pytest.fixture
def inventory_run(audit):
    def make(*rows, as_of=AS_OF):
        ex = audit.extract(extract(*rows), as_of)
        run = Run(data=ex.root, as_of=ex.as_of, policy=ex.policy)
        run.__dict__["extract"] = ex
        return run

    return make


def test_inventory_one_row_per_recipient_with_status(inventory_run):
    run = inventory_run(
        rec("be", "BE"),
        rec("us_dpf", "US", dpf_certified="true"),
        rec("us", "US"),
        rec("in", "IND", mechanism="scc_2021", tia_completed_at="2025-05-05"),
        rec("in2", "IN", mechanism="scc_2021"),
        rec("cn", "CN", mechanism="bcr", tia_completed_at="2025-01-01"),
        rec("mx", "MX", role="distributor", mechanism="derogation_49", derogation_reason="contract"),
        rec("old", "IN", mechanism="scc_2010"),
        rec("jp", "JP", last_reviewed_at="2024-10-30"),
        rec("bad", "Atlantis"),
        rec("mxp", "MX", mechanism="derogation_49", derogation_reason="contract"),
    )
    inv = insights.inventory(run).set_index("recipient_id")
    assert list(inv.index) == ["be", "us_dpf", "us", "in", "in2", "cn", "mx", "old", "jp", "bad", "mxp"]
    assert inv["safeguard"].to_dict() == {
        "be": "EEA",
        "us_dpf": "Adequacy decision",
        "us": "Missing or invalid",
        "in": "SCC 2021 + TIA",
        "in2": "SCC 2021 or BCR, TIA missing",
        "cn": "BCR",
        "mx": "Derogation (Art. 49)",
        "old": "Missing or invalid",
        "jp": "Adequacy decision",
        "bad": "Not assessed (data-quality problem)",
        "mxp": "Missing or invalid",
    }  # no derogation for a processor
    assert inv.loc["mxp", "findings"] == "TR-NO-SAFEGUARD"
    # the Latombe appeal beside every recipient that relies on the DPF, and only there
    assert "C-703/25 P" in inv.loc["us_dpf", "watch_note"] and "fallback" in inv.loc["us_dpf", "watch_note"]
    assert (inv.drop(index="us_dpf")["watch_note"] == "").all()
    assert inv.loc["jp", "scope_note"].startswith("auditor to confirm scope: ")
    assert inv.loc["us_dpf", "scope_note"].startswith("Covers only organisations")
    assert inv.loc["be", "scope_note"] == ""
    assert str(inv.loc["jp", "review_due"]) == "2026-10-30"
    assert inv.loc["jp", "findings"] == "TR-REVIEW-OVERDUE"  # Japan is in Asia: disclosed
    assert inv.loc["us", "findings"] == "TR-NO-SAFEGUARD"
    assert inv.loc["bad", "findings"] == "" and inv.loc["bad", "country"] == ""
    assert inv.loc["in", "country"] == "IN" and inv.loc["in", "country_name"] == "India"
    assert inv.loc["in", "disclosed_under"] == "Asia"
    assert inv.loc["us", "disclosed_under"] == "United States"
    assert inv.loc["mx", "disclosed_under"] == "Latin America"
    assert inv.loc["be", "disclosed_under"] == ""


def test_world_map_and_destination_table(inventory_run):
    run = inventory_run(rec("be", "BE"), rec("us", "US"), rec("us_dpf", "US", dpf_certified="true"), rec("ch", "CH"))
    fig = insights.world_map(run)
    # a country takes the weakest status of its recipients: one US recipient has no tool
    assert {trace.name: set(trace.locations) for trace in fig.data} == {
        "EEA": {"BEL"},
        "Adequacy decision": {"CHE"},
        "Missing or invalid": {"USA"},
    }
    assert all(trace.locationmode == "ISO-3" for trace in fig.data)
    dest = insights.destinations(run)
    assert dest.to_dict("records") == [
        {"destination": "United States", "disclosed": "yes", "countries": "US", "recipients": 2},
        {"destination": "Latin America", "disclosed": "yes", "countries": "", "recipients": 0},
        {"destination": "Asia", "disclosed": "yes", "countries": "", "recipients": 0},
        {"destination": "Switzerland", "disclosed": "no", "countries": "CH", "recipients": 1},
    ]


def test_inventory_when_recipients_are_not_provided(audit):
    ex = audit.extract({"persons": [{"person_id": "p1", "subject_type": "prospect", "collected_at": "2026-01-01"}]})
    run = Run(data=ex.root, as_of=ex.as_of, policy=ex.policy)
    run.__dict__["extract"] = ex
    assert insights.inventory(run).empty
    assert insights.destinations(run).empty
    assert len(insights.world_map(run).data) == 1
    assert sum(sum(trace.x) for trace in insights.status_chart(run).data) == 0


def test_the_inventory_is_a_sheet_of_findings_xlsx(tmp_path):
    import openpyxl

    from audit_lib.cli import main
    from conftest import ROOT

    out = tmp_path / "out"
    assert (
        main(["check", "--data", str(ROOT / "sample_data"), "--period", "2026-10", "--out", str(out), "--quiet"]) == 0
    )
    wb = openpyxl.load_workbook(out / "findings.xlsx", read_only=True)
    assert wb.sheetnames == ["findings", "transfer_inventory"]
    rows = list(wb["transfer_inventory"].iter_rows(values_only=True))
    with open(ROOT / "sample_data" / "recipients.csv", encoding="utf-8") as f:
        recipients = sum(1 for _ in f) - 1
    assert rows[0][:3] == ("recipient_id", "name", "role")
    assert len(rows) - 1 == recipients
    us = [r for r in rows[1:] if r[3] == "US"]
    assert us and all(r[rows[0].index("adequacy_decision")] for r in us)


def test_inventory_status_counts_equal_the_tr_findings(inventory_run):
    """A rule is computed once: the inventory's 'Missing or invalid' rows are exactly TR-NO-SAFEGUARD and
    TR-INVALID-SCC, its 'TIA missing' rows exactly TR-NO-TIA (adequacy from the shared relation)."""
    run = inventory_run(
        rec("us", "US"),
        rec("us_dpf", "US", dpf_certified="true"),
        rec("in", "IN", mechanism="scc_2021"),
        rec("old", "IN", mechanism="scc_2004"),
        rec("mxp", "MX", mechanism="derogation_49", derogation_reason="x"),
        rec("br", "BR"),
        rec("ch", "CH"),
        rec("cn", "CN", mechanism="bcr", tia_completed_at="2025-01-01"),
    )
    inv = insights.inventory(run)
    found = run.of("TR-NO-SAFEGUARD", "TR-INVALID-SCC", "TR-NO-TIA")
    missing = set(inv.loc[inv["safeguard"] == "Missing or invalid", "recipient_id"])
    assert missing == set(found.loc[found["check_id"].isin(["TR-NO-SAFEGUARD", "TR-INVALID-SCC"]), "record_id"])
    no_tia = set(inv.loc[inv["safeguard"] == "SCC 2021 or BCR, TIA missing", "recipient_id"])
    assert no_tia == set(found.loc[found["check_id"] == "TR-NO-TIA", "record_id"])
    assert missing == {"us", "old", "mxp"} and no_tia == {"in"}


def test_inventory_repealed_scc_before_its_end_date(inventory_run):
    run = inventory_run(rec("old", "IN", mechanism="scc_2010"), as_of="2022-12-26")
    assert insights.inventory(run)["safeguard"].tolist() == ["Repealed SCC, before its end date"]


def test_inventory_undisclosed_destinations_equal_the_findings(inventory_run):
    run = inventory_run(
        rec("ch", "CH"),
        rec("za", "ZA", mechanism="scc_2021"),
        rec("jp", "JP"),
        rec("mx", "MX", mechanism="bcr"),
        rec("us", "US", dpf_certified="true"),
        rec("be", "BE"),
    )
    inv = insights.inventory(run)
    undisclosed = set(inv.loc[inv["disclosed_under"] == "not disclosed", "recipient_id"])
    assert undisclosed == set(run.of("TR-UNDISCLOSED-DESTINATION")["record_id"]) == {"ch", "za"}
