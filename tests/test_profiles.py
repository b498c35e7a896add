"""Source profiles: real exports (tests/data/real, see PROVENANCE.md) read onto the canonical tables."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import shutil
import zoneinfo
from pathlib import Path

import openpyxl
import pytest

from audit_lib.cli import main
from audit_lib.errors import InputError
from audit_lib.extract import Extract
from audit_lib.intake.profiles import load_profile, shipped_profiles
from audit_lib.run import run_check
from conftest import write_extract

REAL = Path(__file__).parent / "data" / "real"
BXL = zoneinfo.ZoneInfo("Europe/Brussels")
UTC = dt.timezone.utc
AS_OF = dt.date(2026, 10, 31)


def copy_real(folder: Path, files: dict[str, str]) -> Path:
    """Copy real exports into an extract folder under the names a user would give them."""
    for target, real in files.items():
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REAL / real, folder / target)
    return folder


def edit_csv(path: Path, change) -> None:
    """Rewrite a real CSV (keeping its BOM) after ``change(header, rows)`` edits it in place."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    header, body = rows[0], rows[1:]
    change(header, body)
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        csv.writer(f).writerows([header, *body])


def set_cell(header: list[str], rows: list[list[str]], row_id: str, column: str, value: str) -> None:
    if column not in header:
        header.append(column)
        for r in rows:
            r.append("")
    for r in rows:
        if r[0] == row_id:
            r[header.index(column)] = value


def q(extract: Extract, sql: str) -> list[list]:
    """Rows as Python values (dates stay dates, timestamps are aware datetimes)."""
    return [list(r) for r in extract.con.execute(sql).fetchall()]


def dq(extract: Extract) -> set[tuple[str, str, str, str]]:
    f = extract.dq_findings()
    return set(zip(f["check_id"], f["table"], f["record_id"], f["observed"]))


def cli(tmp_path: Path, data: Path, *extra: str) -> int:
    return main(
        ["check", "--data", str(data), "--as-of", "2026-10-31", "--out", str(tmp_path / "out"), "--quiet", *extra]
    )


# ---------------------------------------------------------------- Salesforce, API names


def test_every_shipped_profile_is_valid():
    names = shipped_profiles()
    assert names == [
        "apache_combined",
        "hubspot_contacts",
        "ico_ropa",
        "mailchimp_cleaned",
        "mailchimp_subscribed",
        "mailchimp_unsubscribed",
        "salesforce_contact_api",
        "salesforce_contact_report",
        "salesforce_lead_api",
        "salesforce_lead_report",
    ]
    for name in names:
        assert load_profile(Path("audit_lib/profiles") / f"{name}.yaml").name == name


def test_salesforce_lead_and_contact_api_exports(tmp_path):
    data = copy_real(
        tmp_path / "x", {"Lead.csv": "sfdc_datacloud_Lead.csv", "Contact.csv": "sfdc_datacloud_Contact.csv"}
    )
    with Extract(data, AS_OF, profiles=["persons=salesforce_lead_api", "persons=salesforce_contact_api"]) as ex:
        counts = q(
            ex,
            "SELECT subject_type, count(*) AS n, count(last_contact_at) AS contacted "
            "FROM persons GROUP BY ALL ORDER BY 1",
        )
        assert counts == [["customer", 102, 75], ["prospect", 60, 27]]
        lead = q(ex, "SELECT collected_at, source, country FROM persons WHERE person_id = '00QEc00000BBaeXMAT'")
        # 2024-01-22T20:36:47.000+0000 is 21:36 in Brussels: the same calendar day
        assert lead == [[dt.date(2024, 1, 22), "website", "US"]]
        sources = q(ex, "SELECT source, count(*) FROM persons WHERE subject_type = 'prospect' GROUP BY ALL ORDER BY 1")
        assert sources == [["Cold Call", 25], ["Referral", 22], ["website", 13]]
        # blank LastActivityDate: last_contact_at is optional; future Birthdate is not mapped: no DQ finding
        assert dq(ex) == set()
        # no opt-out ticked in the export: the objections table is provided, and empty
        assert ex.provided == ["persons", "objections"]
        assert ex.sql("SELECT count(*) FROM objections_all").iloc[0, 0] == 0
        files = {(f.path.name, f.table, f.profile, f.encoding, f.rows) for f in ex.files}
        assert files == {
            ("Lead.csv", "persons", "salesforce_lead_api", "utf-8-sig", 60),
            ("Contact.csv", "persons", "salesforce_contact_api", "utf-8-sig", 102),
        }


def test_salesforce_api_opt_out_becomes_an_objection_with_brussels_time(tmp_path):
    data = copy_real(tmp_path / "x", {"Contact.csv": "sfdc_datacloud_Contact.csv"})
    edit_csv(
        data / "Contact.csv",
        lambda h, rows: (
            set_cell(h, rows, "003Ec00000CyOT7IAN", "HasOptedOutOfEmail", "1"),
            set_cell(h, rows, "003Ec00000CyOT7IAN", "DoNotCall", "true"),
        ),
    )
    with Extract(data, AS_OF, profiles=["persons=salesforce_contact_api"]) as ex:
        got = q(ex, "SELECT objection_id, person_id, scope, registered_at FROM objections ORDER BY 1")
        when = dt.datetime(2024, 1, 23, 3, 21, 49, tzinfo=BXL)  # 2024-01-23T02:21:49.000+0000
        assert [tuple(r) for r in got] == [
            ("003Ec00000CyOT7IAN-do-not-call", "003Ec00000CyOT7IAN", "phone", when),
            ("003Ec00000CyOT7IAN-email-opt-out", "003Ec00000CyOT7IAN", "email", when),
        ]


def test_brussels_midnight_utc_timestamp(tmp_path):
    data = copy_real(tmp_path / "x", {"Lead.csv": "sfdc_datacloud_Lead.csv"})
    edit_csv(
        data / "Lead.csv",
        lambda h, rows: (
            set_cell(h, rows, "00QEc00000BBaeXMAT", "CreatedDate", "2024-01-22T23:00:00.000+0000"),
            set_cell(h, rows, "00QEc00000BBaeYMAT", "CreatedDate", "2024-01-22T22:59:59.000+0000"),
        ),
    )
    with Extract(data, AS_OF, profiles=["persons=salesforce_lead_api"]) as ex:
        got = q(
            ex,
            "SELECT person_id, collected_at FROM persons WHERE person_id IN "
            "('00QEc00000BBaeXMAT', '00QEc00000BBaeYMAT') ORDER BY 1",
        )
        assert got == [["00QEc00000BBaeXMAT", dt.date(2024, 1, 23)], ["00QEc00000BBaeYMAT", dt.date(2024, 1, 22)]]


def test_unreadable_timestamp_is_a_data_quality_finding(tmp_path):
    data = copy_real(tmp_path / "x", {"Lead.csv": "sfdc_datacloud_Lead.csv"})
    edit_csv(data / "Lead.csv", lambda h, rows: set_cell(h, rows, "00QEc00000BBaeXMAT", "CreatedDate", "yesterday"))
    with Extract(data, AS_OF, profiles=["persons=salesforce_lead_api"]) as ex:
        # the column, the formats expected and the value's shape, never the value
        assert dq(ex) == {
            (
                "DQ-INVALID-VALUE",
                "persons",
                "00QEc00000BBaeXMAT",
                "cannot be read: collected_at (expected %Y-%m-%dT%H:%M:%S.%g%z or %Y-%m-%dT%H:%M:%S%z "
                "(salesforce_lead_api) or YYYY-MM-DD[ HH:MM[:SS]][±HH:MM]; got a value shaped aaaaaaaaa)",
            )
        }


def test_profile_missing_a_mapped_column_stops_with_one_line(tmp_path, capsys):
    data = copy_real(tmp_path / "x", {"Lead.csv": "sfdc_datacloud_Lead.csv"})

    def drop(header, rows):
        i = header.index("LastActivityDate")
        for r in [header, *rows]:
            del r[i]

    edit_csv(data / "Lead.csv", drop)
    assert cli(tmp_path, data, "--profile", "persons=salesforce_lead_api") == 2
    err = capsys.readouterr().err
    assert err == (
        "gdpr-audit: error: Lead.csv: missing column 'LastActivityDate' (profile salesforce_lead_api); "
        "a report export (labels such as 'Lead ID') reads with --profile persons=salesforce_lead_report; "
        "else add the export's header to the column's accepted names in your own profile "
        "(docs/profiles.md)\n"
    )


def test_profile_for_another_table_is_refused(tmp_path):
    data = copy_real(tmp_path / "x", {"Lead.csv": "sfdc_datacloud_Lead.csv"})
    with pytest.raises(
        InputError,
        match=r"^--profile consents=salesforce_lead_api: profile salesforce_lead_api "
        r"maps onto persons, not consents$",
    ):
        Extract(data, AS_OF, profiles=["consents=salesforce_lead_api"])


# ---------------------------------------------------------------- Salesforce, US-format reports


def test_salesforce_report_exports_without_creation_date(tmp_path):
    data = copy_real(tmp_path / "x", {"Lead.csv": "sfdc_demo_Lead.csv", "Contact.csv": "sfdc_demo_Contact.csv"})
    with Extract(data, AS_OF, profiles=["persons=salesforce_lead_report", "persons=salesforce_contact_report"]) as ex:
        # 22 leads of which 5 converted (they live on as contacts), 25 contacts
        counts = q(ex, "SELECT subject_type, count(*) FROM persons_all GROUP BY ALL ORDER BY 1")
        assert counts == [["customer", 25], ["prospect", 17]]
        contacted = q(ex, "SELECT DISTINCT last_contact_at FROM persons_all WHERE last_contact_at IS NOT NULL")
        assert contacted == [[dt.date(2026, 2, 23)]]
        # the demo reports have no CreatedDate: every person is missing collected_at, none is checked
        findings = dq(ex)
        assert {(c, t, o) for c, t, _, o in findings} == {("DQ-MISSING-REQUIRED", "persons", "missing: collected_at")}
        assert len(findings) == 42
        assert ex.sql("SELECT count(*) FROM persons").iloc[0, 0] == 0
        assert q(
            ex, "SELECT source, count(*) FROM persons_all WHERE subject_type = 'prospect' GROUP BY ALL ORDER BY 1"
        ) == [["Phone Inquiry", 3], ["database_rental", 6], ["partner", 4], ["website", 4]]


def test_report_times_are_local_time_us_format(tmp_path):
    data = copy_real(tmp_path / "x", {"Lead.csv": "sfdc_demo_Lead.csv"})
    edit_csv(
        data / "Lead.csv",
        lambda h, rows: (
            set_cell(h, rows, "00Qbm00000Orxk6EAB", "CreatedDate", "02/23/26 11:55 PM"),
            set_cell(h, rows, "00Qbm00000Orxk6EAB", "HasOptedOutOfEmail", "TRUE"),
        ),
    )
    with Extract(data, AS_OF, profiles=["persons=salesforce_lead_report"]) as ex:
        got = q(ex, "SELECT collected_at FROM persons WHERE person_id = '00Qbm00000Orxk6EAB'")
        assert got == [[dt.date(2026, 2, 23)]]  # 23:55 in Brussels, not the UTC date
        obj = q(ex, "SELECT objection_id, scope, registered_at FROM objections")
        # LastModifiedDate 02/23/26 08:55 PM, Brussels winter time = 19:55 UTC
        assert [tuple(r) for r in obj] == [
            ("00Qbm00000Orxk6EAB-email-opt-out", "email", dt.datetime(2026, 2, 23, 19, 55, tzinfo=UTC))
        ]


def test_dst_spring_forward_report_time(tmp_path):
    data = copy_real(tmp_path / "x", {"Lead.csv": "sfdc_demo_Lead.csv"})
    edit_csv(
        data / "Lead.csv",
        lambda h, rows: (
            set_cell(h, rows, "00Qbm00000Orxk6EAB", "HasOptedOutOfEmail", "TRUE"),
            set_cell(h, rows, "00Qbm00000Orxk6EAB", "LastModifiedDate", "03/29/26 03:30 AM"),
        ),
    )
    with Extract(data, AS_OF, profiles=["persons=salesforce_lead_report"]) as ex:
        obj = q(ex, "SELECT registered_at FROM objections")
        # 03:30 on the spring-forward day is summer time (UTC+2)
        assert obj == [[dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)]]


# ---------------------------------------------------------------- ICO ROPA workbook (Fides export)


def test_ico_ropa_workbook_header_on_row_9(tmp_path):
    data = copy_real(tmp_path / "x", {"fides_datamap_ropa_2022-10-24.xlsx": "fides_datamap_ropa_2022-10-24.xlsx"})
    with Extract(data, AS_OF, profiles=["processing_activities=ico_ropa"]) as ex:
        got = ex.sql(
            "SELECT activity_id, purpose_id, owner, lawful_basis, data_categories, recipients, retention_rule "
            "FROM processing_activities_all ORDER BY _row"
        )
        assert got["activity_id"].tolist() == [f"ropa-{i}" for i in range(1, 9)]
        assert got["purpose_id"].tolist() == ["System"] * 7 + ["Advertising, Marketing or Promotion"]
        assert got["owner"].tolist() == ["Engineering"] * 7 + ["Marketing"]
        # "N/A" is empty: no lawful basis, no recipients, no retention schedule on rows 2, 5, 8
        assert got["lawful_basis"].isna().all() and got["recipients"].isna().all()
        assert got["retention_rule"].isna().tolist() == [False, True, False, False, True, False, False, True]
        assert [list(c) for c in got["data_categories"]][:2] == [["system.operations"], ["user.contact"]]
        assert dq(ex) == set()
        assert set(run_check(ex, "LB-NO-BASIS")["record_id"]) == {f"ropa-{i}" for i in range(1, 9)}


def test_ico_ropa_lawful_basis_text_and_lists_in_one_cell(tmp_path):
    data = copy_real(tmp_path / "x", {"ropa.xlsx": "fides_datamap_ropa_2022-10-24.xlsx"})
    wb = openpyxl.load_workbook(data / "ropa.xlsx")
    ws = wb.active
    ws["O10"], ws["O11"], ws["O12"] = "(f) Legitimate interests", "Consent", "Art. 6(1)(b)"
    ws["O13"] = "because we can"
    ws["G10"], ws["H10"] = "user.name, user.contact.email", "Processors, Subsidiaries"
    wb.save(data / "ropa.xlsx")
    with Extract(data, AS_OF, profiles=["processing_activities=ico_ropa"]) as ex:
        got = ex.sql(
            "SELECT lawful_basis, data_categories, recipients FROM processing_activities_all "
            "WHERE activity_id IN ('ropa-1', 'ropa-2', 'ropa-3', 'ropa-4') ORDER BY _row"
        )
        assert got["lawful_basis"].tolist() == ["legitimate_interests", "consent", "contract", "because we can"]
        assert list(got["data_categories"][0]) == ["user.name", "user.contact.email"]
        assert list(got["recipients"][0]) == ["Processors", "Subsidiaries"]
        assert set(run_check(ex, "LB-NO-BASIS")["record_id"]) == {"ropa-4", "ropa-5", "ropa-6", "ropa-7", "ropa-8"}


# ---------------------------------------------------------------- Apache / Nginx Combined Log Format


def test_apache_log_folder_of_gz_files_loads_through_the_same_path(tmp_path):
    lines = (REAL / "elastic_apache_combined_5k.log").read_bytes().splitlines(keepends=True)
    folder = tmp_path / "x" / "connection_logs"
    folder.mkdir(parents=True)
    for i, part in enumerate([lines[:2000], lines[2000:]]):
        with gzip.open(folder / f"access-{i}.log.gz", "wb") as f:
            f.writelines(part)
    with Extract(tmp_path / "x", AS_OF) as ex:
        got = q(
            ex, "SELECT count(*), min(ts), max(ts), count(ip), count(person_id), count(user_agent) FROM connection_logs"
        )
        assert got == [
            [
                5000,
                dt.datetime(2015, 5, 17, 10, 5, 0, tzinfo=UTC),
                dt.datetime(2015, 5, 19, 3, 5, 59, tzinfo=UTC),
                5000,
                0,
                4858,
            ]
        ]
        assert {(f.path.name, f.profile, f.rows) for f in ex.files} == {
            ("access-0.log.gz", "apache_combined", 2000),
            ("access-1.log.gz", "apache_combined", 3000),
        }
        assert dq(ex) == set()
        assert set(zip(*[run_check(ex, "RET-CONNECTION-LOG-1Y")[c] for c in ("record_id", "count")])) == {
            ("2015-05", 5000)
        }


def test_apache_log_chosen_by_profile_and_a_bad_line(tmp_path, capsys):
    data = tmp_path / "x"
    data.mkdir()
    lines = (REAL / "elastic_apache_combined_5k.log").read_text().splitlines(keepends=True)[:10]
    (data / "access.log").write_text("".join(lines) + "this is not a log line\n")
    assert cli(tmp_path, data, "--profile", "connection_logs=apache_combined") == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [(i["path"], i["table"], i["profile"], i["rows"], i["unparsed"]) for i in manifest["inputs"]] == [
        ("access.log", "connection_logs", "apache_combined", 10, 1)
    ]
    findings = (tmp_path / "out" / "findings.csv").read_text()
    assert "83.149.9.216" not in findings  # the IP is read, never reported
    rows = list(csv.DictReader(findings.splitlines()))
    assert [(r["check_id"], r["record_id"], r["count"]) for r in rows if r["check_id"].startswith("DQ-")] == [
        ("DQ-INVALID-VALUE", "unparseable access.log", "1")
    ]


# ---------------------------------------------------------------- HubSpot and Mailchimp (layouts from public code)

HUBSPOT_HEADER = [
    "Record ID",
    "First Name",
    "Last Name",
    "Create Date",
    "Email",
    "Last Activity Date",
    "Last Modified Date",
    "Legal basis for processing contact's data",
    "Lifecycle Stage",
    "Unsubscribed from all email",
    "höbbela",
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> None:
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows([header, *rows])


def test_hubspot_contacts_export(tmp_path):
    data = tmp_path / "x"
    data.mkdir()
    write_csv(
        data / "hubspot-crm-exports-all-contacts-2026-10-30.csv",
        HUBSPOT_HEADER,
        [
            [
                "101",
                "Ann",
                "A",
                "2023-02-21 10:15",
                "ann@example.com",
                "2026-03-01 23:30",
                "2026-05-02 09:00",
                "Freely given consent from contact",
                "Subscriber",
                "false",
                "ja",
            ],
            [
                "102",
                "Bob",
                "B",
                "2021-12-31 23:30",
                "bob@example.com",
                "",
                "2026-06-01 12:00",
                "Legitimate interest – prospect/lead",
                "Customer",
                "true",
                "",
            ],
            ["103", "Cy", "C", "2024-01-01 00:00", "cy@example.com", "", "", "", "Partner", "", ""],
        ],
    )
    with Extract(data, AS_OF, profiles=["persons=hubspot_contacts"]) as ex:
        persons = q(ex, "SELECT person_id, subject_type, collected_at, last_contact_at FROM persons_all ORDER BY 1")
        assert [tuple(r) for r in persons] == [
            ("101", "prospect", dt.date(2023, 2, 21), dt.date(2026, 3, 1)),
            ("102", "customer", dt.date(2021, 12, 31), None),
            ("103", None, dt.date(2024, 1, 1), None),
        ]
        assert dq(ex) == {
            (
                "DQ-INVALID-VALUE",
                "persons",
                "103",
                "cannot be read: subject_type (expected one of customer/prospect; got a value shaped aaaaaaa)",
            )
        }
        obj = q(ex, "SELECT objection_id, person_id, scope, registered_at FROM objections")
        assert [tuple(r) for r in obj] == [
            ("102-unsubscribed", "102", "email", dt.datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
        ]
        consent = q(ex, "SELECT consent_id, person_id, purpose, status, recorded_at, proof_ref FROM consents")
        assert [tuple(r) for r in consent] == [
            (
                "101-hubspot-consent",
                "101",
                "email_marketing",
                "granted",
                dt.datetime(2023, 2, 21, 9, 15, tzinfo=UTC),
                None,
            )
        ]


MC_UNSUB_HEADER = [
    "Email Address",
    "Name",
    "UNSUB_CAMPAIGN_ID",
    "UNSUB_REASON",
    "UNSUB_TIME",
    "UNSUB_CAMPAIGN_TITLE",
    "UNSUB_CAMPAIGN_ID",
    "UNSUB_REASON",
    "UNSUB_REASON_OTHER",
    "MEMBER_RATING",
    "OPTIN_TIME",
    "OPTIN_IP",
    "CONFIRM_TIME",
    "CONFIRM_IP",
    "LATITUDE",
    "LONGITUDE",
    "GMTOFF",
    "DSTOFF",
    "TIMEZONE",
    "CC",
    "REGION",
    "LAST_CHANGED",
    "LEID",
    "EUID",
    "NOTES",
]
MC_HEADER = [
    "Email Address",
    "First Name",
    "Last Name",
    "MEMBER_RATING",
    "OPTIN_TIME",
    "OPTIN_IP",
    "CONFIRM_TIME",
    "CONFIRM_IP",
    "LATITUDE",
    "LONGITUDE",
    "GMTOFF",
    "DSTOFF",
    "TIMEZONE",
    "CC",
    "REGION",
    "LAST_CHANGED",
    "LEID",
    "EUID",
    "NOTES",
]


def mc_row(email: str, optin: str, confirm: str, leid: str, optin_ip: str = "", confirm_ip: str = "") -> list[str]:
    return [
        email,
        "X",
        "Y",
        "2",
        optin,
        optin_ip,
        confirm,
        confirm_ip,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "2025-01-01 00:00:00",
        leid,
        "e",
        "",
    ]


def test_mailchimp_audience_export_becomes_consents(tmp_path):
    data = write_extract(
        tmp_path / "x",
        {
            "persons": [
                {
                    "person_id": "p1",
                    "subject_type": "prospect",
                    "collected_at": "2025-01-01",
                    "email": "Ann@Example.com",
                },
                {
                    "person_id": "p2",
                    "subject_type": "prospect",
                    "collected_at": "2025-01-01",
                    "email": "bob@example.com",
                },
                {
                    "person_id": "p3",
                    "subject_type": "customer",
                    "collected_at": "2025-01-01",
                    "email": "cy@example.com",
                },
            ]
        },
    )
    export = data / "members_export_abc"
    export.mkdir()
    write_csv(
        export / "subscribed_members_export_abc.csv",
        MC_HEADER,
        [
            mc_row("ann@example.com", "2025-06-30 22:00:00", "2025-06-30 22:30:00", "11"),
            mc_row("nobody@example.com", "2025-07-01 08:00:00", "", "12", optin_ip="198.51.100.7"),
        ],
    )
    unsub = [
        "bob@example.com",
        "Bob",
        "c1",
        "NORMAL",
        "2026-03-29 01:30:00",
        "Spring",
        "c1",
        "NORMAL",
        "",
        "2",
        "2025-02-01 10:00:00",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "2026-03-29 01:30:00",
        "13",
        "e",
        "",
    ]
    write_csv(export / "unsubscribed_members_export_abc.csv", MC_UNSUB_HEADER, [unsub])
    write_csv(export / "cleaned_members_export_abc.csv", MC_HEADER, [mc_row("cy@example.com", "", "", "14")])
    (data / "extract.yaml").write_text(
        "files:\n"
        "  members_export_abc/subscribed_members_export_abc.csv: mailchimp_subscribed\n"
        "  members_export_abc/unsubscribed_members_export_abc.csv: mailchimp_unsubscribed\n"
        "  members_export_abc/cleaned_members_export_abc.csv: mailchimp_cleaned\n"
    )
    with Extract(data, AS_OF) as ex:
        got = q(ex, "SELECT consent_id, person_id, status, recorded_at, proof_ref FROM consents_all ORDER BY 1")
        assert [tuple(r) for r in got] == [
            # Mailchimp times are UTC; the e-mail is matched case-insensitively to persons; a double
            # opt-in only where the confirmation is later than the opt-in, a sign-up with its IP, else no proof
            (
                "mailchimp-11-granted",
                "p1",
                "granted",
                dt.datetime(2025, 6, 30, 22, 30, tzinfo=UTC),
                "mailchimp double opt-in confirmed 2025-06-30 22:30:00",
            ),
            (
                "mailchimp-12-granted",
                None,
                "granted",
                dt.datetime(2025, 7, 1, 8, 0, tzinfo=UTC),
                "mailchimp sign-up 2025-07-01 08:00:00 with IP recorded",
            ),
            ("mailchimp-13-granted", "p2", "granted", dt.datetime(2025, 2, 1, 10, 0, tzinfo=UTC), None),
            ("mailchimp-13-withdrawn", "p2", "withdrawn", dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC), None),
            ("mailchimp-14-granted", "p3", "granted", None, None),
        ]
        # an address not in persons and a member with no opt-in time: findings by consent id, no address
        assert dq(ex) == {
            ("DQ-MISSING-REQUIRED", "consents", "mailchimp-12-granted", "missing: person_id"),
            ("DQ-MISSING-REQUIRED", "consents", "mailchimp-14-granted", "missing: recorded_at"),
        }
        assert {(f.path.name, f.profile) for f in ex.files} == {
            ("persons.csv", "canonical"),
            ("subscribed_members_export_abc.csv", "mailchimp_subscribed"),
            ("unsubscribed_members_export_abc.csv", "mailchimp_unsubscribed"),
            ("cleaned_members_export_abc.csv", "mailchimp_cleaned"),
        }


def test_mailchimp_without_persons_is_refused(tmp_path):
    data = tmp_path / "x"
    data.mkdir()
    write_csv(data / "subscribed_members_export_abc.csv", MC_HEADER, [mc_row("a@example.com", "", "", "1")])
    with pytest.raises(
        InputError,
        match=r"^profile mailchimp_subscribed: looks up persons.email, but persons is "
        r"not provided$",
    ):
        Extract(data, AS_OF, profiles=["consents=mailchimp_subscribed"])


# ---------------------------------------------------------------- a user's own profile, no code change

ACME = """\
name: acme_crm
table: persons
format: csv
match: "acme-*.csv"
delimiter: ";"
encoding: cp1252
columns:
  person_id: Klantnr
  subject_type: Soort
  collected_at: Aangemaakt
  email: E-mail
value_maps:
  subject_type: {Klant: customer, Prospect: prospect}
timestamp_formats:
  collected_at: "%d-%m-%Y"
null_values: ["onbekend"]
"""


def acme_extract(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "acme-2026-10.csv").write_bytes(
        "Klantnr;Soort;Aangemaakt;E-mail\n000123;Klant;31-12-2022;a@example.com\n"
        "000124;Prospect;onbekend;b@example.com\n000125;Prospect;01-11-2020;café@example.com\n".encode("cp1252")
    )
    (folder / "consents.csv").write_text("consent_id,person_id,purpose,status,recorded_at\n")
    return folder


def test_user_profile_in_the_extract_folder_named_by_extract_yaml(tmp_path):
    data = acme_extract(tmp_path / "x")
    (data / "profiles").mkdir()
    (data / "profiles" / "acme_crm.yaml").write_text(ACME)
    (data / "extract.yaml").write_text("files:\n  acme-2026-10.csv: acme_crm\n")
    assert cli(tmp_path, data) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [
        (i["path"], i["table"], i["profile"], i["encoding"], i["delimiter"], i["rows"]) for i in manifest["inputs"]
    ] == [
        ("acme-2026-10.csv", "persons", "acme_crm", "cp1252", ";", 3),
        ("consents.csv", "consents", "canonical", "utf-8", ",", 0),
    ]
    rows = list(csv.DictReader((tmp_path / "out" / "findings.csv").read_text().splitlines()))
    found = {(r["check_id"], r["record_id"]) for r in rows}
    assert ("DQ-MISSING-REQUIRED", "000124") in found  # "onbekend" is empty
    assert ("RET-PROSPECT-3Y", "000125") in found  # collected 2020-11-01, prospect, leading zeros kept


def test_user_profile_from_profile_dir_on_the_command_line(tmp_path):
    data = acme_extract(tmp_path / "x")
    mine = tmp_path / "my_profiles"
    mine.mkdir()
    (mine / "acme_crm.yaml").write_text(ACME)
    assert cli(tmp_path, data, "--profile-dir", str(mine), "--profile", "persons=acme_crm") == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [(i["path"], i["profile"]) for i in manifest["inputs"]] == [
        ("acme-2026-10.csv", "acme_crm"),
        ("consents.csv", "canonical"),
    ]


def test_invalid_user_profile_is_one_line(tmp_path, capsys):
    data = acme_extract(tmp_path / "x")
    (data / "profiles").mkdir()
    (data / "profiles" / "acme_crm.yaml").write_text(ACME.replace("  email: E-mail", "  mail: E-mail"))
    assert cli(tmp_path, data, "--profile", "persons=acme_crm") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("gdpr-audit: error: profile ") and err[0].endswith(
        "acme_crm.yaml: columns: 'mail' is not a column of persons (person_id, subject_type, collected_at, source, "
        "last_contact_at, relationship_end_at, archived, legal_hold, art14_notice_at, first_name, last_name, email, "
        "phone, postal_address, country, company, job_title, linkedin_url, company_number)"
    )


def test_unknown_profile_name_lists_the_known_ones(tmp_path):
    data = acme_extract(tmp_path / "x")
    with pytest.raises(InputError, match=r"^profile nope: not found \(known profiles: apache_combined, "):
        Extract(data, AS_OF, profiles=["persons=nope"])


def test_canonical_file_and_profile_rows_are_stacked(tmp_path):
    data = write_extract(
        tmp_path / "x",
        {
            "objections": [
                {
                    "objection_id": "o1",
                    "email": "x@example.com",
                    "scope": "all_prospection",
                    "registered_at": "2026-01-01",
                }
            ]
        },
    )
    copy_real(data, {"Contact.csv": "sfdc_datacloud_Contact.csv"})
    edit_csv(data / "Contact.csv", lambda h, rows: set_cell(h, rows, "003Ec00000CyOT7IAN", "HasOptedOutOfEmail", "1"))
    with Extract(data, AS_OF, profiles=["persons=salesforce_contact_api"]) as ex:
        got = q(ex, "SELECT objection_id, scope FROM objections ORDER BY 1")
        assert got == [["003Ec00000CyOT7IAN-email-opt-out", "email"], ["o1", "all_prospection"]]
        assert {(f.path.name, f.table, f.profile) for f in ex.files} == {
            ("objections.csv", "objections", "canonical"),
            ("Contact.csv", "persons", "salesforce_contact_api"),
        }
        # the canonical file's rows are its own: counted and named apart from the profile's
        assert {f.path.name: f.rows for f in ex.files}["objections.csv"] == 1
        named = q(ex, "SELECT objection_id, _file FROM objections_all ORDER BY 1")
        assert [[oid, file and Path(file).name] for oid, file in named] == [
            ["003Ec00000CyOT7IAN-email-opt-out", None],
            ["o1", "objections.csv"],
        ]
