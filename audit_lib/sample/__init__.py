"""Synthetic extracts with planted violations and their answer key (`gdpr-audit sample`)."""

from .generate import SCALES, generate

__all__ = ["SCALES", "generate"]
