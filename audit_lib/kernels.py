"""Warm Jupyter kernels for the monthly report: started while the checks run, each executes notebooks in turn.

Starting a kernel and importing pandas, plotly and the library costs about two seconds per notebook,
most of a small report. ``KernelPool`` starts a few kernels (one per core) before the checks run and
imports the library in them meanwhile; each kernel then executes notebooks one after another, taken
from a shared queue, so the notebooks run concurrently. Before each notebook the kernel's namespace is
cleared (IPython's ``reset``: a new session, execution count 1): a notebook sees only its own
parameters, as in a fresh kernel; imported modules stay loaded. nbval runs every notebook alone in a
fresh kernel (``make test``), so none relies on what another left behind.

A kernel lives in one thread, which owns its event loop: jupyter's asynchronous clients and kernel
managers are bound to the loop they were made in.
"""

from __future__ import annotations

import functools
import importlib
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# what every report notebook imports, loaded while the checks run (a failure here is silent: the
# notebook's own import then fails with its own message)
WARM_UP = (
    "import pandas, plotly.express, plotly.graph_objects\n"
    "from audit_lib import nb\n"
    "from audit_lib.insights import intake, lawful_basis, retention, rights, summary, transfers\n"
    "plotly.express.line(x=[0], y=[0])\n"  # plotly express sets itself up on its first figure: 0.25 s
    # what the warm-up loaded lives as long as the kernel: out of the collector's sight, the namespace
    # reset before each notebook (a full collection) takes 7 ms instead of 0.19 s, and so do the
    # collections pandas and plotly set off while a notebook runs
    "import gc\n"
    "gc.freeze()"
)
RESET = "get_ipython().reset(new_session=True)"
# no IPython history: a report kernel writes nothing to the user's ~/.ipython, and the reset before each
# notebook no longer commits a new session to its SQLite file (0.11-0.19 s per notebook)
KERNEL_ARGS = ["--HistoryManager.enabled=False"]
START_TIMEOUT = 60


@dataclass
class Job:
    """One notebook to execute: ``run(km)`` executes it on a started kernel manager."""

    index: int
    name: str
    run: Callable[[object], None]


class KernelPool:
    """``size`` kernels, each in its own thread, executing jobs from one queue until it is empty."""

    def __init__(self, size: int, cwd: Path, preload: tuple[str, ...] = ()):
        self.cwd = cwd
        self.preload = preload  # modules this process will need for the jobs, imported while waiting
        self.jobs: queue.Queue[Job | None] = queue.Queue()
        self.done: queue.Queue[tuple[Job, BaseException | None, float]] = queue.Queue()
        self.pids: list[int] = []
        self.killed = threading.Event()  # no job starts after kill()
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._serve, daemon=True, name=f"kernel-{i}") for i in range(size)]
        for t in self.threads:
            t.start()

    def submit(self, jobs: list[Job]) -> None:
        for job in jobs:
            self.jobs.put(job)

    def close(self) -> None:
        """No more jobs: each kernel shuts down once the queue is empty."""
        for _ in self.threads:
            self.jobs.put(None)  # one stop sign per kernel

    def kill(self) -> None:
        """Stop every kernel now (a notebook failed or the user pressed Ctrl-C); the jobs left are dropped."""
        self.killed.set()
        with self._lock:
            pids = list(self.pids)
        while True:
            try:
                self.jobs.get_nowait()
            except queue.Empty:
                break
        self.close()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def join(self) -> None:
        for t in self.threads:
            t.join()

    def _serve(self) -> None:
        from jupyter_core.utils import run_sync  # noqa: PLC0415

        km = _tracked_manager_class()(kernel_name="python3")
        started: BaseException | None = None
        try:
            # the kernel's stderr (library warnings, debugger notices) stays out of cron mail
            run_sync(km.start_kernel)(cwd=str(self.cwd), stderr=subprocess.DEVNULL, extra_arguments=KERNEL_ARGS)
            with self._lock:
                self.pids.append(km.provisioner.pid)
                if self.killed.is_set():  # killed while this kernel was starting
                    os.kill(km.provisioner.pid, signal.SIGKILL)
            for module in self.preload:
                importlib.import_module(module)
            run_sync(_execute_quietly)(km, WARM_UP)
        except Exception as err:  # noqa: BLE001 - reported with the first notebook this kernel takes
            started = err
        try:
            while (job := self.jobs.get()) is not None and not self.killed.is_set():
                began = time.monotonic()
                try:
                    if started is not None:
                        raise started
                    run_sync(_execute_quietly)(km, RESET)
                    job.run(km)
                except BaseException as err:  # noqa: BLE001 - handed to the caller, which stops the pool
                    self.done.put((job, err, time.monotonic() - began))
                else:
                    self.done.put((job, None, time.monotonic() - began))
                finally:
                    km.close_clients()
        finally:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - already killed
                pass


@functools.cache  # one class, made on first use: jupyter_client is imported only by the report
def _tracked_manager_class():
    from jupyter_client.asynchronous import AsyncKernelClient  # noqa: PLC0415
    from jupyter_client.manager import AsyncKernelManager  # noqa: PLC0415

    class ReadyClient(AsyncKernelClient):
        """A client whose ``wait_for_ready`` does not end by waiting for 0.2 s of silence on IOPub.

        jupyter_client's version drains IOPub until nothing arrives for 0.2 s; papermill calls it once per
        notebook and the pool once per namespace reset, so each notebook idled 0.4 s (2.4 s of the six
        notebooks' time at scale S). The kernel is ready once it answers ``kernel_info`` and IOPub
        delivers (as there); what IOPub already holds is discarded without waiting for more: nbclient
        reads only the messages its own requests caused.
        """

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except queue.Empty:
                    msg = None
                if msg is not None and msg["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected: it delivers
                    except queue.Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=0)
                except queue.Empty:
                    return

    class Tracked(AsyncKernelManager):
        """A kernel manager that remembers its clients: papermill leaves open the ones it makes for a
        kernel it does not own (a heartbeat thread and sockets each), closed here after each notebook.
        Its clients are ``ReadyClient``s."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.client_factory = ReadyClient

        def client(self, **kwargs):
            kc = super().client(**kwargs)
            self.__dict__.setdefault("_clients", []).append(kc)
            return kc

        def close_clients(self) -> None:
            for kc in self.__dict__.pop("_clients", []):
                kc.stop_channels()

    return Tracked


async def _execute_quietly(km, code: str) -> None:
    """Run ``code`` in the kernel without output or history, and wait until it is done; a kernel that dies
    meanwhile (killed when another notebook failed) ends the wait within a second, not at the timeout."""
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=START_TIMEOUT)
        msg_id = kc.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                reply = await kc.get_shell_msg(timeout=1)
            except queue.Empty:
                if not await km.is_alive():
                    raise RuntimeError("the kernel died") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the kernel did not answer in {START_TIMEOUT} s") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return
    finally:
        kc.stop_channels()
