"""Write a value, or a piece of one, as YAML scalar text in a given style and place.

Three levels, from the most surgical to the least (`yaml_patch` tries them in this order):
- `fragment`: the changed middle of a value, to splice into a scalar's existing text. It
  writes each character the way PyYAML's emitter does in that style (`''` for a quote,
  `\\"` and `\\n` escapes, a blank line for a newline in a single-quoted scalar, a line
  break plus the indentation in a block scalar), so that an edit and its reverse give
  back the original text;
- `whole`: the whole value in the scalar's own style, by PyYAML's own writers set up for
  the scalar's column and indentation;
- `choice`: the style PyYAML itself would choose for the value at that place, tag included.

Rules: nothing here reads the document; the caller passes a `Place` and, for fragments,
what surrounds the splice. Every result is checked by the caller by parsing it back.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from yaml.emitter import Emitter
from yaml.events import ScalarEvent
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_RESOLVER = Resolver()
_NON_ASCII = re.compile(r"[^\x00-\x9f]")
_HEX_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")
_ESCAPED_UNICODE = re.compile(r"\\(?:x[A-Fa-f][0-9A-Fa-f]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|_)")
# PyYAML's double-quoted escapes (Emitter.ESCAPE_REPLACEMENTS), as written.
_DQ_ESCAPES = {char: "\\" + code for char, code in Emitter.ESCAPE_REPLACEMENTS.items()}


@dataclass(frozen=True)
class Place:
    """Where a scalar sits: what its indentation and style choices depend on."""

    parent_indent: int  # column of the key or dash that holds it (-1 at the root)
    flow: bool  # inside a flow collection: no block scalars, fewer plain characters
    column: int  # column where the scalar's text starts
    newline: str  # the document's line break
    unicode: bool  # the document holds non-ASCII characters as they are


def printable(char: str) -> bool:
    """A character YAML lets stand for itself outside double quotes (breaks excluded)."""
    return (
        char == "\t"
        or " " <= char <= "~"
        or "\xa0" <= char <= "\ud7ff"
        or ("\ue000" <= char <= "\ufffd" and char != "\ufeff")
        or char >= "\U00010000"
    )


def dq_unicode(scalar_text: str, place: Place) -> bool:
    """Does this double-quoted scalar write non-ASCII characters as they are? Its own text
    decides; without evidence, the document's habit does (PyYAML's allow_unicode)."""
    if _NON_ASCII.search(scalar_text):
        return True
    if _ESCAPED_UNICODE.search(scalar_text):
        return False
    return place.unicode


def dq_lower_hex(scalar_text: str) -> bool:
    """Does this double-quoted scalar write hex escapes in lower case (`\\u00e9`)? PyYAML
    writes upper case; only digits that have a case say anything."""
    digits = [e[2:] for e in _HEX_ESCAPE.findall(scalar_text) if not e[2:].isdigit()]
    return bool(digits) and all(d == d.lower() for d in digits)


def _dq_char(char: str, unicode: bool, lower: bool) -> str:
    """PyYAML's write_double_quoted, one character at a time."""
    literal = " " <= char <= "~" or (
        unicode and ("\xa0" <= char <= "\ud7ff" or "\ue000" <= char <= "\ufffd")
    )
    if literal and char not in '"\\\x85\u2028\u2029\ufeff':
        return char
    if char in _DQ_ESCAPES:
        return _DQ_ESCAPES[char]
    code = ord(char)
    text = f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else None
    text = text or f"\\U{code:08X}"
    return text[:2] + text[2:].lower() if lower else text


def fragment(
    style: str,
    value: str,
    *,
    indent: str,
    place: Place,
    unicode: bool = False,
    lower_hex: bool = False,
    line_start: bool = False,
    before_fold: bool = False,
    next_char: str | None = None,
) -> str | None:
    """`value` written as part of a scalar of `style`, or None when that style can't hold it
    here. `indent` is what starts a continuation line. Double quotes: `line_start` says the
    splice follows a line break (a leading blank must be escaped to survive), `before_fold`
    that a bare line break follows it (so must a trailing blank). Block scalars:
    `next_char` is the value's character after the splice, which decides whether a new
    line gets its indentation."""
    if style == '"':
        out = [_dq_char(char, unicode, lower_hex) for char in value]
        if out and line_start and value[0] == " ":
            out[0] = "\\ "
        if out and before_fold and value[-1] == " ":
            out[-1] = "\\ "
        return "".join(out)
    if style == "|":
        out = []
        for index, char in enumerate(value):
            if char == "\n":
                after = value[index + 1] if index + 1 < len(value) else next_char
                out.append(place.newline + (indent if after not in (None, "\n") else ""))
            elif printable(char):
                out.append(char)
            else:
                return None
        return "".join(out)
    if style in ("", ">"):
        return value if all(printable(char) for char in value) else None
    out, index = [], 0  # single-quoted: k newlines are k+1 line breaks, then the indentation
    while index < len(value):
        char = value[index]
        if char == "\n":
            run = len(value) - index - len(value[index:].lstrip("\n"))
            out.append(place.newline * (run + 1) + indent)
            index += run
            continue
        if not printable(char):
            return None
        out.append("''" if char == "'" else char)
        index += 1
    return "".join(out)


def _emitter(place: Place, indent: int, unicode: bool) -> tuple[Emitter, io.StringIO]:
    """A PyYAML emitter positioned where the scalar starts, mid-line at `place.column`."""
    stream = io.StringIO()
    emitter = Emitter(stream, allow_unicode=unicode, line_break=place.newline)
    emitter.tag_prefixes = dict(Emitter.DEFAULT_TAG_PREFIXES)
    emitter.indent = indent
    emitter.column = place.column
    emitter.flow_level = 1 if place.flow else 0
    emitter.whitespace = True  # the scalar's first character goes exactly at the column
    emitter.indention = False
    # The indentation indicator PyYAML writes for a block scalar is best_indent; make it
    # count from the enclosing block as libyaml does.
    emitter.best_indent = indent - max(place.parent_indent, 0)
    return emitter, stream


def analysis(value: str, unicode: bool = True):
    """PyYAML's verdict on which styles can hold `value` (Emitter.analyze_scalar)."""
    return Emitter(io.StringIO(), allow_unicode=unicode).analyze_scalar(value)


def plain_ok(value: str, tag: str, place: Place, explicit_tag: bool) -> bool:
    """Can `value` be a plain scalar here, and will it load back with `tag`?"""
    verdict = analysis(value)
    allowed = verdict.allow_flow_plain if place.flow else verdict.allow_block_plain
    if not allowed or verdict.empty:
        return False
    return explicit_tag or _RESOLVER.resolve(ScalarNode, value, (True, False)) == tag


def whole(style: str, value: str, place: Place, indent: int, unicode: bool) -> str | None:
    """`value` in `style` by PyYAML's writer for it, or None if PyYAML would not allow that
    style for this value here. Block scalars come back with PyYAML's header and a final
    line break; the caller adjusts both."""
    verdict = analysis(value, unicode=True if style != '"' else unicode)
    allowed = {
        "'": verdict.allow_single_quoted,
        '"': True,
        "|": verdict.allow_block and not place.flow,
        ">": verdict.allow_block and not place.flow,
        "": verdict.allow_flow_plain if place.flow else verdict.allow_block_plain,
    }[style]
    if not allowed or (verdict.empty and style in ("", "|", ">")):
        return None
    emitter, stream = _emitter(place, indent, unicode)
    writer = {
        "'": emitter.write_single_quoted,
        '"': emitter.write_double_quoted,
        "|": emitter.write_literal,
        ">": emitter.write_folded,
        "": emitter.write_plain,
    }[style]
    writer(verdict.scalar)
    return stream.getvalue()


def choice(
    value: str, tag: str, place: Place, indent: int, anchor: str | None, block_ok: bool
) -> tuple[str, str]:
    """(text, style) of the scalar as PyYAML would write it here, with its tag and anchor
    when they are needed. `block_ok` False keeps block styles out (something follows the
    scalar on its line)."""
    implicit = (
        tag == _RESOLVER.resolve(ScalarNode, value, (True, False)),
        tag == _RESOLVER.resolve(ScalarNode, value, (False, True)),
    )
    style = "|" if tag == "tag:yaml.org,2002:binary" else None
    emitter, stream = _emitter(place, indent, place.unicode)
    emitter.event = ScalarEvent(anchor, tag, implicit, value, style=style)
    emitter.style = emitter.choose_scalar_style()
    if emitter.style in ("|", ">") and not block_ok:
        emitter.style = '"'
    chosen = emitter.style
    emitter.process_anchor("&")
    emitter.process_tag()
    emitter.process_scalar()
    return stream.getvalue(), chosen
