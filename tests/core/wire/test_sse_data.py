"""The JSON of an SSE `data:` line: read it, and write one string back into the line in its
own style, every other byte of the line kept."""

from __future__ import annotations

import pytest

from cli.core.wire.sse_data import DataLine, payload, payload_start, strings


@pytest.mark.parametrize(
    ("line", "start"),
    [
        ('data: {"a": 1}', 6),
        ('data:{"a": 1}', 5),
        ("data: \t[1, 2]", 7),
        ("data: [DONE]", 6),  # looks like an array; `payload` says it isn't one
        ("data: plain text", -1),
        ('event: {"a": 1}', -1),
    ],
)
def test_where_the_json_starts(line: str, start: int) -> None:
    assert payload_start(line) == start


def test_payload_is_a_container_or_none() -> None:
    assert payload('data: {"a": [1, "x"]}') == {"a": [1, "x"]}
    assert payload("data: [DONE]") is None
    assert payload('data: {"a": ') is None  # cut short
    assert payload("data: 42") is None


def test_strings_in_order_with_their_paths() -> None:
    value = {"a": "x", "b": [{"c": "y"}, 3, "z"], "d": None}
    assert list(strings(value)) == [(("a",), "x"), (("b", 0, "c"), "y"), (("b", 2), "z")]


def test_a_string_goes_back_in_the_line_own_style() -> None:
    lines = ['data:  {"type":"delta","text":"caf\\u00e9 key","n":1}  ', ""]
    line = DataLine(lines, 0)
    shared = line.value()
    assert line[("text",)] == "café key"
    line[("text",)] = "café <REDACTED:openai-key>"
    assert lines[0] == 'data:  {"type":"delta","text":"caf\\u00e9 <REDACTED:openai-key>","n":1}  '
    assert shared["text"] == "café key"  # the parsed payload, shared, is never changed
    assert line[("text",)] == "café <REDACTED:openai-key>"  # read again from the new line
    line[("text",)] = "café <REDACTED:openai-key>"  # the same value: nothing is written
    assert lines[1] == ""


def test_spaced_json_keeps_its_spacing() -> None:
    lines = ['data: {"delta": {"text": "a b"}, "index": 0}']
    DataLine(lines, 0)[("delta", "text")] = "a c"
    assert lines == ['data: {"delta": {"text": "a c"}, "index": 0}']


def test_a_path_to_no_string_is_refused() -> None:
    line = DataLine(['data: {"n": 1}'], 0)
    with pytest.raises(KeyError):
        line[("n",)]
