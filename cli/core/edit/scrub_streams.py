"""Scrubbing the text a stream spreads over its chunks, for `scrub`.

Rules:
- A model writes a key token by token, so no single chunk holds it. The text fields of a
  streamed body (`delta.content`, tool-call `function.arguments`, completion `text`,
  Ollama `response`, Gemini `parts[].text`, ...) are joined per field and per choice,
  in chunk order, and the joined text is scanned. Choices and tool calls are told apart
  by their `index`, not their position, because with `n > 1` they interleave.
- A secret found there is replaced by its marker in the chunk where it starts; its other
  pieces are cut out of their chunks. Each piece is also scanned alone, as every string
  is (what `validate` flags in one chunk, scrub redacts), and both scans repeat until
  neither finds anything, so a second scrub finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cli.core.edit.pipeline import Change
from cli.core.secrets import detector as secrets

Tokens = tuple[Any, ...]  # JSON pointer tokens, root first; made a pointer only when needed
Slot = tuple[Any, Any, Tokens]  # container, key, path: where one string lives

STREAM_TEXT_FIELDS = frozenset(
    {
        "content",
        "text",
        "arguments",
        "partial_json",
        "response",
        "thinking",
        "reasoning",
        "reasoning_content",
        "delta",
    }
)


def numbers_only(values: list[Any]) -> bool:
    """Whether a list holds only numbers (an embedding: half the values of a library), so
    that walks can skip it. `sum` tells in C; a Python loop would cost more than parsing."""
    if not values or type(values[0]) not in (int, float):
        return False
    try:
        sum(values)
    except TypeError:
        return False
    return True


def pointer(path: Tokens) -> str:
    return "".join(f"/{secrets.escape_pointer(str(token))}" for token in path)


def found(where: str, kind: str, value: str) -> Change:
    """The change for one redacted secret: pointer, kind and masked value, never the value."""
    return Change(where, f"{where}: {kind} {secrets.mask(value)}", value)


def stream_fields(data: dict[str, Any]) -> list[list[Slot]]:
    """The text fields of a streamed body, one list of slots per field and choice, in
    chunk order; only those spread over two chunks or more."""
    response = data.get("response")
    body = response.get("body") if isinstance(response, dict) else None
    if not isinstance(body, list) or len(body) < 2:
        return []
    groups: dict[Tokens, list[Slot]] = {}
    try:
        for position, chunk in enumerate(body):
            if isinstance(chunk, dict):
                _collect(chunk, (), ("response", "body", position), groups)
    except RecursionError:  # absurdly deep chunks: their strings are scanned one by one
        return []
    return [slots for slots in groups.values() if len(slots) > 1]


def _collect(
    item: dict[str, Any], field: Tokens, path: Tokens, groups: dict[Tokens, list[Slot]]
) -> None:
    for key, child in item.items():
        kind = type(child)
        if kind is str:
            if key in STREAM_TEXT_FIELDS:
                groups.setdefault((*field, key), []).append((item, key, (*path, key)))
        elif kind is dict:
            _collect(child, (*field, key), (*path, key), groups)
        elif kind is list and not numbers_only(child):
            for position, element in enumerate(child):
                if type(element) is dict:
                    index = element.get("index")
                    token = index if type(index) is int else f"#{position}"
                    _collect(element, (*field, key, token), (*path, key, position), groups)


def scrub_joined(
    slots: list[Slot],
    patterns: tuple[secrets.ExtraPattern, ...],
    literals: tuple[str, ...],
    changes: list[Change],
    rescan: Callable[[Slot], bool],
) -> None:
    """Redact the secrets of the joined text of `slots`, in place, until neither the joined
    text nor any piece alone holds one (cutting a key out can leave a neighbour standing at
    a boundary); each round redacts at least one more character, so this ends."""
    while True:
        pieces = [parent[key] for parent, key, _ in slots]
        joined = "".join(pieces)
        matches = secrets.find_in_text(joined, patterns, literals)
        if not matches:
            return
        _cut(slots, pieces, joined, matches, changes)
        for slot in slots:
            rescan(slot)


def _cut(
    slots: list[Slot],
    pieces: list[str],
    joined: str,
    matches: list[secrets.Match],
    changes: list[Change],
) -> None:
    """Each match's marker goes in the chunk where it starts; its other pieces are cut out.
    Each chunk that changes gets its own `Change`, whose secret is the chunk's whole old
    text: a dry-run diff shows old chunks, and a piece of a key is still part of a key."""
    starts, offset = [], 0
    for piece in pieces:
        starts.append(offset)
        offset += len(piece)
    for index, (parent, key, path) in enumerate(slots):
        low, high = starts[index], starts[index] + len(pieces[index])
        kept, position, notes = [], low, []
        for match in matches:
            if match.end <= low or match.start >= high:
                continue
            if match.start >= low:
                kept += [joined[position : match.start], secrets.marker(match.kind)]
                inside = zip(starts, pieces, strict=True)
                spread = 1 + sum(1 for s, p in inside if p and match.start < s < match.end)
                split = f" (split over {spread} chunks)" if spread > 1 else ""
                notes.append(f"{match.kind} {secrets.mask(match.value)}{split}")
            else:
                notes.append(f"{match.kind}, continued")
            position = min(match.end, high)
        kept.append(joined[position:high])
        new = "".join(kept)
        if new != pieces[index]:
            parent[key] = new
            where = pointer(path)
            changes.append(Change(where, f"{where}: {'; '.join(notes)}", pieces[index]))
