"""timestamps.NewestTime: the last of a stream's times, read once, as if each was read."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.core.timestamps import NewestTime, unix_seconds

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(["2025-01-01T00:00:00Z", "2025-09-16T15:15:35.123456789+02:00", "soon"]),
    st.sampled_from(["Tue, 16 Sep 2025 15:15:35 GMT", "", "2025-02-30T00:00:00Z"]),
)


def newest_read_one_by_one(values: list[Any]) -> int | float | None:
    last = None
    for value in values:
        when = unix_seconds(value)
        if when is not None:
            last = when
    return last


@given(st.lists(VALUES, max_size=200))
def test_the_same_as_reading_each_in_turn(values: list[Any]) -> None:
    newest = NewestTime()
    for value in values:
        newest.add(value)
    assert newest.value == newest_read_one_by_one(values)


@pytest.mark.parametrize("count", [1, 63, 64, 65, 129])
def test_a_long_run_of_text_ending_in_no_time(count: int) -> None:
    newest = NewestTime()
    texts = [f"2025-01-01T00:00:{i % 60:02}Z" for i in range(count)] + ["soon"] * count
    for text in texts:
        newest.add(text)
    assert newest.value == 1735689600 + (count - 1) % 60
