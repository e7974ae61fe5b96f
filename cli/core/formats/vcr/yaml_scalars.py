"""Parse one YAML scalar's source text into pieces that map text offsets to value offsets.

The surgical writer (`yaml_patch`) rewrites only the part of a scalar's text that holds the
changed characters of its value, so it needs to know where each value character came from.
`parse_flow` and `parse_block` cut a scalar's text into `Pieces`:
- LIT runs, where text and value agree character for character (a run splits anywhere);
- BREAK pieces: a fold (a line break with the blanks around it and any empty lines), a `\\`
  line continuation, a block scalar's line break with the next line's indentation;
- ESCAPE pieces (`\\"`, `\\u00e9`, `''`) and the FIXED block header: atomic, never split.

Rules:
- Each piece's value follows libyaml's scanner (scan_flow_scalar, scan_plain_scalar and
  scan_block_scalar in scanner.c), and the caller checks the joined value against the
  value libyaml composed: a piece map that disagrees is never used.
- Offsets are character offsets into the document text, as libyaml's `mark.index` counts
  them (one per code point, CRLF as two). Line breaks are CRLF, CR, LF, NEL, LS and PS;
  libyaml turns all but LS and PS into LF, and so do we.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

from cli.core.formats.vcr.yaml_errors import YamlEditError

LIT, BREAK, ESCAPE, FIXED = range(4)

BREAK_CHARS = "\r\n\x85\u2028\u2029"
_BRK = r"(?:\r\n|[\r\n\x85\u2028\u2029])"
_BREAK_RE = re.compile(_BRK)
_FOLD = rf"[ \t]*{_BRK}(?:[ \t]*{_BRK})*[ \t]*"
# A run of characters that stand for themselves: blanks only when no break follows them.
# Unrolled (words, then blanks) rather than one alternation per character: 5x faster.
_BLANKS_KEPT = r"[ \t]+(?![ \t\r\n\x85\u2028\u2029])"
_WORD = r"[^{stop} \t\r\n\x85\u2028\u2029]+"
_RUN = rf"(?:{_BLANKS_KEPT})?(?:{_WORD}(?:{_BLANKS_KEPT})?)+|{_BLANKS_KEPT}"
_TOKENS = {
    "": re.compile(rf"(?P<fold>{_FOLD})|(?P<lit>{_RUN.format(stop='')})"),
    "'": re.compile(rf"(?P<fold>{_FOLD})|(?P<esc>'')|(?P<lit>{_RUN.format(stop=chr(39))})"),
    '"': re.compile(
        rf"(?P<fold>{_FOLD})|(?P<cont>\\{_BRK}(?:[ \t]*{_BRK})*[ \t]*)"
        r"|(?P<esc>\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0abt\tnvfre \"/\\N_LP]))"
        rf"|(?P<lit>{_RUN.format(stop=chr(92) * 2)})"
    ),
}
ESCAPES = {
    "0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b",
    "f": "\x0c", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEADER = re.compile(
    r"([|>])([1-9][+-]?|[+-][1-9]?)?([ \t]*(?:#[^\r\n\x85\u2028\u2029]*)?)"
    r"(\r\n|[\r\n\x85\u2028\u2029]|\Z)"
)
_CONTINUATION = re.compile(rf"{_BRK}(?:[ \t]*{_BRK})*( *)(?=[^ \r\n\x85\u2028\u2029])")
_LINE = re.compile(r"( *)([^\r\n\x85\u2028\u2029]*)(\r\n|[\r\n\x85\u2028\u2029]|\Z)")


@dataclass
class Pieces:
    """A scalar's value, cut into pieces: piece i is text[text_at[i]:text_at[i+1]] in the
    document and value[value_at[i]:value_at[i+1]], of kind kinds[i]."""

    value: str
    text_at: list[int]
    value_at: list[int]
    kinds: list[int]

    @classmethod
    def build(cls, text_at: list[int], kinds: list[int], parts: list[str]) -> Pieces:
        return cls("".join(parts), text_at, list(accumulate(map(len, parts), initial=0)), kinds)


@dataclass(frozen=True)
class BlockHeader:
    """The first line of a `|` or `>` scalar, as written."""

    style: str  # "|" or ">"
    indicator: int | None  # the explicit indentation indicator, if any
    chomping: str  # "-" strip, "" clip, "+" keep
    order: str  # "ic" or "ci": which indicator came first, to write it back the same way
    comment: str  # blanks and comment after the indicators
    end: int  # document offset where the header's line break starts
    break_text: str  # the header's line break ("" at the end of the text)

    def render(self, indicator: int | None, chomping: str) -> str:
        digits = str(indicator) if indicator is not None else ""
        both = chomping + digits if self.order == "ci" else digits + chomping
        return f"{self.style}{both}{self.comment}"


@dataclass(frozen=True)
class Block:
    """A parsed block scalar: its header, content indentation and pieces. `content_end` is
    where the text that holds the value ends: after the last content line's break, or the
    scalar's end for `+` (whose trailing empty lines are content)."""

    header: BlockHeader
    indent: int
    pieces: Pieces
    content_end: int


def normalize_break(text: str) -> str:
    return text if text in ("\u2028", "\u2029") else "\n"


def _fold_value(token: str, escaped: bool) -> str:
    """What libyaml makes of a run of blanks and line breaks inside a flow scalar."""
    breaks = [normalize_break(b) for b in _BREAK_RE.findall(token)]
    if escaped:  # `\` + break: the break itself vanishes, empty lines after it stay
        return "".join(breaks[1:])
    first, rest = breaks[0], breaks[1:]
    if first == "\n":
        return "".join(rest) if rest else " "
    return first + "".join(rest)


def _escape_value(token: str) -> str:
    if token == "''":
        return "'"
    code = token[1]
    if code in "xuU":
        number = int(token[2:], 16)
        if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
            raise YamlEditError(f"invalid escape {token} in a double-quoted scalar")
        return chr(number)
    return ESCAPES[code]


def parse_flow(text: str, start: int, end: int, style: str) -> Pieces:
    """Pieces of a plain (`style` ""), single- or double-quoted scalar at text[start:end].
    For quoted styles the span includes the quotes, which become FIXED pieces."""
    quoted = style in ("'", '"')
    text_at, kinds, parts = [start], [], []
    # Bound methods in locals: a big JSON body has thousands of escapes.
    add_text, add_kind, add_part = text_at.append, kinds.append, parts.append
    inner_start, inner_end = (start + 1, end - 1) if quoted else (start, end)
    if quoted:
        if end - start < 2 or text[start] != style or text[end - 1] != style:
            raise YamlEditError(f"scalar at offset {start} is not {style}-quoted as expected")
        add_text(inner_start), add_kind(FIXED), add_part("")
    position = inner_start
    for match in _TOKENS[style].finditer(text, inner_start, inner_end):
        token_start, position_after = match.span()
        if token_start != position:
            raise YamlEditError(f"cannot read the scalar at offset {start}")
        kind, token = match.lastgroup, match.group()
        if kind == "lit":
            add_kind(LIT), add_part(token)
        elif kind == "esc":
            simple = len(token) == 2 and token != "''"
            add_kind(ESCAPE), add_part(ESCAPES[token[1]] if simple else _escape_value(token))
        else:
            add_kind(BREAK), add_part(_fold_value(token, kind == "cont"))
        add_text(position_after)
        position = position_after
    if position != inner_end:
        raise YamlEditError(f"cannot read the scalar at offset {start}")
    if quoted:
        add_text(end), add_kind(FIXED), add_part("")
    return Pieces.build(text_at, kinds, parts)


def parse_header(text: str, start: int, end: int) -> BlockHeader:
    match = _HEADER.match(text, start, end)
    if match is None:
        raise YamlEditError(f"cannot read the block scalar header at offset {start}")
    indicators = match.group(2) or ""
    digits = "".join(c for c in indicators if c.isdigit())
    chomping = "".join(c for c in indicators if c in "+-")
    return BlockHeader(
        style=match.group(1),
        indicator=int(digits) if digits else None,
        chomping=chomping,
        order="ci" if len(indicators) == 2 and indicators[0] in "+-" else "ic",
        comment=match.group(3),
        end=match.start(4),
        break_text=match.group(4),
    )


def block_indent(indicator: int, parent_indent: int) -> int:
    """libyaml: an indentation indicator counts from the enclosing block's indentation."""
    return parent_indent + indicator if parent_indent >= 0 else indicator


def parse_block(text: str, start: int, end: int, parent_indent: int) -> Block:
    """Pieces of a `|` or `>` scalar at text[start:end]; `parent_indent` is the indentation
    of the block collection that holds it (the key's or the dash's column, -1 at the root)."""
    header = parse_header(text, start, end)
    literal = header.style == "|"
    content_start = header.end + len(header.break_text)
    text_at, kinds, parts = [start, content_start], [FIXED], [""]
    lines = []  # (line start, spaces, body, break text)
    position = content_start
    while position < end:
        match = _LINE.match(text, position, end)
        lines.append((position, len(match.group(1)), match.group(2), match.group(3)))
        position = match.end()
        if not match.group(3):
            break
    if header.indicator is not None:
        indent = block_indent(header.indicator, parent_indent)
    else:  # libyaml: the most indented of the leading empty lines and the first content line
        indent = 0
        for _, spaces, body, _ in lines:
            indent = max(indent, spaces)
            if body:
                break
        indent = max(indent, parent_indent + 1, 1)
    gap_start = content_start
    leading_break, trailing, previous_blank, seen_content = "", [], False, False
    for line_start, spaces, body, line_break in lines:
        if spaces <= indent and not body:  # an empty line
            if line_break:
                trailing.append(normalize_break(line_break))
            continue
        if spaces < indent:
            raise YamlEditError(f"cannot read the block scalar at offset {start}")
        body_start = line_start + indent
        content = text[body_start : body_start + spaces - indent + len(body)]
        blank = content[:1] in (" ", "\t")
        if not literal and leading_break == "\n" and not previous_blank and not blank:
            gap = "".join(trailing) if trailing else " "
        else:
            gap = leading_break + "".join(trailing)
        text_at += [body_start, body_start + len(content)]
        kinds += [BREAK, LIT]
        parts += [gap if seen_content else "".join(trailing), content]
        gap_start = body_start + len(content)
        leading_break = normalize_break(line_break) if line_break else ""
        trailing, previous_blank, seen_content = [], blank, True
    if header.chomping == "+":
        content_end, tail = end, leading_break + "".join(trailing)
    else:
        after = _BREAK_RE.match(text, gap_start, end) if seen_content else None
        content_end = after.end() if after else gap_start
        tail = leading_break if header.chomping == "" else ""
    if content_end > gap_start or tail:
        text_at.append(content_end), kinds.append(BREAK), parts.append(tail)
    return Block(header, indent, Pieces.build(text_at, kinds, parts), content_end)


def continuation_indent(text: str, start: int, end: int) -> int | None:
    """Indentation of the first non-empty line after a scalar's first line, if it has one."""
    match = _CONTINUATION.search(text, start, end)
    return len(match.group(1)) if match else None
