"""The line of a JSON pointer in a file's bytes, for `validate`'s findings.

Rules:
- A small tokenizer walk over the raw JSON, stopping once every pointer is found; a
  pointer that doesn't exist takes the line of the nearest enclosing value.
- For an object member the line is the key's.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from cli.core.formats.llamastack import codec

if TYPE_CHECKING:
    from cli.core.rules.runner import Finding

_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def add_lines(findings: list[Finding], raw: bytes) -> None:
    """Give each finding the line of its pointer, or of the nearest enclosing value that
    exists (a missing field points at its parent)."""
    wanted = {f.pointer for f in findings if f.pointer and f.line is None}
    if not wanted:
        return
    prefixes = set()
    for pointer in wanted:
        parts = pointer.split("/")
        prefixes.update("/".join(parts[:end]) for end in range(2, len(parts) + 1))
    lines = locate_lines(raw, prefixes)
    for finding in findings:
        pointer = finding.pointer
        while finding.line is None and pointer:
            finding.line = lines.get(pointer)
            pointer = pointer.rsplit("/", 1)[0]


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
