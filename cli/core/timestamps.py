"""Timestamps as recorders write them: unix seconds, ISO 8601 text and HTTP dates, read
exactly enough to say when they are and to write them back in their own form.

Rules:
- ISO 8601 is read as recorders write it (`2025-09-16T15:15:35.123456Z`: any number of
  fraction digits, `Z` or an offset, or no zone, which means UTC). `parse_iso` keeps the
  fraction and zone text, so that a moved time is written back in the same form.
- HTTP dates (RFC 1123, as `Date` headers carry them: `Tue, 16 Sep 2025 15:15:35 GMT`)
  are read only in the form every server sends; the obsolete RFC 850 and asctime forms,
  and a weekday that doesn't fit the date, are not dates. `format_date` writes that same
  form, the weekday computed from the date, so a date read and written back is the same.
- Anything else is not a timestamp: None, never a guess.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

_ISO = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$", re.ASCII
)


EPOCH_DATE = "Thu, 01 Jan 1970 00:00:00 GMT"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE = re.compile(
    rf"^(?:{'|'.join(_DAYS)}), (\d\d) ({'|'.join(_MONTHS)}) (\d{{4}}) (\d\d):(\d\d):(\d\d) GMT$",
    re.ASCII,
)


def parse_date(text: str) -> datetime | None:
    """The date as a naive UTC datetime, or None when `text` isn't an RFC 1123 date."""
    match = _DATE.match(text)
    if not match:
        return None
    day, month, year, hour, minute, second = match.groups()
    if int(second) > 59:
        return None
    try:
        when = datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute))
    except ValueError:
        return None
    when += timedelta(seconds=int(second))
    return when if text.startswith(_DAYS[when.weekday()]) else None


def format_date(when: datetime) -> str:
    """`when` (naive, UTC) as an RFC 1123 date."""
    return (
        f"{_DAYS[when.weekday()]}, {when.day:02d} {_MONTHS[when.month - 1]} {when.year:04d} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} GMT"
    )


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_iso(text: str) -> tuple[datetime, str, str] | None:
    """(the whole seconds as a naive datetime, fraction text, zone text), or None."""
    match = _ISO.match(text.strip())
    if not match:
        return None
    try:
        whole = datetime(*(int(part) for part in match.groups()[:6]))
    except ValueError:
        return None  # not a real date (or a leap second): leave it alone
    return whole, match.group(7) or "", match.group(8) or ""


def is_timestamp(value: Any) -> bool:
    """A finite number, an ISO 8601 time or an HTTP date."""
    if is_number(value):
        return math.isfinite(value)
    return isinstance(value, str) and (
        parse_iso(value) is not None or parse_date(value) is not None
    )


def unix_seconds(value: Any) -> int | float | None:
    """A timestamp as unix seconds (an ISO time without a zone counts as UTC); None for
    anything that isn't one."""
    if is_number(value):
        return value
    if not isinstance(value, str):
        return None
    date = parse_date(value)
    if date is not None:
        return float(calendar.timegm(date.timetuple()))
    parsed = parse_iso(value)
    if parsed is None:
        return None
    whole, fraction, zone = parsed
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0  # Ollama writes 9 digits
    moment = whole.replace(microsecond=micro, tzinfo=UTC)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment.timestamp()


class NewestTime:
    """The newest of a run of values that reads as a time, as unix seconds (`unix_seconds`
    of each in turn, the last that isn't None), for streams that time every chunk.
    A number is taken as it comes; text is held and read newest first when `value` is
    asked for (or once `HELD` are held): of a stream's 200,000 ISO times, one is read."""

    HELD = 64

    def __init__(self) -> None:
        self._value: int | float | None = None
        self._held: list[str] = []

    def add(self, value: Any) -> None:
        kind = type(value)
        if kind is str:
            self._held.append(value)
            if len(self._held) >= self.HELD:
                self._settle()
            return
        when = value if kind is int or kind is float else unix_seconds(value)
        if when is not None:
            self._value = when
            self._held.clear()  # older than this one

    @property
    def value(self) -> int | float | None:
        self._settle()
        return self._value

    def _settle(self) -> None:
        for text in reversed(self._held):
            when = unix_seconds(text)
            if when is not None:
                self._value = when
                break
        self._held.clear()
