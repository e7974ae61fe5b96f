"""cli.core.pointer: JSON pointers as RFC 6901 writes them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cli.core import pointer


def test_split_unescapes_and_join_escapes() -> None:
    assert pointer.split("/a~1b/c~0d/3") == ("a/b", "c~d", "3")
    assert pointer.join(["a/b", "c~d", 3]) == "/a~1b/c~0d/3"
    assert pointer.split("") == ()
    assert pointer.escape("~/") == "~0~1"


def test_only_a_leading_slash_makes_a_pointer() -> None:
    assert pointer.is_pointer("/request/body")
    assert not pointer.is_pointer("request/body")


@given(st.lists(st.text(), min_size=1))
def test_join_then_split_gives_back_the_keys(keys: list[str]) -> None:
    assert pointer.split(pointer.join(keys)) == tuple(keys)
