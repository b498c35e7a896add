"""Replace an output folder all at once: readers see the old folder or the new one, never neither.

A folder is built in a staging folder beside its target (``.<name>.tmp-<pid>``) and swapped in with
ONE system call: Linux ``renameat2(RENAME_EXCHANGE)`` when the target exists (the old folder then sits
at the staging path and is deleted), a plain rename when it does not. Leftovers of a run killed
earlier (``.tmp-*``/``.old-*`` of a process that no longer runs) are removed before a new run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-(?P<pid>\d+)$")


def staging_for(target: Path) -> Path:
    """The staging folder of this process beside ``target`` (leftovers of dead runs cleaned first)."""
    clean_leftovers(target.parent)
    staging = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    return staging


def clean_leftovers(folder: Path) -> list[Path]:
    """Delete ``.<name>.tmp-<pid>`` / ``.<name>.old-<pid>`` folders whose process is gone."""
    removed = []
    if not folder.is_dir():
        return removed
    for p in folder.iterdir():
        m = _LEFTOVER.match(p.name)
        if m and p.is_dir() and not p.is_symlink() and not _alive(int(m.group("pid"))):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # this process: perhaps another open extract or run of it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if rc != 0:
        err = ctypes.get_errno()
        if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
            return False
        raise OSError(err, os.strerror(err), str(b))
    return True


def swap_into_place(staging: Path, target: Path) -> Path:
    """Replace ``target`` by ``staging`` with one system call; the old folder is deleted afterwards."""
    if target.exists() or target.is_symlink():
        if _exchange(staging, target):
            shutil.rmtree(staging, ignore_errors=True)  # now the old folder
            return target
        # no exchange on this file system: two renames, the old one kept until the new one is in
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.rename(target, old)
        try:
            os.rename(staging, target)
        except OSError:
            os.rename(old, target)
            raise
        shutil.rmtree(old, ignore_errors=True)
        return target
    os.rename(staging, target)
    return target
