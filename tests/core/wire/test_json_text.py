"""wire.json_text: an edited value goes back into JSON text in the text's own style."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.core.wire.json_text import JsonTextError, patch, rewrite

VALUE = {"model": "gpt-4o-mini", "created": 1767225600, "n": [1, 2.5, None, True], "é": "ü"}


@pytest.mark.parametrize(
    "dumps",
    [
        {"separators": (",", ":")},
        {},
        {"indent": 2},
        {"indent": 4, "ensure_ascii": False},
        {"separators": (",", ":"), "ensure_ascii": False},
    ],
    ids=["compact", "spaced", "indent2", "indent4-unicode", "compact-unicode"],
)
def test_a_python_style_is_detected_and_kept(dumps: dict) -> None:
    text = json.dumps(VALUE, **dumps)
    new = {**VALUE, "model": "other"}
    assert rewrite(text, new) == json.dumps(new, **dumps)
    assert rewrite(rewrite(text, new), VALUE) == text


def test_the_same_value_gives_the_text_itself() -> None:
    text = '{ "model" :"x" }'
    assert rewrite(text, {"model": "x"}) is text


def test_a_style_python_cannot_write_is_patched_value_by_value() -> None:
    text = '{ "model" :"gpt-4o",\n\t"temperature": 1E-5, "created":1700000000 , "x": "\\u00e9\\/"}'
    new = {"model": "gpt-5", "temperature": 1e-5, "created": 1700003600, "x": "é/"}
    patched = rewrite(text, new)
    assert patched == text.replace('"gpt-4o"', '"gpt-5"').replace("1700000000", "1700003600")
    assert json.loads(patched) == new
    assert rewrite(patched, json.loads(text)) == text


def test_patching_escapes_as_the_text_does() -> None:
    ascii_text = '{"a" : "x", "b": "\\u00e9"}'
    assert patch(ascii_text, {"a": "x", "b": "é"}, {"a": "ö", "b": "é"}) == (
        '{"a" : "\\u00f6", "b": "\\u00e9"}'
    )
    raw_text = '{"a" : "x", "b": "é"}'
    assert patch(raw_text, {"a": "x", "b": "é"}, {"a": "ö", "b": "é"}) == '{"a" : "ö", "b": "é"}'


def test_a_duplicate_key_patches_the_value_json_reads() -> None:
    text = '{"m" : "a", "m" : "b"}'
    assert rewrite(text, {"m": "c"}) == '{"m" : "a", "m" : "c"}'


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        ({"a": 1, "b": 2, "c": 3}, "keys were added"),
        ({"b": [1]}, "keys were added, removed"),
        ({"a": 1, "b": [1, 2, 3]}, "changed length"),
        ({"a": {"x": 1}, "b": [1]}, "scalar and container"),
    ],
)
def test_a_change_of_shape_cannot_be_patched(new: dict, problem: str) -> None:
    text = '{"a" : 1, "b": [1]}'  # spacing no Python style writes: patching is the only way
    with pytest.raises(JsonTextError, match=problem):
        rewrite(text, new)


def test_text_that_is_not_json_is_refused() -> None:
    with pytest.raises(JsonTextError, match="not JSON"):
        rewrite("data: nope", {"a": 1})


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


def _replace_scalars(value, replacement):
    if isinstance(value, dict):
        return {key: _replace_scalars(item, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_scalars(item, replacement) for item in value]
    return replacement


@given(value=values, replacement=scalars, odd=st.booleans())
def test_an_edit_and_its_reverse_give_back_the_text(value, replacement, odd: bool) -> None:
    # odd: a writer with its own spacing, which only patching keeps
    text = json.dumps(value, separators=(" ,", " : ") if odd else (",", ":"))
    edited = _replace_scalars(value, replacement)
    there = rewrite(text, edited)
    assert json.loads(there) == json.loads(json.dumps(edited))
    assert rewrite(there, value) == text
