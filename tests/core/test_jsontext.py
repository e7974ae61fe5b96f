"""jsontext.has_long_integer: never a false no, and no slow path for what orjson reads right."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.core.jsontext import has_long_integer

# Python-written numbers around orjson's limits: -2**63 and 2**64 - 1.
NUMBERS = st.one_of(
    st.integers(min_value=-(2**66), max_value=2**66),
    st.integers(min_value=-(10**19), max_value=10**20),
    st.integers(min_value=-(2**63) - 3, max_value=-(2**63) + 3),
    st.integers(min_value=2**64 - 3, max_value=2**64 + 3),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet="0123456789-.e", max_size=30),  # digits in strings: a yes may be vain
)


def same_types(first: Any, second: Any) -> bool:
    if type(first) is not type(second):
        return False
    if isinstance(first, list):
        return len(first) == len(second) and all(map(same_types, first, second))
    return first == second


@given(st.lists(NUMBERS, max_size=40), st.sampled_from([None, 1, 2]))
def test_what_it_passes_orjson_reads_exactly(values: list[Any], indent: int | None) -> None:
    data = json.dumps(values, indent=indent).encode()
    if not has_long_integer(data):
        assert same_types(orjson.loads(data), json.loads(data))
    if any(type(v) is int and not -(2**63) <= v < 2**64 for v in values):
        assert has_long_integer(data)


@pytest.mark.parametrize(
    ("text", "long"),
    [
        (b'{"seed": 9999999999999999999}', False),  # 19 digits: below 2**64
        (b'{"seed":[1,9999999999999999999]}', False),
        (b'{"seed": 12390303563326160000}', False),  # 20 digits, below 2**64
        (b'{"seed": 18446744073709551615}', False),  # 2**64 - 1
        (b'{"seed": 18446744073709551616}', True),
        (b'{"seed": 100000000000000000000}', True),  # 21 digits
        (b'{"seed": -9223372036854775809}', True),  # a minus and 19 digits
        (b'{"seed": 1e9999999999999999999}', True),  # after anything but a separator
        (b'{"x": 0.12345678901234567890123456}', False),  # a fraction
        (b"92345678901234567890", True),  # the whole text
        (b"1234567890123456789", False),
        (b'{"id": "call_123456789012345678901"}', True),  # in a string: a vain yes
    ],
)
def test_runs_of_digits(text: bytes, long: bool) -> None:
    assert has_long_integer(text) is long
    if not long:
        assert orjson.loads(text) == json.loads(text)


@pytest.mark.parametrize("offset", range(0, 13))
@pytest.mark.parametrize("numbers", [0, 5, 40])
def test_a_long_integer_among_many_numbers_is_found(offset: int, numbers: int) -> None:
    """Wherever it falls against the every-6th-byte look, and whether the few places or
    the whole file are read (many long fractions come first)."""
    fractions = ", ".join(["0.0001163482666015625"] * numbers)
    head = b"[" + b" " * offset + fractions.encode() + (b", " if numbers else b"")
    assert has_long_integer(head + b"-1234567890123456789]")
    assert has_long_integer(head + b"123456789012345678901]")
    assert has_long_integer(head + b"18446744073709551616]")
    assert not has_long_integer(head + b"18446744073709551615]")
    assert not has_long_integer(head + b"1234567890123456789]")
