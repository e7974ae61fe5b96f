"""Rich consoles for data (stdout) and progress (stderr), honouring NO_COLOR and --no-color."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

# Rich is imported inside each function: `ls` and `validate` print plain lines and only
# want a progress bar on a terminal, so most runs never pay for Rich's import (~20 ms).


def data_console(no_color: bool = False) -> Console:
    """stdout: colors only on a terminal, never with --no-color or NO_COLOR."""
    from rich.console import Console

    return Console(no_color=no_color or None, highlight=False, soft_wrap=False)


def plain_console(width: int | None = None) -> Console:
    """No color, no terminal tricks: for --plain and git textconv."""
    from rich.console import Console

    return Console(
        no_color=True,
        color_system=None,
        force_terminal=False,
        highlight=False,
        width=width or int(os.environ.get("COLUMNS", "100")),
    )


@contextmanager
def progress(total: int, description: str, minimum: int = 200) -> Iterator[Any]:
    """A progress bar on stderr for long runs on a terminal; a no-op otherwise."""
    if total < minimum or not sys.stderr.isatty():
        yield _NoProgress()
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield _Advance(bar, task)


class _NoProgress:
    def advance(self, steps: int = 1) -> None:
        return None


class _Advance:
    def __init__(self, bar: Any, task: Any) -> None:
        self.bar = bar
        self.task = task

    def advance(self, steps: int = 1) -> None:
        self.bar.advance(self.task, steps)
