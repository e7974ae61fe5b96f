"""Replace one scalar's value inside YAML text, rewriting as little of its text as possible.

`replace_scalar` returns a `Splice` (replace text[start:end] with text) or None for a
no-op. It tries, in order, and keeps the first result that libyaml reads back, at the
scalar's indentation, as the new value in the intended style:
1. patch: only the parts of the scalar's text that hold changed characters
   (`yaml_splice` finds them), each written by `yaml_emit.fragment` in the scalar's own
   style. The rest of its text, folds and line breaks included, stays as it was; so an
   edit and its reverse give back the original text;
2. whole: the whole scalar in its own style, at its own indentation;
3. choice: the style PyYAML would choose there (a plain scalar that now needs quotes, a
   literal block that can't hold a character).

Rules: a block scalar's header changes only as its value needs (chomping, indentation
indicator); a writer's habit the old value didn't need (`|2` on a value that doesn't start
with a blank) is kept. Tags and anchors stay unless the value's type changes. Bytes go
into `!!binary` scalars as base64 in the scalar's own line width (PyYAML's is 76).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, replace

import yaml
from yaml.nodes import MappingNode, ScalarNode
from yaml.representer import SafeRepresenter

from cli.core.formats.vcr import yaml_emit
from cli.core.formats.vcr.yaml_emit import Place
from cli.core.formats.vcr.yaml_errors import YamlEditError
from cli.core.formats.vcr.yaml_scalars import (
    BREAK,
    BREAK_CHARS,
    Block,
    continuation_indent,
    parse_block,
    parse_flow,
)
from cli.core.formats.vcr.yaml_splice import spans

STR, BINARY = "tag:yaml.org,2002:str", "tag:yaml.org,2002:binary"
_TAGS = {bool: "bool", int: "int", float: "float", type(None): "null"}
_PROPERTY = re.compile(r"(?:[!&][^ \t\r\n\x85\u2028\u2029]*[ \t\r\n]+)*")


@dataclass(frozen=True)
class Splice:
    start: int
    end: int
    text: str


def scalar_text(value: object, node: ScalarNode) -> tuple[str, str]:
    """(the scalar's value text, its tag) for a Python value, as PyYAML represents it."""
    if isinstance(value, str):
        return value, STR
    if isinstance(value, bytes | bytearray):
        return _base64(bytes(value), node), BINARY
    kind = _TAGS.get(type(value))
    if kind is None:
        raise YamlEditError(f"cannot write a {type(value).__name__} as a YAML scalar")
    represented = SafeRepresenter().represent_data(value)
    return represented.value, f"tag:yaml.org,2002:{kind}"


def _base64(data: bytes, node: ScalarNode) -> str:
    """Base64 laid out like the scalar it replaces: same line width, same final newline."""
    encoded = base64.b64encode(data).decode("ascii")
    width, final = None, False
    if node.tag != BINARY or node.style in ("|", ">"):
        width, final = 76, True  # PyYAML's layout (base64.encodebytes)
        if node.tag == BINARY:
            lines = node.value.split("\n")
            final = node.value.endswith("\n")
            if len([line for line in lines if line]) > 1:
                width = len(lines[0])
            elif len(lines[0]) > 76:
                width = None
    if width:
        encoded = "\n".join(encoded[i : i + width] for i in range(0, len(encoded), width))
    return encoded + ("\n" if final and encoded else "")


def _patch_flow(text, body, end, style, pieces, place, old, new, indent) -> str | None:
    """The scalar's text with each changed span rewritten, the rest as it was."""
    scalar = text[body:end]
    unicode = style == '"' and yaml_emit.dq_unicode(scalar, place)
    lower_hex = style == '"' and yaml_emit.dq_lower_hex(scalar)
    parts, position = [], body
    for span in spans(pieces, len(pieces.kinds), old, new, style):
        piece = yaml_emit.fragment(
            style,
            new[span.c : span.d],
            indent=" " * indent,
            place=place,
            unicode=unicode,
            lower_hex=lower_hex,
            line_start=span.left == BREAK,
            before_fold=span.right == BREAK and text[span.te : span.te + 1] != "\\",
        )
        if piece is None:
            return None
        parts += [text[position : span.ts], piece]
        position = span.te
    parts.append(text[position:end])
    return "".join(parts)


def _chomping(value: str) -> str:
    """PyYAML's chomping indicator for a block scalar holding `value`."""
    if not value.endswith("\n"):
        return "-"
    return "+" if len(value) == 1 or value[-2] == "\n" else ""


def _chomping_fits(chomping: str, value: str) -> bool:
    trailing = len(value) - len(value.rstrip("\n"))
    return {"-": trailing == 0, "": trailing == 1 and len(value) > 1, "+": trailing >= 1}[chomping]


def _header(text: str, body: int, block: Block, place: Place, old: str, new: str):
    """(header text, chomping) for `new`: unchanged where it still fits; PyYAML's where the
    old header was PyYAML's; a writer's own habit kept where it still fits. None if no
    header can say it (an indentation indicator beyond 9)."""
    header = block.header
    chomping = header.chomping
    if chomping == _chomping(old) or not _chomping_fits(chomping, new):
        chomping = _chomping(new)
    had, pyyaml_had = header.indicator is not None, old[:1] in (" ", "\n")
    # A habit (an indicator PyYAML wouldn't write, or none where it would) is kept while
    # the value allows it; otherwise PyYAML's rule: a value starting with a blank or break.
    strict = new.lstrip("\n")[:1] in (" ", "\t")
    needed = new[:1] in (" ", "\n", "\t") if had == pyyaml_had else had or strict
    indicator = block.indent - max(place.parent_indent, 0) if needed else None
    if indicator is not None and not 1 <= indicator <= 9:
        return None
    if (indicator, chomping) == (header.indicator, header.chomping):
        return text[body : header.end], chomping
    return header.render(indicator, chomping), chomping


def _patch_block(text, body, end, block, place, old, new) -> tuple[int, str] | None:
    """A block scalar with only the changed part of its content rewritten. Trailing line
    breaks are the header's business (chomping), so the content is patched without them."""
    header, pieces = block.header, block.pieces
    old_trail, new_trail = len(old) - len(old.rstrip("\n")), len(new) - len(new.rstrip("\n"))
    content_old, content_new = old[: len(old) - old_trail], new[: len(new) - new_trail]
    count = len(pieces.kinds)
    if pieces.kinds[-1] == BREAK and pieces.value_at[-2] == len(content_old):
        count -= 1  # the tail: the last line's break and, for `+`, the empty lines after
    if not content_new or not content_old or pieces.value_at[count] != len(content_old):
        return None
    parts, position = [], pieces.text_at[1]
    for span in spans(pieces, count, content_old, content_new, header.style):
        after = content_new[span.d] if span.d < len(content_new) else None
        piece = yaml_emit.fragment(
            header.style,
            content_new[span.c : span.d],
            indent=" " * block.indent,
            place=place,
            next_char=after,
        )
        if piece is None:
            return None
        parts += [text[position : span.ts], piece]
        position = span.te
    new_header = _header(text, body, block, place, old, new)
    if new_header is None:
        return None
    tail_start = pieces.text_at[count]
    old_tail = text[tail_start : block.content_end]
    if "+" in (header.chomping, new_header[1]):  # trailing empty lines are content
        same = (old_trail, header.chomping) == (new_trail, new_header[1])
        tail = old_tail if same else place.newline * max(new_trail, 1)
        span_end = end
    else:
        span_end, tail = block.content_end, old_tail
    content = "".join(parts) + text[position:tail_start]
    return span_end, new_header[0] + header.break_text + content + tail


def _whole_block(text, body, end, block, place, new) -> tuple[int, str] | None:
    """The block scalar rewritten whole by PyYAML's writer, at its own indentation."""
    written = yaml_emit.whole(block.header.style, new, place, block.indent, True)
    new_header = _header(text, body, block, place, block.pieces.value, new)
    if written is None or new_header is None:
        return None
    lines = written[written.index(place.newline) + len(place.newline) :]
    written = new_header[0] + block.header.break_text + lines
    span_end = end if "+" in (block.header.chomping, new_header[1]) else block.content_end
    if not text[body:span_end].endswith(tuple(BREAK_CHARS)):
        written = written[: -len(place.newline)]  # the scalar ended the text, no break
    return span_end, written


def _reads_back(written: str, style: str, place: Place, value: str) -> bool:
    """Does libyaml read `written` as a scalar of `style` holding exactly `value`, as the
    value of a key at the scalar's parent indentation?"""
    try:
        root = yaml.compose(
            " " * max(place.parent_indent, 0) + "x: " + written, Loader=yaml.CSafeLoader
        )
    except yaml.YAMLError:
        return False
    if not isinstance(root, MappingNode) or len(root.value) != 1:
        return False
    node = root.value[0][1]
    return isinstance(node, ScalarNode) and (node.style or "") == style and node.value == value


def replace_scalar(text: str, node: ScalarNode, place: Place, value: object) -> Splice | None:
    """The splice that makes `node`'s scalar hold `value`; None if it already does.
    `place.column` is the column of the node's first character."""
    new, tag = scalar_text(value, node)
    if new == node.value and tag == node.tag:
        return None
    start, end = node.start_mark.index, node.end_mark.index
    body = _PROPERTY.match(text, start, end).end()  # after a tag or an anchor
    properties = text[start:body].split()
    explicit = any(word.startswith("!") for word in properties)
    anchor = next((word[1:] for word in properties if word.startswith("&")), None)
    style = node.style or ""
    block = parse_block(text, body, end, place.parent_indent) if style in ("|", ">") else None
    if block is not None:
        indent = block.indent
    else:
        indent = continuation_indent(text, body, end) or max(place.parent_indent, 0) + 2
    # Without a tag, a quoted or block scalar can only hold a string.
    fits = tag == node.tag if explicit else style == "" or tag == STR
    if end > start and fits:
        here = replace(place, column=place.column + (body - start))
        if style != "" or yaml_emit.plain_ok(new, tag, here, explicit):
            splice = _same_style(text, node, body, block, here, new, indent)
            if splice is not None:
                return splice
    return _choose(text, node, place, new, tag, anchor, block, indent)


def _same_style(text, node, body, block, place, new, indent) -> Splice | None:
    """The patch, else the whole scalar, in the scalar's own style: the first that reads
    back right. None if neither does."""
    end, style = node.end_mark.index, node.style or ""
    pieces = block.pieces if block is not None else parse_flow(text, body, end, style)
    if pieces.value != node.value:  # never trust a piece map that disagrees with libyaml
        raise YamlEditError(f"cannot map the scalar at line {node.start_mark.line + 1}")
    if block is not None:
        for attempt in (
            lambda: _patch_block(text, body, end, block, place, node.value, new),
            lambda: _whole_block(text, body, end, block, place, new),
        ):
            result = attempt()
            if result is not None and _reads_back(result[1], style, place, new):
                return Splice(body, *result)
        return None
    unicode = yaml_emit.dq_unicode(text[body:end], place)
    for attempt in (
        lambda: _patch_flow(text, body, end, style, pieces, place, node.value, new, indent),
        lambda: yaml_emit.whole(style, new, place, indent, unicode),
    ):
        written = attempt()
        if written is not None and _reads_back(written, style, place, new):
            return Splice(body, end, written)
    return None


def _choose(text, node, place, new, tag, anchor, block, indent) -> Splice:
    """The scalar written whole, tag and anchor included, in the style PyYAML would choose
    for it here. A block scalar ends with a line break, a flow scalar doesn't: the splice
    takes or gives one so that the line that follows stays as it was."""
    start, end = node.start_mark.index, node.end_mark.index
    if block is not None and block.header.chomping != "+":
        end = block.content_end  # empty lines after a `|` or `|-` aren't its content
    line_end = end
    while line_end < len(text) and text[line_end] in " \t":
        line_end += 1
    rest_blank = line_end == len(text) or text[line_end] in BREAK_CHARS
    empty = start == end  # `key:` with nothing after it: the new scalar needs a space
    place = replace(place, column=place.column + empty)
    written, style = yaml_emit.choice(new, tag, place, indent, anchor, block_ok=rest_blank)
    if not _reads_back(written, style, place, new):
        raise YamlEditError(f"cannot write the new value at line {node.start_mark.line + 1}")
    ends_with_break = end > start and text[end - 1] in BREAK_CHARS
    if style in ("|", ">") and not ends_with_break:
        written, end = written[: -len(place.newline)], line_end
    elif style not in ("|", ">") and ends_with_break:
        written += place.newline
    return Splice(start, end, " " * empty + written)
