"""The installed tool's version (a leaf module: the cache and the manifest both read it)."""

from __future__ import annotations

from importlib import metadata


def tool_version() -> str:
    try:
        return metadata.version("gdpr-audit")
    except metadata.PackageNotFoundError:
        return "0+unknown"
