"""The one place text from a file becomes SQL text: identifiers and string literals, quoted.

Column names, file paths and folder names come from outside (a Parquet column can hold a whole SQL
statement). Values are bound as ``$name`` parameters; what cannot be bound (a column name, a path in
a view definition) goes through ``ident`` or ``literal`` and nowhere else.
"""

from __future__ import annotations

from pathlib import Path


def ident(name: str) -> str:
    """A double-quoted SQL identifier (an embedded ``"`` doubled); NUL is refused."""
    text = str(name)
    if "\x00" in text:
        raise ValueError("identifier holds a NUL character")
    return '"' + text.replace('"', '""') + '"'


def literal(text: str | Path) -> str:
    """A single-quoted SQL string literal (an embedded ``'`` doubled); NUL is refused."""
    value = str(text)
    if "\x00" in value:
        raise ValueError("string literal holds a NUL character")
    return "'" + value.replace("'", "''") + "'"
