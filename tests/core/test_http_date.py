"""timestamps: RFC 1123 dates read and written back in the same form."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.core.timestamps import EPOCH_DATE as EPOCH
from cli.core.timestamps import format_date, parse_date


def test_a_date_is_read_and_written_back() -> None:
    text = "Sun, 06 Nov 1994 08:49:37 GMT"
    assert parse_date(text) == datetime(1994, 11, 6, 8, 49, 37)
    assert format_date(parse_date(text)) == text
    assert parse_date(EPOCH) == datetime(1970, 1, 1)


def test_a_shift_recomputes_the_weekday() -> None:
    moved = parse_date("Wed, 31 Dec 2025 23:30:00 GMT")
    assert moved is not None
    assert format_date(moved + timedelta(hours=1)) == "Thu, 01 Jan 2026 00:30:00 GMT"


@pytest.mark.parametrize(
    "text",
    [
        "Mon, 06 Nov 1994 08:49:37 GMT",  # the 6th was a Sunday
        "Sunday, 06-Nov-94 08:49:37 GMT",  # RFC 850
        "Sun Nov  6 08:49:37 1994",  # asctime
        "Sun, 06 Nov 1994 08:49:60 GMT",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "1994-11-06T08:49:37Z",
    ],
)
def test_anything_else_is_not_a_date(text: str) -> None:
    assert parse_date(text) is None


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
def test_format_then_parse_is_identity(when: datetime) -> None:
    when = when.replace(microsecond=0)
    assert parse_date(format_date(when)) == when
