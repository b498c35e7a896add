"""The check catalogue: one declaration per check (YAML beside its SQL), read by CLI, notebooks and tests."""
from .registry import Check, load_checks

__all__ = ["Check", "load_checks"]
