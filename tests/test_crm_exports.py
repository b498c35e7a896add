"""CRM and e-mail exports as people download them (issue 13): renamed and localised columns, day-first
and month-first dates, Mailchimp proof, tables a profile cannot fill, profiles applied by file name."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from audit_lib.cli import main
from audit_lib.extract import Extract
from audit_lib.nb import open_run

LABELS = ["Lead ID", "Created Date", "Converted", "Email Opt Out", "Lead Source", "Status"]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows([header, *rows])


def run(tmp_path: Path, data: Path, *args: str) -> int:
    return main(
        ["check", "--data", str(data), "--as-of", "2026-10-31", "--out", str(tmp_path / "out"), "--quiet", *args]
    )


def findings(tmp_path: Path) -> list[tuple[str, str]]:
    with open(tmp_path / "out" / "findings.csv", newline="", encoding="utf-8-sig") as f:
        return sorted((r["check_id"], r["record_id"].lstrip("'")) for r in csv.DictReader(f))


def manifest(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))


def collected(ex: Extract) -> dict[str, dt.date]:
    return {p: d for p, d in ex.con.execute("SELECT person_id, local_date(collected_at) FROM persons").fetchall()}


def lead_report(folder: Path, dates: list[str]) -> Path:
    """A Salesforce lead report exported with field labels (Export > Details only), cp1252."""
    rows = [[f"00Q{i:03d}", d, "FALSE", "FALSE", "Website", "Open"] for i, d in enumerate(dates)]
    write_csv(folder / "Lead.csv", LABELS, rows, encoding="cp1252")
    return folder


def test_day_first_export_is_detected_from_a_day_above_12_and_recorded(tmp_path):
    data = lead_report(tmp_path / "x", ["26-05-2021 17:27", "06-08-2020 15:38"])
    assert run(tmp_path, data, "--profile", "persons=salesforce_lead_report") == 0
    with Extract(data, dt.date(2026, 10, 31), profiles=["persons=salesforce_lead_report"]) as ex:
        assert collected(ex) == {"00Q000": dt.date(2021, 5, 26), "00Q001": dt.date(2020, 8, 6)}
    applied = manifest(tmp_path)["profiles"]["applied"][0]
    assert (applied["profile"], applied["date_order"]) == ("salesforce_lead_report", "DMY")
    assert applied["date_order_note"] == "detected: 1 date(s) readable day-first only"
    assert findings(tmp_path) == [("RET-PROSPECT-3Y", "00Q000"), ("RET-PROSPECT-3Y", "00Q001")]


def test_month_first_export_is_detected_the_same_way(tmp_path):
    data = lead_report(tmp_path / "x", ["05-26-2021 17:27", "06-08-2020 15:38"])
    with Extract(data, dt.date(2026, 10, 31), profiles=["persons=salesforce_lead_report"]) as ex:
        assert collected(ex) == {"00Q000": dt.date(2021, 5, 26), "00Q001": dt.date(2020, 6, 8)}


def test_ambiguous_dates_follow_the_run_setting_or_the_profile_as_written(tmp_path):
    data = lead_report(tmp_path / "x", ["06-08-2020 15:38"])
    with Extract(data, dt.date(2026, 10, 31), profiles=["persons=salesforce_lead_report"]) as ex:
        assert collected(ex) == {"00Q000": dt.date(2020, 6, 8)}  # undecided: the profile's month-first
    assert run(tmp_path, data, "--profile", "persons=salesforce_lead_report", "--date-order", "DMY") == 0
    with Extract(data, dt.date(2026, 10, 31), profiles=["persons=salesforce_lead_report"], date_order="DMY") as ex:
        assert collected(ex) == {"00Q000": dt.date(2020, 8, 6)}
    profiles = manifest(tmp_path)["profiles"]
    assert (profiles["date_order"], profiles["applied"][0]["date_order_note"]) == (
        "DMY",
        "set for the run (--date-order)",
    )


def test_dates_both_ways_in_one_export_stop_with_the_option_to_set(tmp_path, capsys):
    data = lead_report(tmp_path / "x", ["26-05-2021 17:27", "05-26-2021 17:27"])
    assert run(tmp_path, data, "--profile", "persons=salesforce_lead_report") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--date-order DMY or MDY" in err


def test_unreadable_date_shows_its_shape_and_the_formats_never_the_value(tmp_path):
    data = lead_report(tmp_path / "x", ["26-05-2021 17:27", "on 3rd May"])
    with Extract(data, dt.date(2026, 10, 31), profiles=["persons=salesforce_lead_report"]) as ex:
        dq = ex.dq_findings()
        observed = dq[dq["check_id"] == "DQ-INVALID-VALUE"]["observed"].tolist()
    assert len(observed) == 1
    # the formats as the detected day-first order reads them
    assert observed[0].startswith("cannot be read: collected_at (expected %d/%m/%y %I:%M %p or ")
    assert "%d-%m-%Y %H:%M" in observed[0] and observed[0].endswith("got a value shaped aa daa aaa)")
    assert "May" not in observed[0]


def test_missing_column_names_file_column_profile_and_what_would_read_it(tmp_path, capsys):
    data = lead_report(tmp_path / "x", ["26-05-2021 17:27"])
    assert run(tmp_path, data, "--profile", "persons=salesforce_lead_api") == 2
    err = capsys.readouterr().err
    assert err == (
        "gdpr-audit: error: Lead.csv: missing column 'Id' (profile salesforce_lead_api); a report export "
        "(labels such as 'Lead ID') reads with --profile persons=salesforce_lead_report; else add the "
        "export's header to the column's accepted names in your own profile (docs/profiles.md)\n"
    )


def test_a_file_matching_two_shipped_profiles_stops_with_the_profile_to_add(tmp_path, capsys):
    data = lead_report(tmp_path / "x", ["26-05-2021 17:27"])
    assert run(tmp_path, data) == 2
    err = capsys.readouterr().err
    assert err == (
        "gdpr-audit: error: Lead.csv: matches several shipped profiles; add --profile "
        "persons=salesforce_lead_api or --profile persons=salesforce_lead_report\n"
    )


def test_hubspot_default_view_is_applied_by_its_name_and_says_what_is_missing(tmp_path, capsys):
    data = tmp_path / "x"
    write_csv(
        data / "hubspot-crm-exports-all-contacts-2026-02-10.csv",
        ["Record ID", "First Name", "Last Name", "Email", "Last Activity Date", "Lead Status", "Create Date"],
        [
            ["101", "Ann", "", "ann@example.com", "", "", "2023-01-20 14:55"],
            ["102", "Bob", "", "bob@example.com", "", "", "2023-11-20 14:55"],
        ],
    )
    assert main(["check", "--data", str(data), "--as-of", "2026-10-31", "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "hubspot-crm-exports-all-contacts-2026-02-10.csv: read through profile hubspot_contacts" in err
    assert "subject_type: not in the export, taken as 'prospect'" in err
    # no Lifecycle Stage: every contact is a prospect (3 years from creation); 2023-01-20 is past, 2023-11-20 not
    assert findings(tmp_path) == [("RET-PROSPECT-3Y", "101")]
    m = manifest(tmp_path)
    assert m["profiles"]["applied"][0]["auto"] is True
    # the default view has no unsubscribe or legal-basis column: those tables are not provided
    assert {"objections", "consents"} <= set(m["tables_not_provided"])


def test_no_opt_out_column_leaves_objections_not_provided(tmp_path):
    data = tmp_path / "x"
    header = [
        "Id",
        "FirstName",
        "LastName",
        "CreatedDate",
        "LastActivityDate",
        "LeadSource",
        "Email",
        "Phone",
        "MailingStreet",
        "MailingCountry",
        "Title",
        "LastModifiedDate",
    ]
    write_csv(
        data / "Contact.csv",
        header,
        [
            [
                "003A",
                "Luc",
                "Nowak",
                "2020-10-13T20:00:38.000+0000",
                "",
                "",
                "l@x.be",
                "",
                "",
                "BE",
                "",
                "2020-10-13T20:00:38.000+0000",
            ]
        ],
    )
    assert run(tmp_path, data, "--profile", "persons=salesforce_contact_api") == 0
    m = manifest(tmp_path)
    assert m["tables_provided"] == ["persons"] and "objections" in m["tables_not_provided"]
    assert manifest(tmp_path)["checks"]["LB-SEND-AFTER-OBJECTION"]["status"] == "not_run"


MC = ["Email", "First Name", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LEID"]


def test_mailchimp_email_header_and_proof_from_what_the_export_shows(tmp_path):
    data = tmp_path / "x"
    write_csv(
        data / "persons.csv",
        ["person_id", "subject_type", "collected_at", "email"],
        [[f"p{i}", "prospect", "2026-01-01", f"m{i}@example.com"] for i in range(4)],
    )
    write_csv(
        data / "members_export_1" / "subscribed_members_export_1.csv",
        MC,
        [
            ["M0@example.com", "A", "2026-01-10 09:00:00", "", "2026-01-10 09:00:00", "", "10"],  # bulk import
            ["m1@example.com", "B", "2026-01-10 09:00:00", "", "2026-01-10 09:05:00", "", "11"],  # double opt-in
            ["m2@example.com", "C", "2026-01-10 09:00:00", "", "2026-01-10 09:00:00", "198.51.100.9", "12"],  # sign-up
            ["m3@example.com", "D", "2026-01-10 09:00:00", "198.51.100.8", "", "", "13"],  # sign-up
        ],
    )
    assert run(tmp_path, data, "--profile", "consents=mailchimp_subscribed") == 0
    assert [f for f in findings(tmp_path) if f[0].startswith("LB-CONSENT")] == [
        ("LB-CONSENT-NO-PROOF", "mailchimp-10-granted")
    ]
    with Extract(data, dt.date(2026, 10, 31), profiles=["consents=mailchimp_subscribed"]) as ex:
        got = ex.con.execute("SELECT consent_id, person_id, proof_ref FROM consents ORDER BY 1").fetchall()
    assert got == [
        ("mailchimp-10-granted", "p0", None),
        ("mailchimp-11-granted", "p1", "mailchimp double opt-in confirmed 2026-01-10 09:05:00"),
        ("mailchimp-12-granted", "p2", "mailchimp sign-up 2026-01-10 09:00:00 with IP recorded"),
        ("mailchimp-13-granted", "p3", "mailchimp sign-up 2026-01-10 09:00:00 with IP recorded"),
    ]
    assert "198.51.100" not in (tmp_path / "out" / "findings.csv").read_text()


def test_notebooks_take_the_profiles_from_the_run_not_the_environment(tmp_path):
    data = lead_report(tmp_path / "x", ["26-05-2021 17:27"])
    assert run(tmp_path, data, "--profile", "persons=salesforce_lead_report", "--date-order", "DMY") == 0
    run_ = open_run(str(data), "2026-10-31", run_dir=str(tmp_path / "out"))
    assert collected(run_.extract) == {"00Q000": dt.date(2021, 5, 26)}
    run_.extract.close()


def _doc_block(after: str) -> str:
    """The first ```yaml block after a heading of docs/profiles.md (the worked examples are run as written)."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "profiles.md").read_text(encoding="utf-8")
    rest = text[text.index(after) :]
    start = rest.index("```yaml\n") + len("```yaml\n")
    return rest[start : rest.index("```", start)]


def test_the_documented_french_crm_profile_reads_day_first_dates_and_opt_outs(tmp_path):
    data = tmp_path / "x"
    (data / "profiles").mkdir(parents=True)
    (data / "profiles" / "crm_fr_leads.yaml").write_text(
        _doc_block("## Worked example: a CRM export in another language"), encoding="utf-8"
    )
    (data / "leads_2026-10.csv").write_text(
        "Référence;Créé le;Adresse e-mail;Désabonné;Modifié le\n"
        "L-001;09/06/2026 16:14;ann@example.be;non;09/06/2026 16:14\n"
        "L-002;26/05/2021 17:27;bob@example.be;oui;02/03/2026 10:00\n",
        encoding="utf-8",
    )
    with Extract(data, dt.date(2026, 10, 31), profiles=["persons=crm_fr_leads"]) as ex:
        assert collected(ex) == {"L-001": dt.date(2026, 6, 9), "L-002": dt.date(2021, 5, 26)}
        assert ex.con.execute("SELECT objection_id, local_date(registered_at) FROM objections").fetchall() == [
            ("L-002-desabonne", dt.date(2026, 3, 2))
        ]
        assert ex.dq_findings().empty


def test_a_header_only_export_is_provided_with_zero_rows_and_said(tmp_path, capsys):
    data = tmp_path / "x"
    header = [
        "Id",
        "FirstName",
        "LastName",
        "CreatedDate",
        "LastActivityDate",
        "LeadSource",
        "Email",
        "Phone",
        "Street",
        "Country",
        "Company",
        "Title",
        "IsConverted",
    ]
    write_csv(data / "Lead.csv", header, [])
    assert run(tmp_path, data, "--profile", "persons=salesforce_lead_api") == 0
    assert "  0 rows read from: Lead.csv" in capsys.readouterr().out.splitlines()
    m = manifest(tmp_path)
    assert (m["tables_provided"], [(i["path"], i["rows"]) for i in m["inputs"]]) == (["persons"], [("Lead.csv", 0)])
