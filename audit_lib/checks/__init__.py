"""The check catalogue: one declaration per check (YAML beside its SQL), read by CLI, notebooks and tests."""
from .registry import Check, Shared, load_checks, load_shared

__all__ = ["Check", "Shared", "load_checks", "load_shared"]
