"""Compare two libraries (directory trees of cassettes): pair their files, compare pairs.

Rules:
- Files pair by relative path first. Leftovers then pair by request identity: first the
  exact request (headers aside, test id included), then a loose key (method, endpoint,
  body), so a file renamed or re-hashed under another naming scheme is compared with its
  twin and reported as renamed, not as removed plus added. Ties pair in name order.
  `--ignore` pointers are left out of the identity too.
- Identical bytes are unchanged without parsing. That check runs here (sizes first, then
  bytes): most of a re-recorded library is unchanged, and it costs less than shipping the
  pair to a worker. Only differing pairs go to `map_paths` workers.
- Only names and small results are held: never a library, and one pair at a time.
- A pair that can't be read becomes an `error` result; the other pairs go on. A pair that
  is not a cassette at all (a CI workflow beside VCR cassettes) is passed over with a note.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from cli.core.diff.model import (
    ADDED,
    ERROR,
    PASSED_OVER,
    REMOVED,
    UNCHANGED,
    DiffOptions,
    FileDiff,
    without,
)
from cli.core.formats.errors import NotACassette
from cli.core.library import Globs, iter_paths, map_paths
from cli.errors import CassetteError

Keys = tuple[str, str]  # (exact, loose) request identity


@dataclass
class Plan:
    old_root: Path
    new_root: Path
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.pairs) + len(self.removed) + len(self.added)


def plan_library(old_root: Path, new_root: Path, options: DiffOptions, glob: Globs) -> Plan:
    """Pair the files of two trees by relative path, then by request identity."""
    old_names = [p.relative_to(old_root).as_posix() for p in iter_paths([old_root], glob)]
    new_names = [p.relative_to(new_root).as_posix() for p in iter_paths([new_root], glob)]
    new_set = set(new_names)
    plan = Plan(old_root, new_root, pairs=[(n, n) for n in old_names if n in new_set])
    paired = {name for name, _ in plan.pairs}
    removed = [name for name in old_names if name not in paired]
    added = [name for name in new_names if name not in paired]
    if removed and added:
        identify = partial(request_keys_of, options)
        old_keys = dict(
            zip(removed, map_paths(identify, [old_root / n for n in removed]), strict=True)
        )
        new_keys = dict(zip(added, map_paths(identify, [new_root / n for n in added]), strict=True))
        renamed = match_by_identity(old_keys, new_keys)
        plan.pairs += renamed
        renamed_old, renamed_new = {old for old, _ in renamed}, {new for _, new in renamed}
        removed = [name for name in removed if name not in renamed_old]
        added = [name for name in added if name not in renamed_new]
    plan.removed, plan.added = removed, added
    return plan


def compare_library(plan: Plan, options: DiffOptions) -> Iterator[FileDiff]:
    """One FileDiff per file of either tree: pairs first, then removed, then added."""
    differing: list[Path] = []
    renames: dict[str, str] = {}
    old_root, new_root = str(plan.old_root), str(plan.new_root)  # str joins: 1000s of files
    for old_name, new_name in plan.pairs:
        if same_bytes(os.path.join(old_root, old_name), os.path.join(new_root, new_name)):
            yield FileDiff(old_name, new_name, UNCHANGED, renamed=old_name != new_name)
            continue
        differing.append(Path(old_name))
        if old_name != new_name:
            renames[old_name] = new_name
    worker = partial(compare_pair, plan.old_root, plan.new_root, options, renames)
    yield from map_paths(worker, differing)
    for name in plan.removed:
        yield FileDiff(name, None, REMOVED)
    for name in plan.added:
        yield FileDiff(None, name, ADDED)


def same_bytes(old: str, new: str) -> bool:
    try:
        if os.stat(old).st_size != os.stat(new).st_size:
            return False
        with open(old, "rb") as old_file, open(new, "rb") as new_file:
            return old_file.read() == new_file.read()
    except OSError:
        return False  # the worker reads it again and reports the error


def compare_pair(
    old_root: Path, new_root: Path, options: DiffOptions, renames: dict[str, str], name: Path
) -> FileDiff:
    """Worker: one pair's FileDiff, or an `error` result naming what stopped it."""
    from cli.core.diff.files import compare_files  # only differing pairs need it

    old_name = name.as_posix()
    new_name = renames.get(old_name, old_name)
    try:
        return compare_files(
            old_root / old_name,
            new_root / new_name,
            options,
            old_name=old_name,
            new_name=new_name,
            renamed=old_name != new_name,
        )
    except NotACassette as exc:  # YAML or JSON a walk found that holds no recording
        return FileDiff(old_name, new_name, PASSED_OVER, error=str(exc))
    except CassetteError as exc:
        return FileDiff(old_name, new_name, ERROR, old_name != new_name, error=str(exc))


# identity --------------------------------------------------------------------------


def request_keys_of(options: DiffOptions, path: Path) -> Keys | None:
    """Worker: a file's request identity, or None when it can't be read."""
    from cli.core.formats.llamastack import (
        codec,  # parsing is needed only for leftovers and differing pairs
    )

    try:
        data, _ = codec.read(path)
    except CassetteError:
        return None
    return request_keys(without(data, options.ignore))


def request_keys(data: dict[str, Any]) -> Keys:
    """(exact, loose) digests of what was asked; neither looks at headers or the file name."""
    from cli.core.model import Interaction

    cassette = Interaction(Path("cassette.json"), data)
    request = cassette.request
    exact = {key: value for key, value in request.items() if key != "headers"}
    exact["test_id"] = cassette.test_id
    loose = {
        "method": (cassette.method or "").upper(),
        "endpoint": cassette.endpoint,
        "body": cassette.request_body,
        "tool": request.get("tool_name"),
    }
    return _digest(exact), _digest(loose)


def _digest(value: Any) -> str:
    import orjson

    try:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers wider than 64 bits, which orjson refuses
        text = json.dumps(value, sort_keys=True, default=str).encode()
    return hashlib.sha256(text).hexdigest()


def match_by_identity(
    old: dict[str, Keys | None], new: dict[str, Keys | None]
) -> list[tuple[str, str]]:
    """Pairs (old name, new name) of leftovers with the same identity: exact keys first."""
    pairs: list[tuple[str, str]] = []
    taken: set[str] = set()  # new names already paired
    for level in (0, 1):
        waiting: dict[str, list[str]] = defaultdict(list)
        for name in sorted(new):
            keys = new[name]
            if keys is not None and name not in taken:
                waiting[keys[level]].append(name)
        paired_old = {a for a, _ in pairs}
        for name in sorted(old):
            keys = old[name]
            if keys is not None and name not in paired_old and waiting.get(keys[level]):
                partner = waiting[keys[level]].pop(0)
                pairs.append((name, partner))
                taken.add(partner)
    return pairs
