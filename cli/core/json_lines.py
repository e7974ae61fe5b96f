"""The line where a JSON pointer's value starts in a file's bytes, for findings' lines.

Rules:
- A small tokenizer walk over the bytes, no parse: it stops once every pointer asked for
  is found. For an object member the line is the key's; pointers that don't exist are
  left out (the caller falls back to the nearest enclosing value).
- A byte-order mark is skipped; keys are JSON-decoded, so escapes match the pointer.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cli.core import codec

_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def locate_lines(raw: bytes, pointers: set[str]) -> dict[str, int]:
    """The 1-based line where each JSON pointer's value (or object member) starts.

    A small tokenizer walk that stops once every pointer is found; pointers that don't
    exist are left out. For an object member the line is the key's.
    """
    offset = len(codec.BOM) if raw.startswith(codec.BOM) else 0
    wanted = set(pointers)
    found: dict[str, int] = {}
    stack: list[list[Any]] = []  # [is_object, pointer, index of the next array item]
    value_pointer: str | None = ""
    expecting_key = False
    line, last = 1, offset
    for match in _TOKEN.finditer(raw, offset):
        token, start = match.group(), match.start()
        line += raw.count(b"\n", last, start)
        last = start
        if token in (b",", b":", b"}", b"]"):
            if token == b",":
                frame = stack[-1] if stack else None
                if frame and frame[0]:
                    expecting_key = True
                elif frame:
                    frame[2] += 1
                    value_pointer = f"{frame[1]}/{frame[2]}"
            elif token in (b"}", b"]"):
                if stack:
                    stack.pop()
                value_pointer = None
                expecting_key = False
            continue
        if expecting_key:
            try:
                key = json.loads(token)
            except ValueError:
                key = token.decode("utf-8", "replace")
            value_pointer = f"{stack[-1][1]}/{_escape(str(key))}"
            expecting_key = False
            if value_pointer in wanted:
                found.setdefault(value_pointer, line)
            continue
        if value_pointer is not None and value_pointer in wanted:
            found.setdefault(value_pointer, line)
        if token == b"{":
            stack.append([True, value_pointer or "", 0])
            expecting_key = True
        elif token == b"[":
            stack.append([False, value_pointer or "", 0])
            value_pointer = f"{value_pointer or ''}/0"
            continue
        if len(found) == len(wanted):
            break
    return found


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
