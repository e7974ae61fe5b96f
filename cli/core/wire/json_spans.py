"""Where values sit in JSON text, and one string value changed in place.

Rules:
- `locate` walks the text's tokens (one regex; the value is never built) and stops once
  every wanted JSON pointer is found. It works on `str` and on `bytes`. For each pointer:
  `first`, where a person looks for it (an object member's key, else the value), and the
  value token's own `start` and `end` (`end` is -1 for an object or an array).
- `replace_string` gives a JSON string token whose decoded value changed from `old` to
  `new`, rewriting only the stretch that changed, in the token's own escaping: every
  other byte of the token stays, so a redacted key changes a line only where the key was.
- Pure functions over text; JSON that isn't well formed just yields fewer places.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import AnyStr

from cli.core.pointer import escape

_STR_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')
_BYTES_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')
# Punctuation tokens, as str and as bytes.
_PUNCT = {
    str: (",", ":", "{", "}", "[", "]"),
    bytes: (b",", b":", b"{", b"}", b"[", b"]"),
}


@dataclass(frozen=True)
class Place:
    first: int  # the key of an object member, else the value's start
    start: int  # the value token
    end: int  # after the value token; -1 for an object or array


def locate(text: AnyStr, pointers: set[str], offset: int = 0) -> dict[str, Place]:
    """The place of each JSON pointer's value in the JSON value that starts at `offset`
    of `text`; pointers that don't exist are left out."""
    comma, colon, open_object, close_object, open_array, close_array = _PUNCT[type(text)]
    token_re = _STR_TOKEN if isinstance(text, str) else _BYTES_TOKEN
    wanted = set(pointers)
    found: dict[str, Place] = {}
    stack: list[list] = []  # [is_object, pointer, index of the current array item]
    value_pointer: str | None = ""
    expecting_key = False
    key_at = -1  # where the key of the member whose value comes next starts
    for match in token_re.finditer(text, offset):
        token, start = match.group(), match.start()
        if token == comma:
            frame = stack[-1] if stack else None
            if frame and frame[0]:
                expecting_key = True
            elif frame:
                frame[2] += 1
                value_pointer = f"{frame[1]}/{frame[2]}"
            continue
        if token == colon:
            continue
        if token in (close_object, close_array):
            if stack:
                stack.pop()
            value_pointer, expecting_key = None, False
            if not stack:
                break  # the value is complete
            continue
        if expecting_key:
            try:
                key = json.loads(token)
            except ValueError:
                key = token.decode("utf-8", "replace") if isinstance(token, bytes) else token
            value_pointer = f"{stack[-1][1]}/{escape(str(key))}"
            expecting_key, key_at = False, start
            continue
        if value_pointer is not None and value_pointer in wanted and value_pointer not in found:
            container = token in (open_object, open_array)
            in_object = bool(stack) and stack[-1][0]
            found[value_pointer] = Place(
                key_at if in_object else start, start, -1 if container else match.end()
            )
            if len(found) == len(wanted):
                break
        if token == open_object:
            stack.append([True, value_pointer or "", 0])
            expecting_key = True
        elif token == open_array:
            stack.append([False, value_pointer or "", 0])
            value_pointer = f"{value_pointer or ''}/0"
        elif not stack:
            break  # a scalar at the top: nothing inside it
    return found


def replace_string(token: str, old: str, new: str) -> str:
    """The JSON string `token` (quotes included), which decodes to `old`, rewritten to
    decode to `new`: only the changed stretch is re-encoded, non-ASCII written raw or
    escaped as the token writes it."""
    offsets = _raw_offsets(token)
    if offsets is None or len(offsets) != len(old) + 1:
        return _encode(new, ascii_only=token.isascii())  # not as expected: the whole token
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    middle = _encode(new[prefix : len(new) - suffix], ascii_only=token.isascii())[1:-1]
    return token[: offsets[prefix]] + middle + token[offsets[len(old) - suffix] :]


def _encode(value: str, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)


def _raw_offsets(token: str) -> list[int] | None:
    """Where each decoded character starts in `token`, and where the content ends; None
    when the token isn't a JSON string."""
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        return None
    offsets, position, end = [], 1, len(token) - 1
    while position < end:
        offsets.append(position)
        if token[position] != "\\":
            position += 1
        elif token[position + 1 : position + 2] != "u":
            position += 2
        elif _high_surrogate(token, position) and _low_surrogate(token, position + 6):
            position += 12  # a surrogate pair: one character decoded
        else:
            position += 6
    offsets.append(end)
    return offsets if position == end else None


def _high_surrogate(token: str, at: int) -> bool:
    return token[at + 2 : at + 4].lower() in ("d8", "d9", "da", "db")


def _low_surrogate(token: str, at: int) -> bool:
    return token[at : at + 2] == "\\u" and token[at + 2 : at + 4].lower() in (
        "dc",
        "dd",
        "de",
        "df",
    )
