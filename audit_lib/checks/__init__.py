"""The check catalogue: one declaration per check (YAML beside its SQL), read by CLI, notebooks and tests."""
from .registry import Area, Check, Shared, load_areas, load_checks, load_shared

__all__ = ["Area", "Check", "Shared", "load_areas", "load_checks", "load_shared"]
