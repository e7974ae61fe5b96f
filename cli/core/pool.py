"""Work over many files on every core: `map_paths` in the main process, and the workers'
side of its process pool: how a worker starts, stops when the main process asks, and dies
with the main process.

Rules:
- `map_paths` runs a function over many files, in input order, on a pool when there is
  enough work (`PARALLEL_THRESHOLD`, in JSON files' worth: a YAML file counts more).
- A worker stops starting files once the main process's `StopFlag` is set (shared
  memory, checked before each file), and ignores SIGINT and SIGTERM itself.
- A worker never outlives its main process: the kernel kills it when the main process
  goes (`PR_SET_PDEATHSIG`, Linux), and it checks its parent's pid before each file and,
  through `stop_if_orphaned`, before each write, for the moment before the kernel was
  asked and for systems without it. The writes of an orphan are what a user can't see
  or stop.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from cli.core.interrupt import StopFlag

T = TypeVar("T")
# Work ahead, in JSON files: below this, starting workers costs more than they save. A
# YAML file counts for YAML_WEIGHT: libyaml parses several times slower than orjson.
PARALLEL_THRESHOLD = 250
YAML_WEIGHT = 6

_stop: Any = None  # in a worker: the main process's StopFlag, as shared memory
_parent: int | None = None  # in a worker: the main process's pid


def start_worker(parent: int, stop: Any) -> None:
    """A worker dies with the main process: the kernel kills it when its parent goes
    (Linux), and it checks before each file and each write (`orphaned`) that its parent
    is still the one that started it, for the moment before the kernel was asked."""
    global _stop, _parent
    _stop, _parent = stop, parent
    _die_with_parent()
    if os.getppid() != parent:
        os._exit(1)
    if stop is not None:
        from cli.core.interrupt import ignore_signals

        ignore_signals()


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # then the parent-pid checks alone stop it


def orphaned() -> bool:
    """Whether this is a pool worker whose main process is gone (it must write nothing)."""
    return _parent is not None and os.getppid() != _parent


def stop_if_orphaned() -> None:
    """Before a write: a worker whose main process died exits at once, writing nothing."""
    if orphaned():
        os._exit(1)


def run_chunk(function: Callable[[Path], T], chunk: list[Path]) -> list[T]:
    results = []
    for path in chunk:
        if (_stop is not None and _stop.value) or orphaned():
            break  # the main process is stopping, or gone: start nothing more
        results.append(function(path))
    return results


def worker_count(work: int) -> int:
    """Workers for `work` JSON files' worth of reading (see `weight`)."""
    if work < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def weight(path: Path | None) -> int:
    """What reading `path` costs, in JSON files."""
    if path is None:
        return 0
    return YAML_WEIGHT if path.suffix.lower() in (".yaml", ".yml") else 1


def map_paths(
    function: Callable[[Path], T],
    paths: Iterable[Path | None],
    workers: int | None = None,
    stop: StopFlag | None = None,
) -> Iterator[T]:
    """`function` over `paths` in input order, on a process pool when there are many.

    `function` must be a module-level function (it is pickled) and should return a small
    summary. Paths are taken lazily and only a few chunks are in flight at a time, so
    neither the paths nor the results of a whole library are ever held at once.

    Once `stop` is set, no file is started: the files in hand finish, and their results
    are still yielded (workers check the flag before each file, and ignore the signals
    that set it), so the caller hears of every file that was done.

    A None among `paths` is no file: it only cuts the chunk being filled short (and ends
    the look at the first files that decides whether a pool pays).
    """
    pending = iter(paths)
    head: list[Path | None] = []
    work = 0
    for path in pending:  # enough files to decide; a None says "decide with what there is"
        head.append(path)
        work += weight(path)
        if path is None or work >= PARALLEL_THRESHOLD:
            break
    count = workers if workers is not None else worker_count(work)
    if count <= 1:
        for path in chain(head, pending):
            if path is None:
                continue
            if stop is not None and stop.is_set():
                stop.cut = True
                return
            yield function(path)
        return
    from concurrent.futures import Future, ProcessPoolExecutor  # ~12 ms; most runs need none

    # The first file is done here, before the workers start: what it imports and sets up
    # (modules, compiled patterns), they inherit rather than each do again.
    first = next((path for path in head if path is not None), None)
    if first is not None:
        if stop is not None and stop.is_set():
            stop.cut = True
            return
        head.remove(first)
        yield function(first)
    chunks = _chunks(chain(head, pending))

    shared = None if stop is None else stop.shared()
    options = {"initializer": start_worker, "initargs": (os.getpid(), shared)}
    with ProcessPoolExecutor(max_workers=count, **options) as pool:

        def submit(chunk: list[Path]) -> tuple[Future[list[T]], int]:
            if not chunk:  # a cut with nothing in it: nothing to send
                done: Future[list[T]] = Future()
                done.set_result([])
                return done, 0
            return pool.submit(run_chunk, function, chunk), len(chunk)

        in_flight = deque(submit(chunk) for chunk in islice(chunks, 4 * count))
        while in_flight:
            future, size = in_flight.popleft()
            results = future.result()
            if stop is not None and (len(results) < size or stop.is_set()):
                stop.cut = stop.cut or len(results) < size
            else:
                for chunk in islice(chunks, 1):
                    in_flight.append(submit(chunk))
            yield from results
        if stop is not None and stop.is_set() and next(chunks, None) is not None:
            stop.cut = True  # chunks never sent


def _chunks(paths: Iterator[Path | None]) -> Iterator[list[Path]]:
    """Small chunks first (a short run still spreads over every worker), then up to 64.
    A None in `paths` cuts the chunk short (`map_cached`: the caller holds many files
    behind it), even to an empty one."""
    size, chunk = 4, []
    for path in paths:
        if path is not None:
            chunk.append(path)
        if path is None or len(chunk) >= size:
            yield chunk
            chunk, size = [], min(64, size * 2) if chunk else size
    if chunk:
        yield chunk
