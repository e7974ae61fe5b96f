"""yaml_scalars: a scalar's text cut into pieces whose values are exactly libyaml's."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.formats.vcr.yaml_errors import YamlEditError
from cli.core.formats.vcr.yaml_scalars import (
    LIT,
    Pieces,
    parse_block,
    parse_flow,
    parse_header,
)

_PROPERTIES = re.compile(r"(?:[!&][^ \t\r\n]*[ \t\r\n]+)*")


def pieces_of(text: str, node: yaml.ScalarNode, parent_indent: int) -> Pieces:
    start, end = node.start_mark.index, node.end_mark.index
    body = _PROPERTIES.match(text, start, end).end()
    if node.style in ("|", ">"):
        return parse_block(text, body, end, parent_indent).pieces
    return parse_flow(text, body, end, node.style or "")


def scalar_nodes(node: yaml.Node, parent_indent: int = -1):
    """(scalar node, indentation of the block collection holding it), keys included."""
    if isinstance(node, yaml.ScalarNode):
        yield node, parent_indent
    elif isinstance(node, yaml.SequenceNode):
        inner = parent_indent if node.flow_style else node.start_mark.column
        for item in node.value:
            yield from scalar_nodes(item, inner)
    else:
        for key, value in node.value:
            yield from scalar_nodes(key, parent_indent)
            inner = parent_indent if node.flow_style else key.start_mark.column
            yield from scalar_nodes(value, inner)


def check(text: str) -> int:
    """Every scalar of `text` parses to libyaml's value; literal runs are 1:1; the pieces
    cover the scalar's text without gaps. Returns how many scalars were checked."""
    count = 0
    for node, parent_indent in scalar_nodes(yaml.compose(text, Loader=yaml.CSafeLoader)):
        if node.start_mark.index == node.end_mark.index:
            continue
        pieces = pieces_of(text, node, parent_indent)
        assert pieces.value == node.value, (node.start_mark.line, node.style)
        for i, kind in enumerate(pieces.kinds):
            piece_text = text[pieces.text_at[i] : pieces.text_at[i + 1]]
            if kind == LIT:
                assert piece_text == pieces.value[pieces.value_at[i] : pieces.value_at[i + 1]]
        assert pieces.text_at == sorted(pieces.text_at)
        count += 1
    return count


def test_every_scalar_in_the_corpus_parses_to_libyamls_value(vcr_cassettes) -> None:
    total = sum(check(cassette.text) for cassette in vcr_cassettes)
    assert total > 30000


@pytest.mark.parametrize(
    "text",
    [
        "a: 'one\n\n  two  \n   three'\n",  # a blank line is a newline; blanks around breaks go
        'a: "x\\\n  \\ y\\ty\\u00e9\\x41\\U0001F600\\N\\_\\L\\P\\/\\e\\0"\n',
        'a: "one\n\n\n  two\\\n\n  three"\n',  # empty lines after an escaped break stay
        "a: plain\n  folded\n\n  twice\n",
        "a: |\n  x\n\n   more indented\n  y\n\n\nb: 1\n",
        "a: |+\n  x\n\n\nb: 1\n",
        "a: |-\n  x\n  y",  # no final line break
        "a: >\n  folded\n  lines\n\n   more\n   indented\n  back\n",
        "a: >-\n\n  leading empty line\n",
        "a:\n  b: |2\n     starts with a space\n",  # the indicator counts from b's column
        "- |2-\n\n\n    ok\n",
        "a: 'line\r\n  two'\r\nb: |\r\n  x\r\n  y\r\n",
        "a: 'ls\u2028ps\u2029nel\x85end'\n",
        'a: "caf\u00e9 \U0001f600"\n',
        "a: !!binary |\n  SGVsbG8=\nb: &x 'anchored'\n",
        "a: {x: 'flow', y: \"quoted\", z: [plain, 'it''s']}\n",
    ],
)
def test_tricky_scalars_parse_to_libyamls_value(text: str) -> None:
    assert check(text) >= 1


def test_header_keeps_the_writers_order_of_indicators() -> None:
    assert parse_header("|-2\n", 0, 4).render(2, "+") == "|+2"
    assert parse_header("|2-\n", 0, 4).render(2, "+") == "|2+"
    assert parse_header("|-\n", 0, 3).render(2, "+") == "|2+"  # PyYAML's order by default
    assert parse_header("| # note\n", 0, 9).render(None, "-") == "|- # note"


def test_a_bad_escape_is_refused() -> None:
    with pytest.raises(YamlEditError):
        parse_flow('"a\\qb"', 0, 6, '"')


STYLES = st.sampled_from([None, "'", '"', "|", ">"])
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufeff"), max_size=60
) | st.lists(st.sampled_from(["word", " ", "  ", "\n", "\t", "'", '"', "\\", "é", "#", ": "]),
             max_size=25).map("".join)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    values=st.lists(TEXT, min_size=1, max_size=4),
    style=STYLES,
    width=st.integers(20, 120),
    indent=st.integers(2, 6),
    nested=st.booleans(),
    allow_unicode=st.booleans(),
    line_break=st.sampled_from(["\n", "\r\n"]),
)
def test_whatever_pyyaml_writes_parses_back(
    values, style, width, indent, nested, allow_unicode, line_break
) -> None:
    data = {"k": {"inner": values} if nested else values}
    text = yaml.dump(
        data,
        default_style=style,
        width=width,
        indent=indent,
        allow_unicode=allow_unicode,
        line_break=line_break,
    )
    check(text)
