"""Compare two cassette files: `compare_files` -> FileDiff.

Rules:
- Identical bytes are unchanged without parsing (whatever the options), and found so
  without reading either file whole (sizes, then `filecmp`); the same JSON value
  (`equality.same_value`: types exact) in other bytes is unchanged without comparing
  (except `formatting` in strict mode).
- `--ignore` pointers are removed from both sides first, in both modes.
- Default mode compares meaning: the request (`diff_request`) and the reassembled
  response (`diff_response`); ids, `created`, fingerprints, headers and chunk
  boundaries are noise. Top-level keys other than request/response/test_id (say,
  `id_normalization_mapping`) are compared as structured values.
- Strict mode adds the raw JSON, compared by pointer (chunking included), below the
  changes in meaning. Two files holding the same JSON written differently (indent, key
  order) differ there by one change, `formatting`, whose old/new are the byte sizes.
- A file that can't be read raises ReadError; one that isn't a cassette, NotACassette (a
  ReadError too).
- Files of several interactions (VCR) pair their interactions as replay does: by method
  and URL path, the n-th of each on one side with the n-th on the other (so one call
  added in the middle leaves the others paired). Each change's section names its
  interaction (`interaction 2`, or `interaction 2 -> 3` when its place moved); one only
  one side has is added or removed whole. Headers (dates, `cf-ray`, request ids,
  processing times, cookies) are noise here as in every default diff.
"""

from __future__ import annotations

import filecmp
import os
from collections import deque
from pathlib import Path
from typing import Any

from cli.core import formats
from cli.core.diff.model import (
    CHANGED,
    UNCHANGED,
    Change,
    DiffOptions,
    FileDiff,
    cap,
    without,
)
from cli.core.diff.request import compare_request
from cli.core.diff.response import compare_response
from cli.core.diff.values import structured_changes, value_change
from cli.core.equality import same_value
from cli.core.formats.llamastack import codec
from cli.core.model import CassetteFile, Interaction, url_path

_COMPARED_TOP = frozenset({"request", "response", "test_id"})
STRICT = DiffOptions(strict=True)


def compare_files(
    old_path: Path,
    new_path: Path,
    options: DiffOptions,
    *,
    old_name: str | None = None,
    new_name: str | None = None,
    renamed: bool = False,
) -> FileDiff:
    result = FileDiff(old_name or str(old_path), new_name or str(new_path), UNCHANGED, renamed)
    if same_bytes(old_path, new_path):
        return result
    old_raw, new_raw = codec.read_bytes(old_path), codec.read_bytes(new_path)
    if old_raw == new_raw:
        return result
    old_file, new_file = formats.load(old_raw, old_path), formats.load(new_raw, new_path)
    if _several(old_file) or _several(new_file):
        result = _compare_several(result, old_file, new_file, options)
        if options.strict and result.status == UNCHANGED:  # the same, written differently
            result.changes = [Change("json", "formatting", CHANGED, len(old_raw), len(new_raw))]
            result.status = CHANGED
        return result
    old, new = old_file.interactions[0].data, new_file.interactions[0].data
    same = same_value(old, new)
    changes = [] if same else compare_data(old, new, options)
    # Strict mode sees the bytes: the same JSON written differently still differs, once.
    if options.strict and not changes and (same or not compare_data(old, new, STRICT)):
        changes = [Change("json", "formatting", CHANGED, len(old_raw), len(new_raw))]
    result.changes, result.omitted = cap(changes)
    result.status = CHANGED if changes else UNCHANGED
    return result


def _several(file: CassetteFile) -> bool:
    """Whether the file is not one whole-file interaction (VCR: any number of them)."""
    return len(file.interactions) != 1 or bool(file.interactions[0].pointer)


def _compare_several(
    result: FileDiff, old_file: CassetteFile, new_file: CassetteFile, options: DiffOptions
) -> FileDiff:
    old = [interaction.data for interaction in old_file.interactions]
    new = [interaction.data for interaction in new_file.interactions]
    changes: list[Change] = []
    for before, after in pair_interactions(old, new):
        if after is None:
            section = f"interaction {before}"
            changes.append(Change(section, "interaction", "removed", _request_line(old[before])))
        elif before is None:
            section = f"interaction {after}"
            changes.append(Change(section, "interaction", "added", None, _request_line(new[after])))
        elif not same_value(old[before], new[after]):
            section = f"interaction {before}" + (f" -> {after}" if after != before else "")
            for change in compare_data(old[before], new[after], options):
                change.section = f"{section} {change.section}"
                changes.append(change)
    result.changes, result.omitted = cap(changes)
    result.status = CHANGED if changes else UNCHANGED
    return result


def pair_interactions(
    old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> list[tuple[int | None, int | None]]:
    """(old index, new index) pairs: the n-th interaction of a method and URL path on one
    side with the n-th of the same on the other; then each one left over alone (None on
    the other side). In old order, with the added ones where they stand in the new file."""
    waiting: dict[tuple[Any, str], deque[int]] = {}
    for index, data in enumerate(new):
        waiting.setdefault(_call(data), deque()).append(index)
    pairs: list[tuple[int | None, int | None]] = []
    for index, data in enumerate(old):
        queue = waiting.get(_call(data))
        pairs.append((index, queue.popleft() if queue else None))
    paired = {after for _, after in pairs if after is not None}
    for index in range(len(new)):
        if index not in paired:
            at = next((n for n, (_, after) in enumerate(pairs) if (after or 0) > index), None)
            pairs.insert(len(pairs) if at is None else at, (None, index))
    return pairs


def _call(data: dict[str, Any]) -> tuple[Any, str]:
    request = data.get("request") if isinstance(data.get("request"), dict) else {}
    url = request.get("url")
    return request.get("method"), url_path(url) if isinstance(url, str) else ""


def _request_line(data: dict[str, Any]) -> str:
    request = data.get("request") or {}
    return f"{request.get('method') or ''} {request.get('url') or ''}".strip()


def same_bytes(old_path: Path, new_path: Path) -> bool:
    """Whether two files hold the same bytes, compared a block at a time; False when either
    can't be read (reading it whole then reports why)."""
    try:
        if os.path.getsize(old_path) != os.path.getsize(new_path):
            return False
        return filecmp.cmp(old_path, new_path, shallow=False)
    except OSError:
        return False


def compare_data(old: dict[str, Any], new: dict[str, Any], options: DiffOptions) -> list[Change]:
    """Every difference between two cassettes' JSON values, in reading order."""
    old, new = without(old, options.ignore), without(new, options.ignore)
    changes = _meaning(old, new)
    if options.strict:  # the raw changes come below the meaningful ones, never instead
        changes += structured_changes("json", "", old, new, strict=True, limit=None)
    return changes


def _meaning(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed in meaning: the request, the reassembled response, other keys."""
    before, after = Interaction(Path("old.json"), old), Interaction(Path("new.json"), new)
    changes = compare_request(before, after) + compare_response(before, after)
    for key in [*old, *(key for key in new if key not in old)]:
        if key in _COMPARED_TOP:
            continue
        if key in old and key in new:
            changes += structured_changes("file", key, old[key], new[key])
        else:
            changes += value_change("file", key, old.get(key), new.get(key))
    return changes
