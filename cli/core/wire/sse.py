"""Server-sent events as text: split a body into its lines, and join them back exactly.

Rules:
- A line ends at `\\r\\n`, `\\n` or `\\r`, the three the SSE specification allows.
  `split` gives the lines without their ends, as llama-stack's recorder keeps SSE
  (`"event: message_start"`, `"data: {...}"`, `""`), trailing spaces and all, and the
  ends themselves, so that `join(split(text)) == text` byte for byte: a Gemini `\\r\\n`
  stream stays `\\r\\n`, a body without a final line end stays without one.
- `iter_lines` gives the same lines one at a time, for a body too big to hold split.
- `looks_like` tells an SSE body by its text when no content type says so: its first
  line that isn't blank is a `data:` or `event:` field.
- `events` groups lines into events for people to read; it is not a replay format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from cli.core.transcript.common import parse_json

_END = re.compile(r"\r\n|\r|\n")
_FIELD_FIRST = re.compile(r"\s*(?:data|event):")


@dataclass(frozen=True)
class Lines:
    """A body's lines and the ends that followed them."""

    lines: list[str]
    # One end that follows every line but the last ("\n", "\r\n"), or each line's own
    # end when they are mixed ("" for the last line).
    ends: str | tuple[str, ...]


def split(text: str) -> Lines:
    """The lines of `text` and their ends; `join` puts them back as they were."""
    if "\r" not in text:
        return Lines(text.split("\n"), "\n")
    pairs = text.count("\r\n")
    if pairs == text.count("\r") == text.count("\n"):  # every end is \r\n
        return Lines(text.split("\r\n"), "\r\n")
    lines, ends, start = [], [], 0
    for match in _END.finditer(text):
        lines.append(text[start : match.start()])
        ends.append(match.group())
        start = match.end()
    lines.append(text[start:])
    ends.append("")
    return Lines(lines, tuple(ends))


def join(split_text: Lines) -> str:
    """The text `split` read `split_text` from (with any edits made to its lines)."""
    if isinstance(split_text.ends, str):
        return split_text.ends.join(split_text.lines)
    return "".join(line + end for line, end in zip(split_text.lines, split_text.ends, strict=True))


def iter_lines(text: str) -> Iterator[str]:
    """The lines `split(text).lines` holds, one at a time, never copying the whole text."""
    start = 0
    for match in _END.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


def events(lines: Iterable[str]) -> list[dict[str, Any]]:
    """The events the lines make, each a mapping of its fields (`event`, `data`, `id`,
    `retry`), `data` parsed when it is JSON; for people (`show --raw`), not for replay.
    Several `data:` lines of one event are joined with newlines, as the SSE spec says."""
    out: list[dict[str, Any]] = []
    fields: dict[str, Any] = {}
    for line in [*lines, ""]:
        if not line:
            if fields:
                if "data" in fields:
                    value, ok = parse_json(fields["data"])
                    fields["data"] = value if ok else fields["data"]
                out.append(fields)
                fields = {}
            continue
        if line.startswith(":"):  # a comment
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data" and "data" in fields:
            fields["data"] += "\n" + value
        else:
            fields[name] = value
    return out


def looks_like(text: str) -> bool:
    """Whether the first line of `text` that isn't blank is an SSE `data:` or `event:` line."""
    return _FIELD_FIRST.match(text) is not None
