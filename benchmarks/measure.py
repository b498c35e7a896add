"""Run one command as a child process and measure its wall time and the peak RSS of its whole tree.

The tree matters: ``gdpr-audit report`` starts a Jupyter kernel per notebook, whose memory is not
the parent's. RSS is summed over the process and all its descendants, polled every 50 ms.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass

import psutil

POLL_S = 0.05
MiB = 1024 * 1024
OOM_MARKERS = (
    "MemoryError",
    "bad_alloc",
    "Cannot allocate memory",
    "out of memory",
    "ArrowMemoryError",
    "Unable to allocate",
    "OutOfMemoryException",
    "failed to allocate",
    "failed to map segment",
)


@dataclass
class Measurement:
    wall_s: float
    peak_rss_mib: float
    status: str  # ok | oom | error
    returncode: int
    stdout: str
    stderr_tail: str


def tree_rss(proc: psutil.Process) -> int:
    """Bytes of resident memory of ``proc`` and every descendant (vanished processes count 0)."""
    total = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in members:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _cap(limit_bytes: int | None):
    if limit_bytes is None:
        return None

    def apply() -> None:  # runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return apply


def measure(
    cmd: list[str],
    cwd: str | None = None,
    memory_cap: int | None = None,
    env: dict[str, str] | None = None,
    timeout_s: float | None = None,
) -> Measurement:
    """Run ``cmd`` to completion; wall time from start to exit, peak of the tree's summed RSS."""
    peak = 0
    stop = threading.Event()
    started = time.perf_counter()
    child = subprocess.Popen(
        cmd,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_cap(memory_cap),
        env={**os.environ, **(env or {})},
    )
    proc = psutil.Process(child.pid)

    def poll() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc))
            stop.wait(POLL_S)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        out, err = child.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
    wall = time.perf_counter() - started
    stop.set()
    poller.join()
    rc = child.returncode
    if rc == 0:
        status = "ok"
    elif memory_cap is not None and (any(m in err for m in OOM_MARKERS) or rc < 0):
        status = "oom"  # a MemoryError, or an allocator abort (SIGABRT/SIGSEGV) at the address-space cap
    else:
        status = "error"
    return Measurement(
        wall_s=wall,
        peak_rss_mib=peak / MiB,
        status=status,
        returncode=rc,
        stdout=out,
        stderr_tail="\n".join(err.strip().splitlines()[-5:]),
    )
