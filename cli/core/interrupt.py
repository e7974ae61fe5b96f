"""Stopping a run cleanly on SIGINT or SIGTERM: finish the file in hand, then stop.

Rules:
- `StopFlag` is what a run checks between files. It is set by the signal handler that
  `stop_on_signals` installs in the main process; worker processes see it through shared
  memory (`shared`, made only when a pool starts) and check it before each file, so no
  worker starts a file once the main process has decided to stop. `cut` says whether the
  run left files undone: a signal after the last file stops nothing.
- Workers ignore SIGINT and SIGTERM themselves (a terminal's Ctrl-C reaches the whole
  process group): only the main process decides, and a worker is never cut off in the
  middle of a file, or before its result reaches the main process.
- A second signal stops at once (KeyboardInterrupt): the run was asked twice.
- Handlers are installed only in the main thread (the only place Python allows it), and
  the previous ones are restored afterwards.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopFlag:
    def __init__(self) -> None:
        self.signal: int | None = None  # the signal that set it
        self.cut = False  # whether a run left files undone because of it
        self._shared: Any = None

    def set(self, signum: int | None = None) -> None:
        if self.signal is None:
            self.signal = signum if signum is not None else signal.SIGINT
        if self._shared is not None:
            self._shared.value = 1

    def is_set(self) -> bool:
        return self.signal is not None

    def shared(self) -> Any:
        """The flag as workers see it: a byte of shared memory, made on first use."""
        if self._shared is None:
            from multiprocessing import RawValue

            self._shared = RawValue("b", 1 if self.is_set() else 0)
        return self._shared

    @property
    def name(self) -> str:
        return signal.Signals(self.signal).name if self.signal is not None else ""


@contextmanager
def stop_on_signals(flag: StopFlag) -> Iterator[StopFlag]:
    """While inside, SIGINT and SIGTERM set `flag` instead of stopping the process."""
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum: int, frame: Any) -> None:
        if flag.is_set():
            raise KeyboardInterrupt  # asked twice: stop now
        flag.set(signum)

    previous = {signum: signal.signal(signum, handler) for signum in SIGNALS}
    try:
        yield flag
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def ignore_signals() -> None:
    """In a worker process: only the main process decides when to stop."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
