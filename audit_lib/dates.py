"""The audit date: a period ``YYYY-MM`` means as_of = its last day."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .errors import AuditError


class UsageError(AuditError):
    """A command-line value is malformed (period, date, scale)."""


def as_of_for(period: str | None = None, as_of: str | dt.date | None = None) -> dt.date:
    """The as_of date from exactly one of a period (``2026-10``) or a date (``2026-10-31``)."""
    if (period is None) == (as_of is None):
        raise UsageError("give exactly one of --period YYYY-MM or --as-of YYYY-MM-DD")
    if as_of is not None:
        day = as_of if isinstance(as_of, dt.date) else _iso_date(str(as_of))
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise UsageError(f"--as-of '{as_of}': expected a date between {FIRST_YEAR} and {LAST_YEAR}")
        return day
    return period_end(str(period))


FIRST_YEAR, LAST_YEAR = 1900, 2200
PERIOD = re.compile(r"(\d{4})-(\d{2})")


def _iso_date(text: str) -> dt.date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of '{text[:40]}': expected a date YYYY-MM-DD") from None


def period_end(period: str) -> dt.date:
    """The last day of a month ``YYYY-MM`` (four-digit year 1900-2200, month 01-12)."""
    m = PERIOD.fullmatch(period.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
        raise UsageError(
            f"--period '{period[:40]}': expected a month YYYY-MM between {FIRST_YEAR}-01 and "
            f"{LAST_YEAR}-12, e.g. 2026-10"
        )
    year, month = int(m.group(1)), int(m.group(2))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_of(as_of: dt.date) -> str:
    """The report folder name for an as_of: its month."""
    return f"{as_of:%Y-%m}"
