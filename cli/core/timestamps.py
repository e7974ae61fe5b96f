"""Timestamps as recorders write them: unix seconds, ISO 8601 text and HTTP dates, read
exactly enough to say when they are and to write them back in their own form.

Rules:
- ISO 8601 is read as recorders write it (`2025-09-16T15:15:35.123456Z`: any number of
  fraction digits, `Z` or an offset, or no zone, which means UTC). `parse_iso` keeps the
  fraction and zone text, so that a moved time is written back in the same form.
- HTTP dates (`Tue, 16 Sep 2025 15:15:35 GMT`) are `wire.http_date`'s.
- Anything else is not a timestamp: None, never a guess.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from cli.core.wire.http_date import parse_date

_ISO = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$", re.ASCII
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
