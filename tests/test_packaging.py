"""environment.yml (conda users) and pyproject.toml (pip users) declare the same dependencies."""

import re
import tomllib

import yaml

from conftest import ROOT

CONDA_NAMES = {"python-duckdb": "duckdb"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in project["dependencies"]}
    pip_names |= {_name(r) for r in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    conda_names = {CONDA_NAMES.get(_name(d), _name(d)) for d in conda} - {"python", "pip"}
    assert conda_names == pip_names


def test_environment_yml_installs_the_package_with_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-e ."]


def test_console_script_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"gdpr-audit": "audit_lib.cli:entry"}


def test_every_subpackage_and_the_notebooks_ship_in_the_wheel():
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "audit_lib").rglob("__init__.py")}
    assert set(tool["packages"]) == found | {"audit_lib.notebooks"}
    assert tool["package-dir"]["audit_lib.notebooks"] == "notebooks"
    assert (ROOT / "notebooks" / "__init__.py").is_file()
    assert tool["package-data"]["audit_lib.notebooks"] == ["*.ipynb"]
