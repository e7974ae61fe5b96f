"""Scrubbing the text a stream spreads over its chunks, for `scrub`.

Rules:
- A model writes a key token by token, so no single chunk holds it. The text fields of a
  streamed body are grouped per field and per choice by `secret_streams.stream_fields`,
  the grouping `validate` uses too, and the joined text of each group is scanned.
- A secret found there is replaced by its marker in the chunk where it starts; its other
  pieces are cut out of their chunks. Each piece is also scanned alone, as every string
  is (what `validate` flags in one chunk, scrub redacts), and both scans repeat until
  neither finds anything, so a second scrub finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from cli.core import secrets
from cli.core.edit.pipeline import Change
from cli.core.pointer import join as pointer
from cli.core.secrets.streams import Slot


def found(where: str, kind: str, value: str) -> Change:
    """The change for one redacted secret: pointer, kind and masked value, never the value."""
    return Change(where, f"{where}: {kind} {secrets.mask(value)}", value)


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
        if not (patterns or literals or secrets.has_candidate(joined)):
            return  # no key prefix in the whole stream: the common case, at C speed
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
