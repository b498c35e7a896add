"""Collection for the whole suite (tests/ and the notebooks nbval runs): slow marks and units of work.

``make test`` runs the tests on every core (pytest-xdist, ``-n logical``) with the scheduler below: each
file is one unit of work, so its module fixtures are built once and a notebook's cells run in order in
one kernel; the files that share the session's rendered sample form one unit (it is rendered once); the
longest units go first, so no core waits alone at the end (collection order is kept: xdist's own
reordering, by number of tests, sent the three longest units last and left one core idle for 36 s).
xdist's own ``--dist loadgroup`` cannot be used: it renames node ids, which pytest 9.2 no longer allows.
"""

import pytest

SAME_UNIT = {"tests/test_report.py": "sample_report", "tests/test_browser.py": "sample_report"}
# seconds per unit on this machine under -n logical (2 December): 52, 31, 25, 25, 19, 14, 12, 11, 11, 10, 8, 7
LONGEST_FIRST = [
    "test_report.py",
    "test_browser.py",
    "test_benchmarks.py",
    "test_jupyterlab.py",
    "test_sample.py",
    "test_hostile_input.py",
    "test_wheel.py",
    "test_transfers.py",
    "test_lawful_basis.py",
    "test_kernels.py",
    "test_real_cases.py",
    "test_triage.py",
    "test_profiles.py",
    "test_retention.py",
]


def unit_of(nodeid: str) -> str:
    """The unit of work of a test: its file, or the group of files sharing an expensive fixture."""
    path = nodeid.split("::", 1)[0]
    return SAME_UNIT.get(path, path)


def pytest_collection_modifyitems(config, items):
    """Notebook cells (nbval) execute whole notebooks: they are slow like the report tests."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
    first = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: first.get(item.path.name, len(first)))  # stable: order within a file kept


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, when installed
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling  # noqa: PLC0415 - only with pytest-xdist

    config.option.loadscopereorder = False  # else xdist hands out the units with the most tests first

    class ByUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    return ByUnit(config, log)
