"""HTTP dates (RFC 1123, as `Date` headers carry them): read one, and write one back in
the same form.

Rules:
- Only the form every server sends is read: `Sun, 06 Nov 1994 08:49:37 GMT`. The obsolete
  RFC 850 and asctime forms, a weekday that doesn't fit the date, and anything else are
  not dates (None): an edit leaves them as they are.
- `format_date` writes that same form, the weekday computed from the date, so a date read
  and written back is the same text.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"
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
