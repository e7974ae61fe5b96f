"""Finding and redacting secrets in one string, with the table of `key_formats`.

Rules:
- A redaction marker never matches anything: matches that overlap an existing marker are
  dropped. What `find_in_text` reports is exactly what `redact_text` replaces, and the
  redacted text is scanned again until nothing new turns up (a marker can turn its
  neighbour into a boundary), so `redact_text` is idempotent, even with user patterns.
- Overlapping matches merge into one, so no tail of a secret is ever left behind.
- `mask` shows at most 8 characters of a secret, fewer for short ones; nothing else here
  ever puts a secret into a message.
- Pure functions, and fast: each format's literal start is found with `str.find`, and its
  regex runs only there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from cli.core.secrets.key_formats import (
    CONTEXT_FORMATS,
    KEY_FORMATS,
    MARKER_PATTERN,
    MARKER_PREFIX,
    KeyFormat,
    marker,
)


@dataclass(frozen=True)
class Match:
    """One secret found in a string: `text[start:end] == value`."""

    kind: str
    start: int
    end: int
    value: str


_Entry = tuple[KeyFormat, "re.Pattern[str]"]


def _by_literal(formats: Iterable[KeyFormat]) -> tuple[tuple[str, tuple[_Entry, ...]], ...]:
    """literal -> the formats whose matches start with it, in table order."""
    table: dict[str, list[_Entry]] = {}
    for key_format in formats:
        regex = re.compile(key_format.pattern)
        for literal in key_format.starts:
            table.setdefault(literal, []).append((key_format, regex))
    return tuple((literal, tuple(entries)) for literal, entries in table.items())


@functools.cache
def _tables() -> tuple[tuple[Any, int, int], ...]:
    """(literals, group reported, priority among overlapping matches at one place); made on
    first use: compiling the table's regexes is most of what importing it would cost."""
    return ((_by_literal(KEY_FORMATS), 0, 0), (_by_literal(CONTEXT_FORMATS), 1, 1))


SHORTEST_MATCH = 18  # "Basic " + 12: no shorter string can hold a match from the tables

LITERAL_KIND = "literal"
CUSTOM_KIND = "custom"

ExtraPattern = str | re.Pattern[str] | tuple[str, str | re.Pattern[str]]


# scanning ------------------------------------------------------------------


def _table_matches(text: str) -> Iterator[tuple[int, int, int, str]]:
    """(start, -length, priority, kind) of each match of the tables. A literal is found with
    `str.find`, which is far faster than any regex alternation over a long string, and
    only there does a format's regex run; the first format whose check passes wins."""
    for table, group, priority in _tables():
        for literal, entries in table:
            position = text.find(literal)
            while position != -1:
                for key_format, regex in entries:
                    m = regex.match(text, position)
                    if m is not None and (key_format.check is None or key_format.check(m[group])):
                        start, end = m.span(group)
                        yield start, start - end, priority, key_format.kind
                        break
                position = text.find(literal, position + 1)


_KIND = re.compile(r"[A-Za-z0-9_.-]+")


def _compile_extra(patterns: Iterable[ExtraPattern]) -> list[tuple[str, re.Pattern[str]]]:
    compiled = []
    for item in patterns:
        kind, pattern = item if isinstance(item, tuple) else (CUSTOM_KIND, item)
        if not _KIND.fullmatch(kind):
            raise ValueError(f"secret kind {kind!r}: use letters, digits, '.', '_' and '-'")
        compiled.append((kind, re.compile(pattern) if isinstance(pattern, str) else pattern))
    return compiled


def _scan(
    text: str,
    extra: list[tuple[str, re.Pattern[str]]],
    literals: list[str],
    known: Iterable[tuple[int, int, str]] = (),
) -> list[list[Any]]:
    """[start, end, kind] of every secret in `text`, and of the `known` spans, overlaps
    merged, markers left out."""
    found: list[tuple[int, int, int, str]] = []  # (start, -length, priority, kind)
    found.extend((start, start - end, 0, kind) for start, end, kind in known)
    if len(text) >= SHORTEST_MATCH:
        found.extend(_table_matches(text))
    for kind, regex in extra:
        group = 1 if regex.groups else 0
        for m in regex.finditer(text):
            if m.end(group) > m.start(group):
                found.append((m.start(group), m.start(group) - m.end(group), 2, kind))
    for literal in literals:
        start = text.find(literal)
        while start != -1:
            found.append((start, -len(literal), 3, LITERAL_KIND))
            start = text.find(literal, start + len(literal))
    if not found:
        return []
    markers = [m.span() for m in MARKER_PATTERN.finditer(text)] if MARKER_PREFIX in text else []
    spans: list[list[Any]] = []
    for start, negative_length, _, kind in sorted(found):
        end = start - negative_length
        if any(start < m_end and m_start < end for m_start, m_end in markers):
            continue
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)  # never leave the tail of a secret behind
            continue
        spans.append([start, end, kind])
    return spans


def _replace(text: str, spans: list[list[Any]]) -> tuple[str, list[tuple[int, int]]]:
    """`text` with each span replaced by its marker, and for each kept segment of `text`
    (start in the new text, start in `text`)."""
    pieces: list[str] = []
    segments: list[tuple[int, int]] = []
    position = length = 0
    for start, end, kind in spans:
        segments.append((length, position))
        pieces.append(text[position:start])
        length += start - position
        replacement = marker(kind)
        pieces.append(replacement)
        length += len(replacement)
        position = end
    segments.append((length, position))
    pieces.append(text[position:])
    return "".join(pieces), segments


def find_in_text(
    text: str,
    extra_patterns: Iterable[ExtraPattern] = (),
    literals: Iterable[str] = (),
    known: Iterable[tuple[int, int, str]] = (),
) -> list[Match]:
    """Every secret in `text`, in order, without overlaps.

    `extra_patterns` are regexes (kind "custom") or `(kind, regex)` pairs; a regex with a
    group reports group 1, else the whole match. `literals` are exact strings to find
    (kind "literal"). Overlapping matches become one, whose kind is that of the earliest
    (then longest, then first in the order table, context, extra patterns, literals).
    Nothing that overlaps an existing `<REDACTED:...>` marker is ever reported. `known`
    spans `(start, end, kind)`, found by another scan (a stream's pieces one by one), are
    merged in as if found here.

    What is found is what `redact_text` replaces, and its result has nothing left to find:
    a key that only stands at a boundary once its neighbour is redacted (`...-----END ...
    KEY-----sk-...`) is found too, by scanning the redacted text again until nothing is new.
    """
    extra = _compile_extra(extra_patterns)
    wanted = [literal for literal in literals if literal]
    spans = _scan(text, extra, wanted, known)
    while spans:
        redacted, segments = _replace(text, spans)
        more = _scan(redacted, extra, wanted)
        if not more:
            break
        for start, end, kind in more:  # each lies inside one kept segment: map it back
            new_start, old_start = max(seg for seg in segments if seg[0] <= start)
            offset = old_start - new_start
            spans.append([start + offset, end + offset, kind])
        spans.sort()
    return [Match(kind, start, end, text[start:end]) for start, end, kind in spans]


def redact_text(
    text: str,
    extra_patterns: Iterable[ExtraPattern] = (),
    literals: Iterable[str] = (),
) -> tuple[str, list[Match]]:
    """`text` with every secret replaced by `<REDACTED:kind>`, and what was replaced.
    Redacting already-redacted text changes nothing."""
    matches = find_in_text(text, extra_patterns, literals)
    if not matches:
        return text, []
    redacted, _ = _replace(text, [[m.start, m.end, m.kind] for m in matches])
    return redacted, matches


def may_hold_secrets(text: str, literals: Iterable[str] = ()) -> bool:
    """A quick test: False only if `find_in_text(text, literals=literals)` finds nothing.
    True may be a false alarm (markers and checks across joined texts are not weighed), so
    texts can be joined with newlines and tested at once."""
    if any(literal and literal in text for literal in literals):
        return True
    return len(text) >= SHORTEST_MATCH and next(_table_matches(text), None) is not None


LITERALS = tuple(  # the tables' literals, in their order, without compiling their regexes
    literal
    for formats in (KEY_FORMATS, CONTEXT_FORMATS)
    for literal in dict.fromkeys(start for key_format in formats for start in key_format.starts)
)


def has_candidate(text: str) -> bool:
    """A quicker test than `may_hold_secrets`, and one that stays true when neighbouring
    texts are redacted first: whether any format's literal start is in `text` at all."""
    return any(literal in text for literal in LITERALS)


def mask(secret: str) -> str:
    """A recognizable but useless form of a secret: `sk-p…XyZ9`. Never more than 8 of its
    characters, and never more than a third of a short one."""
    n = len(secret)
    if n >= 24:
        keep = 4
    elif n >= 12:
        keep = 2
    elif n >= 6:
        keep = 1
    else:
        return "…"
    return f"{secret[:keep]}…{secret[-keep:]}"
