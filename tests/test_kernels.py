"""The report's warm kernels: each notebook starts from a clean namespace, and a failure stops the pool."""

from __future__ import annotations

import functools
import threading
import time
from pathlib import Path

import nbformat
import pytest

from audit_lib import report
from audit_lib.kernels import Job, KernelPool

pytestmark = pytest.mark.slow


def notebook(folder: Path, name: str, *sources: str) -> Path:
    path = folder / name
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), path)
    return path


def outputs(path: Path) -> list[tuple[int, str]]:
    cells = nbformat.read(path, as_version=4).cells
    return [(c.execution_count, "".join(o.get("text", "") for o in c.outputs).strip()) for c in cells]


def heartbeat_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if type(t).__name__ == "HBChannel"]


def run_all(pool: KernelPool, jobs: list[Job]) -> list[tuple[str, BaseException | None]]:
    pool.submit(jobs)
    pool.close()
    done = [pool.done.get(timeout=120) for _ in jobs]
    pool.join()
    return [(job.name, err) for job, err, _ in done]


def test_a_reused_kernel_gives_each_notebook_a_clean_namespace(tmp_path):
    first = notebook(
        tmp_path,
        "01.ipynb",
        "leak = 1\nprint('set')",
        "import os\nprint(os.getpid())",
        "print(get_ipython().history_manager.enabled)",
    )
    second = notebook(tmp_path, "02.ipynb", "print('leak' in dir())", "import os\nprint(os.getpid())")
    heartbeats = len(heartbeat_threads())
    pool = KernelPool(1, tmp_path)
    jobs = [
        Job(i, src.name, functools.partial(report.execute, src, tmp_path / f"out-{src.name}", {}))
        for i, src in enumerate([first, second], 1)
    ]
    assert run_all(pool, jobs) == [("01.ipynb", None), ("02.ipynb", None)]
    one, two = outputs(tmp_path / "out-01.ipynb"), outputs(tmp_path / "out-02.ipynb")
    assert one[0] == (1, "set") and two[0] == (1, "False")  # nothing left behind, counting from 1 again
    assert one[1][1] == two[1][1]  # one kernel executed both
    assert one[2][1] == "False"  # no IPython history: nothing written to ~/.ipython by a report
    assert len(heartbeat_threads()) == heartbeats  # papermill's clients of a kernel it does not own are closed


def test_a_failing_notebook_is_reported_and_the_other_kernels_are_stopped(tmp_path):
    fails = notebook(tmp_path, "01.ipynb", "raise KeyError('boom')")
    slow = notebook(tmp_path, "02.ipynb", "import time\ntime.sleep(600)")
    pool = KernelPool(2, tmp_path)
    jobs = [
        Job(i, src.name, functools.partial(report.execute, src, tmp_path / f"out-{src.name}", {}))
        for i, src in enumerate([fails, slow], 1)
    ]
    pool.submit(jobs)
    job, err, _ = pool.done.get(timeout=120)
    assert (job.name, str(err)) == ("01.ipynb", "01.ipynb, cell 1: KeyError: 'boom'")
    started = time.monotonic()
    pool.kill()
    pool.join()
    assert time.monotonic() - started < 60  # the sleeping kernel was killed, not waited for
    assert not any(t.is_alive() for t in pool.threads)


def test_waiting_on_a_killed_kernel_ends_within_seconds_not_at_the_timeout(tmp_path):
    """kill() may land while a kernel is being reset for its next notebook: the wait notices the death."""
    import os
    import signal

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    from audit_lib.kernels import START_TIMEOUT, _execute_quietly

    km = AsyncKernelManager(kernel_name="python3")
    run_sync(km.start_kernel)(cwd=str(tmp_path))
    try:
        run_sync(_execute_quietly)(km, "import time")
        kc = km.client()
        kc.start_channels()
        kc.execute("time.sleep(600)")  # busy, as a kernel in the middle of a notebook
        os.kill(km.provisioner.pid, signal.SIGKILL)
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="(?i)kernel died"):
            run_sync(_execute_quietly)(km, "get_ipython().reset(new_session=True)")
        assert time.monotonic() - started < START_TIMEOUT / 4
        kc.stop_channels()
    finally:
        run_sync(km.shutdown_kernel)(now=True)


class _Channel:
    """A fake ZMQ channel: hands out queued messages, records each wait it was asked for."""

    def __init__(self, messages):
        self.messages, self.waits = list(messages), []

    async def get_msg(self, timeout=None):
        import queue

        self.waits.append(timeout)
        if not self.messages:
            raise queue.Empty
        return self.messages.pop(0)


def test_ready_client_takes_what_iopub_holds_without_waiting_for_silence():
    """jupyter_client's wait_for_ready drains IOPub until 0.2 s pass without a message (0.4 s per
    notebook); ours confirms IOPub delivers, then takes what is already queued without waiting."""
    import asyncio

    from audit_lib.kernels import _tracked_manager_class

    client_class = _tracked_manager_class()().client_factory
    shell = _Channel([{"msg_type": "kernel_info_reply", "content": {}}])
    iopub = _Channel([{"msg_type": "status"}] * 4)

    class Fake(client_class):
        shell_channel = property(lambda self: shell)
        iopub_channel = property(lambda self: iopub)

        def kernel_info(self):
            return "id"

        def _handle_kernel_info_reply(self, msg):
            self.handled = msg

    client = Fake()
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.handled["msg_type"] == "kernel_info_reply"
    assert shell.waits == [1] and iopub.messages == []
    assert iopub.waits == [0.2, 0, 0, 0, 0]  # one wait for IOPub to deliver, then only what is queued
