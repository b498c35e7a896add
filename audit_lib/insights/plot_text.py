"""Text from the data shown in a plotly chart: plotly renders ``<a href>``, ``<b>``... in labels and
hover text, so a record id holding markup would become a live link inside the chart. Escaped here."""

from __future__ import annotations

import html


def plot_text(value: object) -> object:
    """``<``, ``>`` and ``&`` as entities (plotly shows them as text); other values unchanged."""
    return html.escape(value, quote=False) if isinstance(value, str) else value
