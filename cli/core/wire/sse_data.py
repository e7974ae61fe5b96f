"""The JSON payload of a server-sent event's `data:` line: read it, and write one string of
it back into the line's own text.

Rules:
- A data line is `data:`, optional blanks, then a JSON object or array on the same line
  (`data: [DONE]` and plain text hold no payload).
- `payload` parses one (orjson); the value is shared between callers through a small
  cache, so it is read-only: a change goes through `DataLine`.
- `strings` lists a payload's strings with their paths inside it, for the walkers that
  scan every string of a cassette (the secret detector), so that a key is judged in its
  decoded text, not in the escaped JSON of the line.
- `DataLine(lines, index)` stands for the payload of `lines[index]` in a list of SSE lines
  (the contract's SSE body). `line[path]` reads a string of it; `line[path] = text`
  writes the payload back in its JSON text's own style (`json_text.rewrite`) and the rest
  of the line (`data: `, trailing blanks) as it was, so a scrubbed stream differs only
  where a secret was. The line is read again whenever it has changed, so edits of the
  same line in between are kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from cli.core.transcript.common import parse_json
from cli.core.wire import json_text

Path = tuple[Any, ...]  # keys and indexes inside a payload


def payload_start(line: str) -> int:
    """Where the JSON of a data line starts; -1 when none can (no `{` or `[` opens what
    follows `data:`). `[DONE]` opens like an array: `payload` tells."""
    if not line.startswith("data:"):
        return -1
    start = 5
    while start < len(line) and line[start] in " \t":
        start += 1
    return start if line[start : start + 1] in ("{", "[") else -1


@lru_cache(maxsize=4096)
def payload(line: str) -> Any:
    """The parsed JSON of a data line (a dict or list, read-only), or None."""
    start = payload_start(line)
    if start < 0:
        return None
    value, ok = parse_json(line[start:])
    return value if ok and isinstance(value, dict | list) else None


def strings(value: Any, inside: Path = ()) -> Iterator[tuple[Path, str]]:
    """(path inside the payload, string) for every string of a payload, in order."""
    stack: list[tuple[Path, Any]] = [(inside, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path, item
        elif isinstance(item, dict):
            stack.extend(((*path, key), child) for key, child in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(((*path, i), item[i]) for i in range(len(item) - 1, -1, -1))


class DataLine:
    """One data line of a list of SSE lines, as a container of its payload's strings."""

    __slots__ = ("index", "lines")

    def __init__(self, lines: list[Any], index: int) -> None:
        self.lines = lines
        self.index = index

    def value(self) -> Any:
        line = self.lines[self.index]
        return payload(line) if isinstance(line, str) else None

    def __getitem__(self, path: Path) -> str:
        item = self.value()
        for key in path:
            item = item[key]
        if not isinstance(item, str):
            raise KeyError(path)
        return item

    def __setitem__(self, path: Path, text: str) -> None:
        old = self[path]
        if text == old:
            return
        line, value = self.lines[self.index], self.value()
        start = payload_start(line)
        end = len(line.rstrip(" \t"))
        written = json_text.rewrite(line[start:end], _replaced(value, path, text), value)
        self.lines[self.index] = line[:start] + written + line[end:]


def _replaced(value: Any, path: Path, text: str) -> Any:
    """A copy of `value` with the string at `path` replaced (only the containers on the
    path are copied: the parsed payload is shared, so never changed)."""
    if not path:
        return text
    head, rest = path[0], path[1:]
    copied = dict(value) if isinstance(value, dict) else list(value)
    copied[head] = _replaced(value[head], rest, text)
    return copied
