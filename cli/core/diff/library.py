"""Compare two libraries (directory trees of cassettes): pair their files, compare pairs.

Rules:
- Files pair by relative path first. Leftovers then pair by request identity, and only
  within one folder: first the exact request (headers aside, test id included), then a
  loose key (method, endpoint, host, body), so a file renamed or re-hashed under another
  naming scheme is compared with its twin and reported as renamed, not as removed plus
  added. Ties pair in name order. `--ignore` pointers are left out of the identity too.
- Model lists (`/v1/models`, `/api/tags`) all send the same empty body, so the loose key
  can't tell them apart: two lists pair only if they also share the `models-<hash>` part
  of their names (the request replay looks up) or their set of model ids (the list moved
  to a new hash). A wrong pair is worse than "removed + added": without proof, no pair.
- A file that isn't a cassette (llama-stack's `ci_matrix.json`, a CI workflow beside VCR
  cassettes) is passed over with a note (`PASSED_OVER`): it changes neither the counts
  nor the exit code.
- Identical bytes are unchanged without parsing. That check runs here (sizes first, then
  bytes): most of a re-recorded library is unchanged, and it costs less than shipping the
  pair to a worker. Only differing pairs go to `map_paths` workers.
- Only names and small results are held: never a library, and one pair at a time.
- A pair that can't be read becomes an `error` result; the other pairs go on.
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
from urllib.parse import urlsplit

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
from cli.core.library import Globs, Skipped, iter_paths, map_paths
from cli.errors import CassetteError, NotACassette

# A request's identity at each pairing level, most exact first: (exact, loose, model set);
# None where a level can't vouch for a pair (see the rules).
Keys = tuple[str | None, ...]
LEVELS = 3


@dataclass
class Plan:
    old_root: Path
    new_root: Path
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    skipped: list[FileDiff] = field(default_factory=list)  # leftovers that aren't cassettes

    def __len__(self) -> int:
        return len(self.pairs) + len(self.removed) + len(self.added) + len(self.skipped)


def plan_library(old_root: Path, new_root: Path, options: DiffOptions, glob: Globs) -> Plan:
    """Pair the files of two trees by relative path, then by request identity."""
    old_names = [p.relative_to(old_root).as_posix() for p in iter_paths([old_root], glob)]
    new_names = [p.relative_to(new_root).as_posix() for p in iter_paths([new_root], glob)]
    new_set = set(new_names)
    plan = Plan(old_root, new_root, pairs=[(n, n) for n in old_names if n in new_set])
    paired = {name for name, _ in plan.pairs}
    removed = [name for name in old_names if name not in paired]
    added = [name for name in new_names if name not in paired]
    # Leftovers are read (they are few): to pair them, and to pass over non-cassettes.
    identify = partial(request_keys_of, options)
    old_keys = dict(zip(removed, map_paths(identify, [old_root / n for n in removed]), strict=True))
    new_keys = dict(zip(added, map_paths(identify, [new_root / n for n in added]), strict=True))
    for name, keys in old_keys.items():
        if isinstance(keys, Skipped):
            plan.skipped.append(FileDiff(name, None, PASSED_OVER, error=keys.note))
    for name, keys in new_keys.items():
        if isinstance(keys, Skipped):
            plan.skipped.append(FileDiff(None, name, PASSED_OVER, error=keys.note))
    renamed = match_by_identity(_keys_only(old_keys), _keys_only(new_keys))
    plan.pairs += renamed
    renamed_old, renamed_new = {old for old, _ in renamed}, {new for _, new in renamed}
    plan.removed = [n for n in removed if n not in renamed_old and _kept(old_keys[n])]
    plan.added = [n for n in added if n not in renamed_new and _kept(new_keys[n])]
    return plan


def _keys_only(found: dict[str, Keys | Skipped | None]) -> dict[str, Keys | None]:
    return {name: None if isinstance(keys, Skipped) else keys for name, keys in found.items()}


def _kept(keys: Keys | Skipped | None) -> bool:
    return not isinstance(keys, Skipped)


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
    yield from plan.skipped
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
    except NotACassette as exc:  # a walk found it: passed over, with a note
        return FileDiff(old_name, new_name, PASSED_OVER, error=exc.note())
    except CassetteError as exc:
        return FileDiff(old_name, new_name, ERROR, old_name != new_name, error=str(exc))


# identity --------------------------------------------------------------------------


def request_keys_of(options: DiffOptions, path: Path) -> Keys | Skipped | None:
    """Worker: a file's request identity; Skipped for a file that isn't a cassette; None
    when it can't be read (comparing it reports why) or holds several interactions (VCR
    files pair by path only)."""
    from cli.core import formats  # parsing is needed only for leftovers and differing pairs

    try:
        file = formats.read(path)
    except NotACassette as exc:
        return Skipped(exc.note())
    except CassetteError:
        return None
    if len(file.interactions) != 1 or file.interactions[0].pointer:
        return None
    return request_keys(without(file.interactions[0].data, options.ignore), path.name)


def request_keys(data: dict[str, Any], name: str = "cassette.json") -> Keys:
    """(exact, loose, model set) digests of what was asked (see the rules); none looks at
    headers. `name` is the file's name: a model list's `models-<hash>` part is its key."""
    from cli.core.formats.llamastack import hashing
    from cli.core.model import Interaction

    cassette = Interaction(Path(name), data)
    request = cassette.request
    exact = {key: value for key, value in request.items() if key != "headers"}
    exact["test_id"] = cassette.test_id
    loose = {
        "method": (cassette.method or "").upper(),
        "endpoint": cassette.endpoint,
        "host": _host(cassette.url or ""),
        "body": cassette.request_body,
        "tool": request.get("tool_name"),
    }
    if cassette.endpoint not in hashing.MODEL_LIST_ENDPOINTS[hashing.SCHEME_2026]:
        return _digest(exact), _digest(loose), None
    # Every list sends the same empty body: the loose key alone would pair any two.
    named = hashing.name_hash(name)
    ids = hashing.model_ids(data)
    return (
        _digest(exact),
        None if named is None else _digest({**loose, "name hash": named}),
        None if ids is None else _digest({**loose, "models": ids}),
    )


def _host(url: str) -> str:
    """The URL's host, or a placeholder's first part (`__databricks__/...`)."""
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        netloc = ""
    if netloc:
        return netloc.lower()
    return "" if url.startswith("/") else url.split("/", 1)[0].lower()


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
    """Pairs (old name, new name) of leftovers in the same folder with the same identity,
    level by level (exact keys first); ties pair in name order."""
    pairs: list[tuple[str, str]] = []
    taken: set[str] = set()  # new names already paired
    for level in range(LEVELS):
        waiting: dict[tuple[str, str], list[str]] = defaultdict(list)
        for name in sorted(new):
            keys = new[name]
            key = keys[level] if keys is not None and level < len(keys) else None
            if key is not None and name not in taken:
                waiting[(_folder(name), key)].append(name)
        paired_old = {a for a, _ in pairs}
        for name in sorted(old):
            keys = old[name]
            key = keys[level] if keys is not None and level < len(keys) else None
            if key is None or name in paired_old:
                continue
            candidates = waiting.get((_folder(name), key))
            if candidates:
                partner = candidates.pop(0)
                pairs.append((name, partner))
                taken.add(partner)
    return pairs


def _folder(name: str) -> str:
    return name.rsplit("/", 1)[0] if "/" in name else ""
