"""cli.core.wire.sse: SSE text split into lines and joined back byte for byte."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.core.wire import sse

BODIES = {
    "lf": 'event: message_start\ndata: {"a": 1}\n\ndata: [DONE]\n\n',
    "crlf": 'data: {"candidates": []}\r\n\r\ndata: {"candidates": [1]}\r\n\r\n',
    "mixed": "data: 1\r\n\ndata: 2\n\r\ndata: 3\r",
    "no-final-end": "data: 1\n\ndata: 2",
    "trailing-spaces": "event: ping   \ndata: {}  \n\n",
}


@pytest.mark.parametrize("name", BODIES)
def test_split_then_join_is_the_same_text(name: str) -> None:
    text = BODIES[name]
    split = sse.split(text)
    assert sse.join(split) == text
    assert list(sse.iter_lines(text)) == split.lines


def test_lines_are_what_llama_stack_records() -> None:
    assert sse.split(BODIES["lf"]).lines == [
        "event: message_start",
        'data: {"a": 1}',
        "",
        "data: [DONE]",
        "",
        "",
    ]
    assert sse.split(BODIES["crlf"]).ends == "\r\n"
    assert sse.split(BODIES["trailing-spaces"]).lines[0] == "event: ping   "


def test_an_edited_line_goes_back_with_the_original_ends() -> None:
    split = sse.split(BODIES["crlf"])
    split.lines[0] = 'data: {"candidates": ["edited"]}'
    assert sse.join(split) == BODIES["crlf"].replace("[]", '["edited"]')


def test_looks_like() -> None:
    assert sse.looks_like("\n\nevent: x\ndata: 1")
    assert sse.looks_like("data: [DONE]")
    assert not sse.looks_like('{"data": 1}') and not sse.looks_like("hello\ndata: 1")


def test_events_group_fields_and_parse_data() -> None:
    lines = sse.split('event: a\ndata: {"x": 1}\n\n: comment\ndata: one\ndata: two\n\n').lines
    assert sse.events(lines) == [{"event": "a", "data": {"x": 1}}, {"data": "one\ntwo"}]


@given(st.text(alphabet=st.sampled_from(["a", " ", "\r", "\n", ":", "é", "\u2028"]), max_size=200))
def test_split_join_identity_on_any_text(text: str) -> None:
    split = sse.split(text)
    assert sse.join(split) == text
    assert list(sse.iter_lines(text)) == split.lines
