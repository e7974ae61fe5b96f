"""equality.same_value: the one notion of "changed" (issue 10, case 8)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.core.equality import same_value

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=20,
)


def canonical(value: Any) -> str:
    """What a file would hold: the standard library's JSON text, keys sorted."""
    return json.dumps(value, sort_keys=True)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (0, 0.0),
        (1, True),
        (0, False),
        (0.0, -0.0),
        (float("nan"), None),
        (float("inf"), None),
        ({"created": 0}, {"created": 0.0}),
        ([1, 2], [1, 2.0]),
        (2**70, float(2**70)),
    ],
)
def test_values_python_calls_equal_are_not_the_same(old: Any, new: Any) -> None:
    assert not same_value(old, new) and not same_value(new, old)


def test_key_order_does_not_matter_and_nan_is_itself() -> None:
    assert same_value({"a": 1, "b": [None, "x"]}, {"b": [None, "x"], "a": 1})
    assert same_value({"x": math.nan}, {"x": float("nan")})
    assert same_value([2**70], [2**70])


def test_deeper_than_the_recursion_limit() -> None:
    old: Any = 0
    new: Any = 0
    for _ in range(5000):
        old, new = [old], [new]
    assert same_value(old, new)


@given(JSON, JSON)
def test_same_value_means_the_same_json_text(old: Any, new: Any) -> None:
    assert same_value(old, new) == (canonical(old) == canonical(new))
    assert same_value(old, old)
