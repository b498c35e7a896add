"""The one HTML escape of the project: every text from an extract, a policy or a register goes through it.

Jinja templates escape by themselves (autoescape); fragments built in Python call ``escape``.
"""

from __future__ import annotations

import html


def escape(text: object) -> str:
    """``text`` as HTML text, quotes included (safe inside an attribute too)."""
    return html.escape(str(text), quote=True)
