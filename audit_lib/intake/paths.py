"""Containment: every file an audit reads resolves inside the extract folder (symlinks resolved).

An extract arrives from another department or a vendor: a symlink, ``../`` or an absolute path in
``extract.yaml`` must not make the tool read (and quote, or turn into record ids) a file elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..errors import InputError

PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def inside(root: Path, path: Path) -> Path:
    """``path`` resolved; InputError when it leads outside ``root``, dangles or loops."""
    try:
        real_root = root.resolve(strict=True)
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise InputError(f"{path}: dangling symbolic link or missing file (expected a file inside {root})") from None
    except RuntimeError:  # Python < 3.13 reports a symlink loop this way
        raise InputError(f"{path}: symbolic link loop (expected a file inside {root})") from None
    except OSError as err:
        raise InputError(f"{path}: cannot be resolved ({err.strerror or type(err).__name__})") from None
    if real != real_root and real_root not in real.parents:
        raise InputError(f"{path}: leads outside the extract folder {root}; only files inside it are read")
    return real


def relative_entry(root: Path, entry: str, where: str) -> Path:
    """A path written in extract.yaml: relative, without ``..``, and inside ``root`` once resolved."""
    text = str(entry)
    parts = PurePosixPath(text.replace("\\", "/")).parts
    if (
        not text
        or PurePosixPath(text).is_absolute()
        or PureWindowsPath(text).is_absolute()
        or ".." in parts
        or PureWindowsPath(text).drive
    ):
        raise InputError(f"{where}: '{text}' must be a path relative to the extract folder, without '..'")
    return root / text


def profile_name(name: str, what: str = "--profile") -> str:
    """A profile is chosen by name (letters, digits, ``_.-``), never by a path."""
    if not PROFILE_NAME.fullmatch(name) or ".." in name:
        raise InputError(
            f"{what}: profile '{name[:60]}' is not a profile name (letters, digits, _ . -; "
            "put your profile in a --profile-dir folder and give its name)"
        )
    return name
