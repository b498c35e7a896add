"""YAML from outside (policy, profiles, extract.yaml) read with a safe loader and hard limits.

A 700-byte "billion laughs" alias bomb would otherwise expand to gigabytes; limits: file size
``MAX_BYTES`` and ``MAX_ALIASES`` alias uses and ``MAX_NODES`` values once expanded (docs/decisions.md).
"""

from __future__ import annotations

import yaml

MAX_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 200_000  # values once every alias is expanded


class YamlLimitError(yaml.YAMLError):
    """The document is over the size or alias limit."""


class _AliasLimit:
    """Mixin for a (pure Python) SafeLoader: counts alias uses, refusing a bomb before any expansion."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases = getattr(self, "_aliases", 0) + 1
            if self._aliases > MAX_ALIASES:
                raise YamlLimitError(f"more than {MAX_ALIASES} aliases (*name); refused as a possible alias bomb")
        return super().compose_node(parent, index)

    def get_single_node(self):
        node = super().get_single_node()
        if node is not None and _expanded(node, {}) > MAX_NODES:
            raise YamlLimitError(f"more than {MAX_NODES} values once aliases are expanded; refused as an alias bomb")
        return node


def _expanded(node, memo: dict) -> int:
    """How many values the document holds with every alias expanded (shared nodes counted once each use)."""
    key = id(node)
    if key not in memo:
        memo[key] = 1  # a recursive alias counts once
        if isinstance(node, yaml.SequenceNode):
            memo[key] = 1 + sum(_expanded(v, memo) for v in node.value)
        elif isinstance(node, yaml.MappingNode):
            memo[key] = 1 + sum(_expanded(k, memo) + _expanded(v, memo) for k, v in node.value)
    return memo[key]


class LimitedLoader(_AliasLimit, yaml.SafeLoader):
    """yaml.SafeLoader with the alias limit."""


def check_size(data: bytes | str) -> None:
    if len(data) > MAX_BYTES:
        raise YamlLimitError(f"file is larger than {MAX_BYTES // 1000} KB")


def safe_load(data: bytes | str, loader: type | None = None):
    """``yaml.safe_load`` with the size and alias limits (``loader``: a SafeLoader subclass to limit)."""
    check_size(data)
    limited = LimitedLoader if loader is None else type(f"Limited{loader.__name__}", (_AliasLimit, loader), {})
    return yaml.load(data, Loader=limited)
