"""Find cassettes under paths, lazily and in a stable order; map work over them.

Rules:
- A path named on the command line is read whatever its extension; a directory is
  searched recursively for names matching any of the globs (default `*.json`, `*.yaml`,
  `*.yml`: llama-stack's recordings and VCR.py's cassettes), sorted, lazily.
- A file found by a walk that turns out not to be a cassette (`NotACassette`: a CI
  workflow, `mkdocs.yml`, llama-stack's `ci_matrix.json`) is passed over with one note
  and no effect on the exit code (`pass_over` gives a worker's `Skipped` answer); one
  named on the command line is an error. `was_named` tells the two apart.
- A named path that does not exist is still yielded, so the per-file read reports it
  and the other files go on.
- Symlinked directories are not followed (no loops, no escaping the tree); symlinked
  files are read. Our own temp files (`.cassette-tmp-*`) and resume journals
  (`.cassette-journal-*`) are never cassettes.
- A directory that can't be listed is yielded itself, so that reading it reports the
  problem: its cassettes are never skipped in silence. A directory given that holds
  nothing to read is named by `nothing_found`, for the commands to say so.
- `map_paths` (from `cli.core.pool`) runs a function over many files on every core, in
  input order, holding a few chunks of paths and results (keep them
  small), never the cassettes, and never a whole library's paths: memory stays flat from
  10 files to 100,000. Given a stop flag (`interrupt.StopFlag`), it starts no file once
  the flag is set, and still returns the results of the files in hand.
- `map_cached` is `map_paths` behind the result cache (`cli.core.cache`): each file is
  looked up in the main process, and only misses go to the workers, still in input order.
  Results travel and are kept as small JSON records (`encode` in the worker, `decode` in
  the main process, for hits and misses alike, so a warm run prints what a cold one
  does). A record may name the file only as it was given: the path as given and whether
  it was named are part of each entry's key.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cli.core.pool import map_paths
from cli.messages import printable

if TYPE_CHECKING:
    from cli.core.cache import ResultCache
    from cli.core.interrupt import StopFlag
    from cli.errors import NotACassette

# Our own files, never cassettes: atomic writes' temp names, resume journals.
TEMP_PREFIX = ".cassette-tmp-"
JOURNAL_PREFIX = ".cassette-journal-"
OWN_PREFIXES = (TEMP_PREFIX, JOURNAL_PREFIX)
DEFAULT_GLOBS = ("*.json", "*.yaml", "*.yml")
Globs = str | Iterable[str] | None  # one pattern, several, or None for DEFAULT_GLOBS
LOOKUP_BATCH = 64  # map_cached: files looked up in the cache with one query
HELD = 256  # map_cached: looked-up files held behind a miss before its chunk is sent

T = TypeVar("T")
R = TypeVar("R")


def iter_paths(paths: Iterable[Path | str], glob: Globs = None) -> Iterator[Path]:
    """Every cassette path under `paths`, in order, each once.

    One walk never finds a file twice, so only the given paths are remembered (not every
    file found, which would grow with the library): a directory inside one already walked
    is skipped, and so is a named file already found by a walk or named before.
    """
    glob = globs(glob)
    walked: list[Path] = []
    named: set[Path] = set()
    for given in paths:
        path = Path(given)
        resolved = _resolved(path)
        root = next((r for r in walked if resolved == r or r in resolved.parents), None)
        if root is not None and (path.is_dir() or _found_by_walk(path, resolved, root, glob)):
            continue
        if path.is_dir():
            walked.append(resolved)
            for item in _walk(path, glob):
                if not named or _resolved(item) not in named:
                    yield item
        elif resolved not in named:
            named.add(resolved)
            yield path


def globs(glob: Globs) -> tuple[str, ...]:
    """The patterns a walk looks for: the given ones, or `DEFAULT_GLOBS`."""
    if glob is None:
        return DEFAULT_GLOBS
    chosen = (glob,) if isinstance(glob, str) else tuple(glob)
    return chosen or DEFAULT_GLOBS


def nothing_found(paths: Iterable[Path], glob: Globs = None) -> Iterator[str]:
    """Why each directory given yields no file to read (an empty directory, or a glob
    that matches nothing): a typo in CI must not pass in silence. Each walk stops at its
    first file."""
    patterns = globs(glob)
    wanted = ", ".join(patterns[:-1]) + " or " + patterns[-1] if len(patterns) > 1 else patterns[0]
    for path in paths:
        if path.is_dir() and next(iter_paths([path], glob), None) is None:
            yield f"no cassettes found under {printable(str(path))} (no file matches {wanted})"


def was_named(path: Path, paths: Iterable[Path | str]) -> bool:
    """Whether `path` was named on the command line, rather than found by a walk."""
    return any(path == Path(given) for given in paths)


def _found_by_walk(path: Path, resolved: Path, root: Path, glob: tuple[str, ...]) -> bool:
    """Whether walking `root` yielded this named file already."""
    return path.is_file() and _wanted(path.name, resolved.relative_to(root).as_posix(), glob)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: compare it as written
        return path.absolute()


def _walk(root: Path, glob: tuple[str, ...]) -> Iterator[Path]:
    """In the order of the paths' names (`a.json`, `b/c.json`, `d.json`), the same on every
    machine, so that output in walk order is output sorted by name.

    Iterative: Python 3.11's `os.walk` recurses, and fails past ~1000 nested directories.
    """
    levels = [_listing(root, "")]  # one sorted listing per directory being walked
    while levels:
        entry = next(levels[-1], None)
        if entry is None:
            levels.pop()
            continue
        path, relative, kind = entry
        if kind == "dir":
            levels.append(_listing(path, relative + "/"))
        elif kind == "unreadable":
            yield path  # reading it says why it can't be listed: never skipped silently
        elif kind == "file" and _wanted(path.name, relative, glob):
            yield path


def _listing(directory: Path, prefix: str) -> Iterator[tuple[Path, str, str]]:
    """(path, path under the root, kind) of each entry, sorted as full paths sort: a
    directory `a` sorts as `a/`, so it comes after `a-b.json` and before `a0.json`."""
    try:
        with os.scandir(directory) as scan:
            entries = [(entry.name, _kind(entry)) for entry in scan]
    except OSError:
        return iter([(directory, prefix.rstrip("/"), "unreadable")])
    entries.sort(key=lambda entry: entry[0] + "/" if entry[1] == "dir" else entry[0])
    return ((directory / name, prefix + name, kind) for name, kind in entries)


def _wanted(name: str, relative: str, glob: tuple[str, ...]) -> bool:
    if name.startswith(OWN_PREFIXES):  # our own temp files and journals are never cassettes
        return False
    match = _pattern(glob).match
    return match(name) is not None or match(relative) is not None


@functools.lru_cache(maxsize=16)
def _pattern(glob: tuple[str, ...]) -> re.Pattern[str]:
    """The globs as one regex: what `fnmatch` does per glob and file, done once a walk
    (names here are matched as written, as `fnmatch` does on POSIX)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(one))})" for one in glob))


def _kind(entry: os.DirEntry[str]) -> str:
    """ "dir" to search, "link" (a symlinked directory: never followed) or "file"."""
    try:
        if entry.is_dir():
            return "link" if entry.is_symlink() else "dir"
    except OSError:
        pass
    return "file"  # a file, a symlinked file, or a broken link (reading it says so)


@dataclass(frozen=True)
class Skipped:
    """A worker's answer for a file a walk passes over; `note` is the line that says so."""

    note: str


def pass_over(error: NotACassette, path: Path, given: Iterable[Path | str]) -> Skipped | None:
    """Skipped when a walk of `given` found `path`; None when it was named (an error)."""
    return None if was_named(path, given) else Skipped(error.note())


def relative_name(path: Path, roots: Iterable[Path | str]) -> str:
    """The path relative to the root it was found under, for display and pairing."""
    return namer(roots)(path)


def namer(roots: Iterable[Path | str]) -> Callable[[Path], str]:
    """`relative_name` for many paths under the same roots: which roots are directories is
    asked once, and names are cut as strings (a walk's paths are its root's text, a slash,
    and the rest), not through pathlib."""
    prefixes = []
    for root in roots:
        root = Path(root)
        if root.is_dir():
            text = str(root)
            prefixes.append("" if text == "." else text if text.endswith("/") else text + "/")

    def name(path: Path) -> str:
        text = str(path)
        for prefix in prefixes:
            if text.startswith(prefix) and (prefix or not path.is_absolute()):
                return text[len(prefix) :]
        return path.as_posix()

    return name


def map_cached(
    function: Callable[[Path], T],
    paths: Iterable[Path],
    store: ResultCache | None,
    *,
    encode: Callable[[T], Any],
    decode: Callable[[Path, Any], R],
    given: Iterable[Path | str] = (),
    keep: Callable[[Any], bool] | None = None,
    depends: Callable[[Path], str] | None = None,
    stop: StopFlag | None = None,
) -> Iterator[tuple[Path, R]]:
    """(path, decode(path, record)) for each path, in input order, where the record is
    `encode(function(path))` made in a worker, or the cached one from an earlier run.

    `store` None: no cache (every file is a miss, nothing is kept). `keep(record)` False:
    that record is not cached (it depends on more than its file). `depends(path)`
    describes what else a file's result depends on (another file's stat): part of the
    entry's key. A complete run over directories prunes the entries of their files that
    are gone.
    """
    import orjson

    from cli.core.cache import MISS, file_key

    given = list(given)
    named = {str(Path(one)) for one in given}  # strings: a Path hashes its parts each time
    cwd = os.getcwd()
    work = partial(_encoded, function, encode)
    source = iter(paths)
    queue: deque[tuple[Path, Any, str, Any]] = deque()  # looked up, not yielded yet
    misses: deque[Path] = deque()  # looked up, missed, not yet sent to `map_paths`

    def look_up() -> bool:
        """Look up the next few files at once (one query for them all)."""
        batch = list(islice(source, LOOKUP_BATCH))
        if not batch:
            return False
        variants = [
            f"{path}\0{int(str(path) in named)}\0{depends(path) if depends else ''}"
            for path in batch
        ]
        if store is None:
            keys, hits = [None] * len(batch), [MISS] * len(batch)
        else:
            keys = [file_key(path, cwd) for path in batch]
            hits = store.get_many(keys, variants)
        for entry in zip(batch, keys, variants, hits, strict=True):
            queue.append(entry)
            if entry[3] is MISS:
                misses.append(entry[0])
        return True

    def missed() -> Iterator[Path | None]:
        while misses or look_up():
            if misses:
                yield misses.popleft()
            elif len(queue) >= HELD:
                yield None  # many hits wait behind a miss: send what there is

    results = map_paths(work, missed(), stop=stop)
    while queue or look_up():
        path, key, variant, record = queue[0]
        if record is MISS:
            data = next(results, MISS)
            if data is MISS:  # stopped: the files in hand are done
                return
            if isinstance(data, Unencoded):
                record = data.record
            else:
                record = orjson.loads(data)
                if store is not None and (keep is None or keep(record)):
                    store.put_json(key, data, variant)
        elif stop is not None and stop.is_set():
            stop.cut = True
            return
        queue.popleft()
        yield path, decode(path, record)
    if store is not None:
        store.prune(Path(one) for one in given if os.path.isdir(one))


@dataclass
class Unencoded:
    """A record orjson can't write (a lone surrogate from a damaged file): passed on as it
    is, and not cached."""

    record: Any


def _encoded(function: Callable[[Path], T], encode: Callable[[T], Any], path: Path) -> Any:
    """In the worker: the record as the JSON the cache keeps, so that the main process
    neither encodes it nor unpickles more than bytes."""
    import orjson

    record = encode(function(path))
    try:
        return orjson.dumps(record)
    except TypeError:
        return Unencoded(record)
