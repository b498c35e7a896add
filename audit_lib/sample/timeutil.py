"""Calendar arithmetic and timestamp formatting for the generator (Europe/Brussels)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Brussels")
UTC = timezone.utc


def as_of_for(period: str) -> date:
    """Last day of a `YYYY-MM` period: the audit's as_of."""
    year, month = (int(p) for p in period.split("-"))
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, months: int) -> date:
    """Calendar months, clamped to the month end (2025-01-31 + 1 month = 2025-02-28)."""
    idx = d.year * 12 + (d.month - 1) + months
    year, month = divmod(idx, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def breached(start: date, months: int, as_of: date) -> bool:
    """The shared deadline rule: breached when as_of > start + months."""
    return as_of > add_months(start, months)


def local(d: date, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    """An aware Brussels wall-clock time (fold=0: the earlier offset, as the spec reads)."""
    return datetime(d.year, d.month, d.day, hh, mm, ss, tzinfo=TZ)


def utc(d: date, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hh, mm, ss, tzinfo=UTC)


def end_of_day(d: date) -> datetime:
    """as_of compared with a timestamp: 24:00 local of that day."""
    return local(d + timedelta(days=1))


def iso_z(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_offset(dt: datetime, compact: bool = False) -> str:
    """Brussels wall time with its offset: `+02:00` (or `+0200` when compact)."""
    loc = dt.astimezone(TZ)
    off = loc.strftime("%z")
    if not compact:
        off = off[:3] + ":" + off[3:]
    return loc.strftime("%Y-%m-%dT%H:%M:%S") + off


def iso_naive(dt: datetime) -> str:
    """Brussels wall time without an offset (the way some exports write it)."""
    return dt.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")


def local_date(dt: datetime) -> date:
    return dt.astimezone(TZ).date()


def dst_days(year: int) -> tuple[date, date]:
    """The last Sundays of March and October: the spring and autumn changes in Brussels."""

    def last_sunday(month: int) -> date:
        d = date(year, month, calendar.monthrange(year, month)[1])
        return d - timedelta(days=(d.weekday() + 1) % 7)

    return last_sunday(3), last_sunday(10)


def last_leap_day_before(d: date) -> date:
    year = d.year
    while True:
        if calendar.isleap(year) and date(year, 2, 29) < d:
            return date(year, 2, 29)
        year -= 1
