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
- Strict mode compares the raw JSON by pointer, chunking included. Two files holding the
  same JSON written differently (indent, key order) differ there by one change,
  `formatting`, whose old/new are the byte sizes.
- A file that can't be read raises ReadError; JSON that isn't a cassette, NotACassette (a
  ReadError too).
"""

from __future__ import annotations

import filecmp
import os
from pathlib import Path
from typing import Any

from cli.core import codec
from cli.core.diff import (
    CHANGED,
    UNCHANGED,
    Change,
    DiffOptions,
    FileDiff,
    cap,
    without,
)
from cli.core.diff_request import compare_request
from cli.core.diff_response import compare_response
from cli.core.diff_values import structured_changes, value_change
from cli.core.equality import same_value
from cli.core.model import Cassette

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
    old, new = load(old_raw, old_path), load(new_raw, new_path)
    same = same_value(old, new)
    changes = [] if same else compare_data(old, new, options)
    # Strict mode sees the bytes: the same JSON written differently still differs, once.
    if options.strict and not changes and (same or not compare_data(old, new, STRICT)):
        changes = [Change("json", "formatting", CHANGED, len(old_raw), len(new_raw))]
    result.changes, result.omitted = cap(changes)
    result.status = CHANGED if changes else UNCHANGED
    return result


def same_bytes(old_path: Path, new_path: Path) -> bool:
    """Whether two files hold the same bytes, compared a block at a time; False when either
    can't be read (reading it whole then reports why)."""
    try:
        if os.path.getsize(old_path) != os.path.getsize(new_path):
            return False
        return filecmp.cmp(old_path, new_path, shallow=False)
    except OSError:
        return False


def load(raw: bytes, path: Path) -> dict[str, Any]:
    """Parse a cassette's bytes; anything that isn't a cassette raises ReadError."""
    cassette = Cassette.from_bytes(raw, path)
    cassette.check_shape()
    return cassette.data


def compare_data(old: dict[str, Any], new: dict[str, Any], options: DiffOptions) -> list[Change]:
    """Every difference between two cassettes' JSON values, in reading order."""
    old, new = without(old, options.ignore), without(new, options.ignore)
    if options.strict:
        return structured_changes("json", "", old, new, strict=True, limit=None)
    before, after = Cassette(Path("old.json"), old), Cassette(Path("new.json"), new)
    changes = compare_request(before, after) + compare_response(before, after)
    for key in [*old, *(key for key in new if key not in old)]:
        if key in _COMPARED_TOP:
            continue
        if key in old and key in new:
            changes += structured_changes("file", key, old[key], new[key])
        else:
            changes += value_change("file", key, old.get(key), new.get(key))
    return changes
