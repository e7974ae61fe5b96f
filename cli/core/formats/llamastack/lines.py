"""Where a JSON pointer's value starts in a JSON file: its line, for findings and annotations."""

from __future__ import annotations

import json
import re
from typing import Any

from cli.core.formats.llamastack import codec
from cli.core.pointer import escape

_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def line_numbers(raw: bytes, pointers: set[str]) -> dict[str, int]:
    """The line of each pointer, or of the nearest enclosing value that exists (a missing
    field gets its parent's line); pointers with no line at all ("") are left out."""
    prefixes = set()
    for pointer in pointers:
        parts = pointer.split("/")
        prefixes.update("/".join(parts[:end]) for end in range(2, len(parts) + 1))
    found = locate_lines(raw, prefixes)
    lines = {}
    for pointer in pointers:
        enclosing = pointer
        while enclosing and enclosing not in found:
            enclosing = enclosing.rsplit("/", 1)[0]
        if enclosing:
            lines[pointer] = found[enclosing]
    return lines


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
            value_pointer = f"{stack[-1][1]}/{escape(str(key))}"
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
