"""JSON text inside a body, a stream line or a frame: write an edited value back in the
text's own style.

Rules:
- `rewrite(text, new)` gives `text` itself when `new` is the value `text` holds (types
  exact, `equality.same_value`). Otherwise:
  1. when the style `jsontext.detect_style` finds (separators, indent, ASCII escaping, what
     follows the value) writes the old value back as `text` byte for byte, `new` is
     written in that style (keys in their own order, as the value keeps them);
  2. else (a writer whose spacing, escapes or number spelling Python's json doesn't
     reproduce) only the changed scalars are replaced, at their own spans in `text`,
     each written as json writes it (ASCII-escaped unless the text holds raw non-ASCII
     characters); every other character stays. A change of shape (a key added or
     removed, a list grown or shrunk, a scalar become a container) can't be patched:
     `JsonTextError`.
- Either way an edit and its reverse give back the text byte for byte.
- Pure: text in, text out; nothing is read or written.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any

from cli.core.equality import same_value
from cli.core.jsontext import detect_style, dump
from cli.core.transcript.common import parse_json
from cli.core.wire import WireError

_UNSET: Any = object()
_BLANK = " \t\r\n"
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = ("true", "false", "null", "NaN", "Infinity", "-Infinity")

Path = tuple[str | int, ...]


class JsonTextError(WireError):
    """An edited value that can't be written back in its text's own style."""


def rewrite(text: str, new: Any, old: Any = _UNSET) -> str:
    """`text` holding `new` instead of `old` (parsed from `text` when not given), in the
    text's own style; see the module's rules."""
    if old is _UNSET:
        old, ok = parse_json(text)
        if not ok:
            raise JsonTextError("the text is not JSON, so an edited value can't go back in")
    if same_value(old, new):
        return text
    raw = text.encode("utf-8", "surrogatepass")
    style = detect_style(raw, old)
    if style.exact:
        return dump(new, style).decode("utf-8", "surrogatepass")
    return patch(text, old, new)


def patch(text: str, old: Any, new: Any) -> str:
    """`text` with each scalar that differs between `old` and `new` replaced at its span."""
    changed: dict[Path, Any] = {}
    _changed_scalars(old, new, (), changed)
    spans: dict[Path, tuple[int, int]] = {}
    try:
        end = _scan(text, _skip(text, 0), (), spans)
    except (IndexError, ValueError, RecursionError):
        raise JsonTextError("the JSON text can't be read span by span") from None
    if text[end:].strip(_BLANK):
        raise JsonTextError("the JSON text has more after its value")
    ascii_only = text.isascii()
    pieces, position = [], 0
    for path, (start, stop) in sorted(
        ((path, spans[path]) for path in changed), key=lambda pair: pair[1]
    ):
        pieces += [text[position:start], json.dumps(changed[path], ensure_ascii=ascii_only)]
        position = stop
    pieces.append(text[position:])
    return "".join(pieces)


def _changed_scalars(old: Any, new: Any, path: Path, out: dict[Path, Any]) -> None:
    """Every scalar of `new` that differs from `old` at the same path; the two values must
    have one shape."""
    if isinstance(old, dict) and isinstance(new, dict):
        if list(old) != list(new):
            raise JsonTextError(f"{_where(path)}: keys were added, removed or reordered")
        for key, value in old.items():
            _changed_scalars(value, new[key], (*path, key), out)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            raise JsonTextError(f"{_where(path)}: the list changed length")
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _changed_scalars(a, b, (*path, index), out)
    elif isinstance(old, dict | list) or isinstance(new, dict | list):
        raise JsonTextError(f"{_where(path)}: a value changed between scalar and container")
    elif not same_value(old, new):
        out[path] = new


def _where(path: Path) -> str:
    return "/" + "/".join(str(step) for step in path)


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _BLANK:
        index += 1
    return index


def _scan(text: str, index: int, path: Path, spans: dict[Path, tuple[int, int]]) -> int:
    """Read the value at `index`; record each scalar's span by its path; return its end.
    A duplicate key's last value wins, as when parsing."""
    char = text[index]
    if char == "{":
        index = _skip(text, index + 1)
        if text[index] == "}":
            return index + 1
        while True:
            if text[index] != '"':
                raise ValueError("a key must be a string")
            key, index = scanstring(text, index + 1)
            index = _skip(text, index)
            if text[index] != ":":
                raise ValueError("a colon must follow a key")
            index = _skip(text, _scan(text, _skip(text, index + 1), (*path, key), spans))
            if text[index] == "}":
                return index + 1
            if text[index] != ",":
                raise ValueError("a comma or a brace must follow a value")
            index = _skip(text, index + 1)
    if char == "[":
        index = _skip(text, index + 1)
        if text[index] == "]":
            return index + 1
        position = 0
        while True:
            index = _skip(text, _scan(text, index, (*path, position), spans))
            position += 1
            if text[index] == "]":
                return index + 1
            if text[index] != ",":
                raise ValueError("a comma or a bracket must follow an item")
            index = _skip(text, index + 1)
    if char == '"':
        end = scanstring(text, index + 1)[1]
    else:
        literal = next((word for word in _LITERALS if text.startswith(word, index)), None)
        match = _NUMBER.match(text, index) if literal is None else None
        if literal is None and match is None:
            raise ValueError("not a JSON value")
        end = index + len(literal) if literal is not None else match.end()  # type: ignore[union-attr]
    spans[path] = (index, end)
    return end
