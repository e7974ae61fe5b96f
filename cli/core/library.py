"""Find cassettes under paths, lazily and in a stable order; map work over them.

Rules:
- A path named on the command line is read whatever its extension; a directory is
  searched recursively for names matching the glob (default `*.json`), sorted, lazily.
- A named path that does not exist is still yielded, so the per-file read reports it
  and the other files go on.
- Symlinked directories are not followed (no loops, no escaping the tree); symlinked
  files are read. Our own temp files (`.cassette-tmp-*`) are never cassettes.
- `map_paths` runs a function over many files on every core, in input order, holding
  only the results (keep them small), never the cassettes.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from cli.core.codec import TEMP_PREFIX

DEFAULT_GLOB = "*.json"
PARALLEL_THRESHOLD = 48  # below this, starting workers costs more than it saves

T = TypeVar("T")


def iter_paths(paths: Iterable[Path | str], glob: str = DEFAULT_GLOB) -> Iterator[Path]:
    """Every cassette path under `paths`, in order, each once."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found: Iterable[Path] = _walk(path, glob)
        else:
            found = [path]
        for item in found:
            if item not in seen:
                seen.add(item)
                yield item


def _walk(root: Path, glob: str) -> Iterator[Path]:
    """Depth-first, names sorted, so that output order is the same on every machine."""

    def on_error(_: OSError) -> None:
        return None  # an unreadable subdirectory is skipped, like `find` without -L

    for directory, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames.sort()
        base = Path(directory)
        for name in sorted(filenames):
            if name.startswith(TEMP_PREFIX):
                continue
            path = base / name
            # The relative path is built only when the name alone doesn't match (speed).
            if fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(
                path.relative_to(root).as_posix(), glob
            ):
                yield path


def relative_name(path: Path, roots: Iterable[Path | str]) -> str:
    """The path relative to the root it was found under, for display and pairing."""
    for root in roots:
        root = Path(root)
        try:
            if root.is_dir():
                return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def worker_count(job_count: int) -> int:
    if job_count < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def map_paths(
    function: Callable[[Path], T], paths: Iterable[Path], workers: int | None = None
) -> Iterator[T]:
    """`function` over `paths` in input order, on a process pool when there are many.

    `function` must be a module-level function (it is pickled) and should return a small
    summary: results queue up until the caller takes them.
    """
    path_list = paths if isinstance(paths, list) else list(paths)
    count = workers if workers is not None else worker_count(len(path_list))
    if count <= 1:
        yield from map(function, path_list)
        return
    chunksize = max(1, min(64, len(path_list) // (count * 8) or 1))
    from concurrent.futures import ProcessPoolExecutor  # ~12 ms; most runs never need it

    with ProcessPoolExecutor(max_workers=count) as pool:
        yield from pool.map(function, path_list, chunksize=chunksize)
