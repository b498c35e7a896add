"""Every check of the catalogue is declared, documented in the README and exercised by a test."""

import importlib.util
import re

from audit_lib.checks import load_checks
from audit_lib.cli import parser
from conftest import CATALOGUE, ROOT, SHARED

# catalogue 1.1's ids, kept here so the test holds without ../shared/spec/checks.md beside the project
SPEC_IDS = {
    "BR-LATE-NOTIFICATION",
    "BR-SUBJECTS-NOT-INFORMED",
    "DQ-DUPLICATE-KEY",
    "DQ-FUTURE-DATE",
    "DQ-INVALID-VALUE",
    "DQ-MISSING-REQUIRED",
    "DQ-ORPHAN-REFERENCE",
    "DSR-ERASURE-NOT-DONE",
    "DSR-OBJECTION-NOT-RECORDED",
    "DSR-OVERDUE",
    "DSR-RESTRICTION-NOT-HONOURED",
    "DSR-WITHDRAWAL-NOT-RECORDED",
    "LB-BASIS-MISMATCH",
    "LB-CONSENT-NO-PROOF",
    "LB-LI-NO-ASSESSMENT",
    "LB-NO-BASIS",
    "LB-NO-OPTOUT",
    "LB-PROFILING-AFTER-OBJECTION",
    "LB-PURPOSE-UNDECLARED",
    "LB-ROPA-GAP",
    "LB-SEND-AFTER-OBJECTION",
    "LB-SEND-AFTER-WITHDRAWAL",
    "LB-SEND-NO-CONSENT",
    "LB-SOURCE-NOT-INFORMED",
    "RET-CARD-DATA",
    "RET-CONNECTION-LOG-1Y",
    "RET-CUSTOMER-ARCHIVE-EXPIRED",
    "RET-CUSTOMER-NOT-ARCHIVED",
    "RET-FORMER-CUSTOMER-PROSPECTION",
    "RET-ID-DOCUMENT",
    "RET-PROSPECT-3Y",
    "SEC-CVV-STORED",
    "SEC-PAN-UNMASKED",
    "TR-INVALID-SCC",
    "TR-NO-DPA",
    "TR-NO-SAFEGUARD",
    "TR-NO-TIA",
    "TR-REVIEW-OVERDUE",
    "TR-UNDISCLOSED-DESTINATION",
    "TR-UNDISCLOSED-RECIPIENT",
}
_LOADER = importlib.util.spec_from_file_location("check_table", ROOT / "scripts" / "check_table.py")
check_table = importlib.util.module_from_spec(_LOADER)
_LOADER.loader.exec_module(check_table)
SPEC_ROW = re.compile(r"^\| ([A-Z]+-[A-Z0-9-]+) \|", re.M)


def readme_table_ids() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z]+-[A-Z0-9-]+)` \|", text, flags=re.M))


def test_the_kept_ids_are_those_of_the_spec_when_it_is_beside_the_project():
    spec = SHARED / "spec" / "checks.md"
    ids = set(SPEC_ROW.findall(spec.read_text(encoding="utf-8"))) if spec.exists() else SPEC_IDS
    assert ids == SPEC_IDS


def test_every_catalogue_check_is_declared_and_nothing_else():
    assert CATALOGUE == SPEC_IDS


def test_every_declared_check_is_in_the_readme_table():
    assert readme_table_ids() == {c.id for c in load_checks()}


def test_the_readme_check_table_is_the_generated_one():
    assert check_table.readme_block((ROOT / "README.md").read_text(encoding="utf-8")) == check_table.block()


def test_every_declared_check_is_exercised_by_a_test():
    tests = "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_docs.py"
    )
    assert sorted(c.id for c in load_checks() if f'"{c.id}"' not in tests) == []


def test_every_command_is_documented_with_an_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in parser()._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert f"gdpr-audit {name}" in readme
        assert "Example:" in (command.epilog or "")


def test_every_check_declares_where_its_rule_comes_from():
    for check in load_checks():
        assert check.policy_ref.startswith("§"), check.id
        assert check.legal_ref, check.id
        assert check.title and check.title[0].isupper(), check.id


def test_every_check_shows_a_policy_sentence():
    from audit_lib.policy import load_policy

    policy = load_policy()
    for check in load_checks():
        assert check.policy, f"{check.id} names no policy entry to quote"
        assert policy.quote_for(check.policy) in " ".join(policy.text().split()), check.id
