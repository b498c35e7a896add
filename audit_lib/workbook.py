"""findings.xlsx as a working register: the columns a remediation team needs, frozen header, filters, widths.

The findings writer (``findings.write_findings``) writes the sheets; before it saves the workbook, this
adds to the ``findings`` sheet the check title, owner, due date, triage status, first seen and triage
reason of each row, then freezes the header, turns on filters and sizes the columns of every sheet. Every
added text cell goes through the writer's own formula neutraliser.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .findings import neutralise
from .insights.summary import TRIAGE_WORDS

ADDED = {
    "check_title": "check title",
    "owner": "owner",
    "due": "due",
    "triage": "triage status",
    "first_seen": "first seen",
    "triage_reason": "triage reason",
}
MAX_WIDTH = 60


def add_register_columns(book, register: pd.DataFrame, titles: dict[str, str]) -> None:
    """Add the register's columns to the ``findings`` sheet of the openpyxl workbook ``book`` (rows in the
    same order) and format every sheet; the findings writer saves it (``write_findings(finish_workbook=)``)."""
    sheet = book["findings"]
    header = [c.value for c in sheet[1]]
    if len(register) != sheet.max_row - 1 or (
        len(register) and str(sheet.cell(2, 1).value).lstrip("'") != str(register["finding_id"].iloc[0])
    ):
        raise ValueError("findings.xlsx: the register does not match the findings sheet row for row")
    values = {
        "check_title": register["check_id"].map(titles).fillna(""),
        "owner": register["owner"],
        "due": register["due"],
        "triage": register["triage"].map(TRIAGE_WORDS),
        "first_seen": register["first_seen"],
        "triage_reason": register["triage_reason"],
    }
    start = len(header) + 1
    for j, (key, label) in enumerate(ADDED.items()):
        sheet.cell(1, start + j, label)
        for i, value in enumerate(values[key], start=2):
            cell = sheet.cell(i, start + j, value if isinstance(value, dt.date) else neutralise(str(value)))
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for ws in book.worksheets:
        _format(ws)


def _format(ws) -> None:
    """Frozen header row, filters on every column, widths from the longest value (capped)."""
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    if ws.max_row < 1 or ws.max_column < 1:
        return
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col in range(1, ws.max_column + 1):
        longest = max((len(str(ws.cell(r, col).value or "")) for r in range(1, min(ws.max_row, 500) + 1)), default=8)
        ws.column_dimensions[get_column_letter(col)].width = min(max(longest + 2, 10), MAX_WIDTH)
