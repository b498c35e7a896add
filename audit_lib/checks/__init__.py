"""The check catalogue: one declaration per check (YAML beside its SQL), read by CLI, notebooks and tests."""

from .registry import Area, Check, Shared, checks_in, load_areas, load_checks, load_shared

__all__ = ["Area", "Check", "Shared", "checks_in", "load_areas", "load_checks", "load_shared"]
