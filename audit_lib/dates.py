"""The audit date: a period ``YYYY-MM`` means as_of = its last day."""
from __future__ import annotations

import calendar
import datetime as dt

from .errors import AuditError


class UsageError(AuditError):
    """A command-line value is malformed (period, date, scale)."""


def as_of_for(period: str | None = None, as_of: str | dt.date | None = None) -> dt.date:
    """The as_of date from exactly one of a period (``2026-10``) or a date (``2026-10-31``)."""
    if (period is None) == (as_of is None):
        raise UsageError("give exactly one of --period YYYY-MM or --as-of YYYY-MM-DD")
    if as_of is not None:
        if isinstance(as_of, dt.date):
            return as_of
        try:
            return dt.date.fromisoformat(str(as_of))
        except ValueError:
            raise UsageError(f"--as-of '{as_of}': expected a date YYYY-MM-DD") from None
    try:
        year, month = (int(x) for x in str(period).split("-"))
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        raise UsageError(f"--period '{period}': expected a month YYYY-MM") from None


def period_of(as_of: dt.date) -> str:
    """The report folder name for an as_of: its month."""
    return f"{as_of:%Y-%m}"
