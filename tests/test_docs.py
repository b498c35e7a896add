"""Every check of the catalogue is declared, documented in the README and exercised by a test."""
import re

from audit_lib.checks import load_checks
from audit_lib.cli import parser
from conftest import CATALOGUE, ROOT


def readme_table_ids() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z]+-[A-Z0-9-]+)` \|", text, flags=re.M))


def test_every_catalogue_check_is_declared_and_nothing_else():
    assert {c.id for c in load_checks()} == CATALOGUE


def test_every_declared_check_is_in_the_readme_table():
    assert readme_table_ids() == {c.id for c in load_checks()}


def test_every_declared_check_is_exercised_by_a_test():
    tests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_docs.py")
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
