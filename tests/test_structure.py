"""The library's shape: no import cycle between its modules, no check special-cased by id in code."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

PACKAGE = ROOT / "audit_lib"


def _module(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path) -> set[str]:
    """The audit_lib modules a file imports, lazily inside a function too (a lazy import hides a cycle)."""
    module, found = _module(path), set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if base.startswith("audit_lib"):  # `from . import cache` imports the module, not the package
                subs = {f"{base}.{a.name}" for a in node.names}
                modules = {m for m in subs if (ROOT / (m.replace(".", "/") + ".py")).exists()}
                found |= modules or {base}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("audit_lib")}
    return found


def test_no_import_cycle_between_library_modules():
    paths = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: {i for i in _imports(p) if i in paths and i != m} for m, p in paths.items()}
    state: dict[str, int] = {}

    def visit(m: str, trail: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail[trail.index(n) :], n]))
            if n not in state:
                visit(n, [*trail, n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


def test_the_cache_module_does_not_import_the_extract_or_the_manifest():
    assert not {"audit_lib.extract", "audit_lib.manifest"} & _imports(PACKAGE / "cache.py")


def test_no_check_id_is_special_cased_in_the_runner():
    text = (PACKAGE / "run.py").read_text(encoding="utf-8")
    assert not re.search(r"[\"'](RET|LB|TR|DSR|BR|SEC|DQ)-[A-Z0-9-]+[\"']", text)


def _root_conftest():
    import importlib.util

    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    root = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root)
    return root


def test_make_test_runs_each_file_as_one_unit_of_work_and_renders_the_sample_once():
    """pytest-xdist's units (root conftest.py): a notebook's cells stay in one kernel, in order; the report
    and browser tests share the session's rendered sample."""
    root = _root_conftest()
    assert root.unit_of("notebooks/01_intake.ipynb::Cell 0") == root.unit_of("notebooks/01_intake.ipynb::Cell 9")
    assert root.unit_of("tests/test_report.py::test_x[tiny]") == root.unit_of("tests/test_browser.py::test_y")
    assert root.unit_of("tests/test_cache.py::test_a") != root.unit_of("tests/test_triage.py::test_a")


def test_the_units_are_handed_out_in_collection_order_longest_first():
    """The scheduler gives each worker the next unit in collection order (longest first), not xdist's
    order by number of tests, which sent the three longest units last."""
    from types import SimpleNamespace

    root = _root_conftest()
    config = SimpleNamespace(option=SimpleNamespace(loadscopereorder=True), getvalue=lambda name: ["2*popen"])
    scheduler = root.pytest_xdist_make_scheduler(config, None)
    sent = {}

    class Worker:
        def __init__(self, name):
            self.name, self.shutting_down, self.gateway = name, False, SimpleNamespace(id=name)

        def shutdown(self):
            self.shutting_down = True

        def send_runtest_some(self, indexes):
            sent.setdefault(self.name, []).append([collection[i].split("::")[0] for i in indexes])

    collection = ["tests/test_wheel.py::a", "tests/test_many.py::a", "tests/test_many.py::b", "tests/test_many.py::c"]
    collection += ["tests/test_small.py::a"]
    workers = [Worker("gw0"), Worker("gw1")]
    for w in workers:
        scheduler.add_node(w)
        scheduler.add_node_collection(w, collection)
    scheduler.schedule()
    assert {w: units[0] for w, units in sent.items()} == {
        "gw0": ["tests/test_wheel.py"],
        "gw1": ["tests/test_many.py"] * 3,
    }
    assert config.option.loadscopereorder is False
