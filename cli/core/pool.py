"""The worker side of `library.map_paths`'s process pool: how a worker starts, stops when
the main process asks, and dies with the main process.

Rules:
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
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

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
