"""Secrets a stream splits over its chunks: the part of the one detector that `validate`
(rule K003) and `scrub` share for streamed text.

Rules:
- A model writes a key token by token, so no single chunk holds it. The text fields of a
  streamed body (`delta.content`, tool-call `function.arguments`, completion `text`,
  Ollama `response`, Gemini `parts[].text`, ...) are grouped per field and per choice, in
  chunk order (`stream_fields`, or `StreamTexts` one chunk at a time for a big file).
  Choices and tool calls are told apart by their `index`, not their position, because
  with `n > 1` they interleave; so are events by their own top-level `index`,
  `output_index` or `content_index` (Anthropic content blocks, Responses items).
- A chunk is a JSON object, or an SSE `data:` line holding one (a VCR.py cassette's or
  llama-stack's raw SSE body): its strings are read from the parsed payload, and its
  slot is a `sse_data.DataLine`, through which scrub writes a string back into the
  line's own text. Its pointers lead into the line's JSON (`/response/body/7/delta/text`).
- `split_secrets` finds what the joined text of a group holds beyond what its pieces
  hold alone: the joined text and each piece are scanned, their spans merged (a first
  chunk that looks like a whole key is only the head of the key that goes on in the
  next), and the text is scanned again with those redacted (a key can stand at a
  boundary only once its neighbour is redacted). `scrub` redacts the same spans: it cuts
  the joined text's secrets, then each string's, then the joined text's again.
- Pure functions over JSON values; messages and markers are the callers' business.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from cli.core.secrets.scan import LITERALS, SHORTEST_MATCH, find_in_text, has_candidate
from cli.core.wire.sse_data import DataLine, payload

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
        "input",
    }
)
_EVENT_INDEXES = ("index", "output_index", "content_index")


@dataclass(frozen=True)
class SplitSecret:
    """A secret of a stream's joined text that no piece holds whole. It spreads over
    `spread` pieces; 1 when only its context is split (`Bas` + `ic <credentials>`)."""

    kind: str
    value: str
    piece: int  # the piece where it starts
    offset: int  # where it starts in that piece
    spread: int
    parts: tuple[tuple[int, int, int], ...] = ()  # (piece, start, end): what a piece held
    # alone that is part of this secret (a head that looked like a whole key)


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
            line = DataLine(body, position) if type(chunk) is str else None
            for group, parent, key, inside in chunk_fields(chunk):
                path = ("response", "body", position, *inside)
                slot = (line, inside, path) if line is not None else (parent, key, path)
                groups.setdefault(group, []).append(slot)
    except RecursionError:  # absurdly deep chunks: their strings are scanned one by one
        return []
    return [slots for slots in groups.values() if len(slots) > 1]


class StreamTexts:
    """The text fields of a stream, fed one chunk at a time (a big file, read a part at a
    time): each piece's text, its chunk's position and its path inside the chunk."""

    def __init__(self) -> None:
        self.groups: dict[Tokens, list[tuple[int, Tokens, str]]] = {}
        self._paths: dict[Tokens, Tokens] = {}  # one tuple per distinct path: less memory

    def add(self, position: int, chunk: Any) -> list[Tokens]:
        """Take one chunk's text fields; returns their paths inside the chunk."""
        try:
            found = list(chunk_fields(chunk))
        except RecursionError:
            return []
        paths = []
        for group, parent, key, inside in found:
            inside = self._paths.setdefault(inside, inside)
            self.groups.setdefault(group, []).append((position, inside, parent[key]))
            paths.append(inside)
        return paths

    def spread(self) -> Iterator[list[tuple[int, Tokens, str]]]:
        """The groups of two pieces or more."""
        return (pieces for pieces in self.groups.values() if len(pieces) > 1)


def chunk_fields(chunk: Any) -> Iterator[tuple[Tokens, dict[str, Any], str, Tokens]]:
    """(group, container, key, path inside the chunk) of each stream text field of one
    chunk (an object, or an SSE data line's payload). The group names the field and the
    choice, tool call or event block (by `index`)."""
    if type(chunk) is str:
        chunk = payload(chunk)
    if type(chunk) is dict:
        event = tuple(chunk[k] for k in _EVENT_INDEXES if type(chunk.get(k)) is int)
        yield from _collect(chunk, event, ())


def _collect(
    item: dict[str, Any], field: Tokens, path: Tokens
) -> Iterator[tuple[Tokens, dict[str, Any], str, Tokens]]:
    for key, child in item.items():
        kind = type(child)
        if kind is str:
            if key in STREAM_TEXT_FIELDS:
                yield (*field, key), item, key, (*path, key)
        elif kind is dict:
            yield from _collect(child, (*field, key), (*path, key))
        elif kind is list and not numbers_only(child):
            for position, element in enumerate(child):
                if type(element) is dict:
                    index = element.get("index")
                    token = index if type(index) is int else f"#{position}"
                    yield from _collect(element, (*field, key, token), (*path, key, position))


@functools.cache
def _joins() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Where a literal can be cut in two: (what the next text begins with -> the heads a
    text before it ends with, NUL-terminated). Keyed by the rest's first two characters or
    a one-character text that is its first; a rest of one character by that character."""
    by_two: dict[str, list[str]] = {}
    by_one: dict[str, list[str]] = {}
    for literal in LITERALS:
        for cut in range(1, len(literal)):
            head, rest = literal[:cut] + "\x00", literal[cut:]
            if len(rest) == 1:
                by_one.setdefault(rest, []).append(head)
            else:
                by_two.setdefault(rest[:2], []).append(head)
                by_two.setdefault(rest[0], []).append(head)
    return (
        {start: tuple(heads) for start, heads in by_two.items()},
        {start: tuple(heads) for start, heads in by_one.items()},
    )


def may_split(texts: Collection[str], *, checked: bool = False) -> bool:
    """A quick test: False only if `split_secrets` finds nothing in any stream whose pieces
    are among `texts`, however they are grouped and ordered. Every match starts with a
    format's literal (`has_candidate`), which stands either inside one piece or across
    pieces: then one piece ends with the literal's head and the next non-empty one begins
    with its rest (or is a prefix of it). A text that holds NUL can only make it say True.
    `checked`: the caller has found no literal inside any of the texts."""
    joined = "\x00".join(texts) + "\x00"
    if not checked and has_candidate(joined):
        return True
    by_two, by_one = _joins()
    twos = {text[:2] for text in texts}
    for starts, table in ((twos, by_two), ({two[:1] for two in twos}, by_one)):
        for start in starts & table.keys():
            if any(head in joined for head in table[start]):
                return True
    return False


def split_secrets(pieces: list[str]) -> list[SplitSecret]:
    """The secrets of the joined `pieces` that no piece holds whole (see the rules).

    The joined text is scanned with each piece's own secrets merged in: a key whose first
    chunk already looks like a whole key is found whole, not just its head; and a key that
    only stands at a boundary once its neighbour is redacted is found by the rescan."""
    joined = "".join(pieces)
    if len(joined) < SHORTEST_MATCH or not has_candidate(joined):
        return []  # the common case: no key prefix anywhere in the stream's text
    starts, offset = [], 0
    known: list[tuple[int, int, str]] = []
    owners: list[int] = []  # the piece of each known span
    for index, piece in enumerate(pieces):
        starts.append(offset)
        if len(piece) >= SHORTEST_MATCH and has_candidate(piece):
            for m in find_in_text(piece):
                known.append((offset + m.start, offset + m.end, m.kind))
                owners.append(index)
        offset += len(piece)
    alone = {(start, end) for start, end, _ in known}
    found = []
    for match in find_in_text(joined, known=known):
        if (match.start, match.end) in alone:
            continue  # one piece holds it whole: found there already
        first = bisect_right(starts, match.start) - 1
        spread = 0
        for index in range(first, len(pieces)):
            if starts[index] >= match.end:
                break
            spread += bool(pieces[index])
        parts = tuple(
            (owner, start - starts[owner], end - starts[owner])
            for (start, end, _), owner in zip(known, owners, strict=True)
            if match.start <= start and end <= match.end
        )
        found.append(
            SplitSecret(match.kind, match.value, first, match.start - starts[first], spread, parts)
        )
    return found
