"""JSON text: read fast without reading it wrong (orjson, except where orjson would turn a
number into another: integers beyond 64 bits become floats), and written back in the
text's own style (`detect_style`, `dump`).

Rules:
- `has_long_integer` never says no in vain: a text it passes holds no integer orjson
  reads as a float. It may say yes in vain (digits inside a string), which only costs
  the standard library's slower parse.
- `detect_style` finds the layout `json.dumps` can reproduce a text in (indent, line
  ends, separators, ASCII escaping, a byte-order mark, what follows the value); `dump`
  writes a value in it. `exact=False` says no layout of ours gives the text back.
- orjson reads every integer from -2**63 to 2**64 - 1 exactly, so only a run of digits
  above 2**64 - 1, or of 19 after a minus sign (or after anything but a separator), needs
  the slow path; a run after a `.` is a fraction, which orjson reads right.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

# `bytes.translate` maps digits to "1", "." to itself and all else to "0": a C-speed scan,
# unlike a regex here (about 20x slower on the corpus).
_DIGIT_MAP = bytes(
    ord("1") if chr(byte).isdigit() and byte < 128 else byte if byte == ord(".") else ord("0")
    for byte in range(256)
)
_RUN = b"1" * 19  # searched in the translated text: a run of one byte value is found fast
_DOT = ord(".")
_DIGITS = frozenset(b"0123456789")
# After these, 19 digits are a positive integer below 10**19 < 2**64 (or a float's
# integer part): orjson reads them right.
_PLAIN_BEFORE = frozenset(b" \t\r\n:,[")
_MAX_UNSIGNED = b"18446744073709551615"  # 2**64 - 1
_PLACES = 8  # places `has_long_integer` checks before it reads the whole file


def has_long_integer(data: bytes) -> bool:
    """Whether `data` may hold an integer orjson would read as a float (see the rules).

    A look at every 6th byte first: a run of 19 digits covers three bytes 6 apart, so only
    around three such digits in a row can there be one; few places are checked (each a
    few bytes), or, past `_PLACES`, the whole file."""
    sampled = data[::6].translate(_DIGIT_MAP)
    position = sampled.find(b"111")
    for _ in range(_PLACES):
        if position == -1:
            return False
        at = position * 6
        # the first such run of digits starts within [at-5, at]: the window holds the byte
        # before it and its first 21 digits
        begin = max(0, at - 6)
        if _long_run(data[begin : at + 21], whole=begin == 0):
            return True
        position = sampled.find(b"111", position + 1)
    return _long_run(data, whole=True)


def _long_run(text: bytes, *, whole: bool) -> bool:
    """Whether `text` holds a run of digits orjson may read wrong. `whole`: `text` starts
    where the data starts; else a run at its very start began before it (and was judged
    with its first byte, in an earlier window)."""
    digits = text.translate(_DIGIT_MAP)
    position = digits.find(_RUN)
    while position != -1:
        if _read_wrong(text, digits, position, whole):
            return True
        position = digits.find(_RUN, position + 19)
    return False


def _read_wrong(text: bytes, digits: bytes, position: int, whole: bool) -> bool:
    """Whether the run of 19 digits or more at `position` may be a number orjson reads
    wrong: not a fraction (after `.`), nor the inside of a run, nor a plain positive
    integer up to 2**64 - 1."""
    if position == 0:  # the text is a bare number, or a window starts inside a run
        return whole and _beyond(text, digits, 0)
    before = text[position - 1]
    if before == _DOT or before in _DIGITS:
        return False
    return before not in _PLAIN_BEFORE or _beyond(text, digits, position)


def _beyond(text: bytes, digits: bytes, start: int) -> bool:
    """Whether the run of 19 digits or more at `start` (a positive integer) may be
    beyond 2**64 - 1: 21 digits or more, or 20 above that number."""
    if digits[start + 19 : start + 20] != b"1":
        return False
    if digits[start + 20 : start + 21] == b"1":
        return True
    return text[start : start + 20] > _MAX_UNSIGNED


# writing in a text's own style ------------------------------------------------------

BOM = b"\xef\xbb\xbf"
_NEWLINE_INDENT = re.compile(r"\n[ \t]*")


@dataclass(frozen=True)
class Style:
    """How a file was written: enough to write an edited value back the same way."""

    indent: str | None = "  "  # None: everything on one line
    collapsed: bool = False  # the seeds: pretty layout with each newline+indent folded to " "
    ensure_ascii: bool = True
    item_separator: str = ","
    key_separator: str = ": "
    line_ending: str = "\n"
    tail: bytes = b"\n"  # whatever follows the closing brace
    bom: bool = False
    exact: bool = True  # dump(load(file)) reproduced the file byte for byte


DEFAULT_STYLE = Style()  # json.dumps(obj, indent=2) + "\n", as llama-stack writes


def dump(value: Any, style: Style = DEFAULT_STYLE) -> bytes:
    """Serialize `value` the way `style` says."""
    if style.indent is None:
        text = json.dumps(
            value,
            ensure_ascii=style.ensure_ascii,
            separators=(style.item_separator, style.key_separator),
        )
    else:
        text = json.dumps(
            value,
            ensure_ascii=style.ensure_ascii,
            indent=style.indent,
            separators=(style.item_separator, style.key_separator),
        )
        # JSON strings never hold a raw newline, so every "\n" here is layout.
        if style.collapsed:
            text = _NEWLINE_INDENT.sub(" ", text)
        elif style.line_ending != "\n":
            text = text.replace("\n", style.line_ending)
    body = text.encode("utf-8", "surrogatepass")
    return (BOM if style.bom else b"") + body + style.tail


def detect_style(raw: bytes, value: Any) -> Style:
    """The style that writes `value` back as `raw`; `exact=False` if none of ours does."""
    bom = raw.startswith(BOM)
    data = raw[len(BOM) :] if bom else raw
    stripped = data.rstrip()
    base = Style(
        tail=data[len(stripped) :],
        bom=bom,
        ensure_ascii=data.isascii(),
    )
    candidates = _candidates(stripped, base)
    if base.ensure_ascii:  # all-ASCII bytes may still be unescaped output (DEL, say)
        candidates += [replace(c, ensure_ascii=False) for c in candidates]
    for candidate in candidates:
        if dump(value, candidate) == raw:
            return candidate
    return replace(candidates[0], exact=False)


def _candidates(stripped: bytes, base: Style) -> list[Style]:
    newline = stripped.find(b"\n")
    if newline != -1:
        line_ending = "\r\n" if stripped[newline - 1 : newline] == b"\r" else "\n"
        after = stripped[newline + 1 :]
        indent = after[: len(after) - len(after.lstrip(b" \t"))].decode("ascii") or "  "
        pretty = replace(base, indent=indent, line_ending=line_ending, item_separator=",")
        return [pretty, replace(pretty, item_separator=", ")]
    collapsed = replace(base, indent="  ", collapsed=True, item_separator=",")
    spaced = replace(base, indent=None, item_separator=", ", key_separator=": ")
    compact = replace(base, indent=None, item_separator=",", key_separator=":")
    if stripped.startswith((b"{ ", b"[ ")):
        return [collapsed, spaced, compact]
    if b'":' in stripped[:200] and b'": ' not in stripped[:200]:
        return [compact, spaced, collapsed]
    return [spaced, compact, collapsed]
