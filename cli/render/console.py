"""Rich consoles for data (stdout) and progress (stderr), honouring NO_COLOR and --no-color.

Rules:
- No color means no styling at all: no color, and no bold, italic or dim either
  (`color_off`). It is asked for with `--no-color`, or `NO_COLOR` set to anything but "".
- A progress bar shows only where someone watches it (`bar_wanted`): stderr is a
  terminal, stdout is not a pipe (`cassette ls | less` would be drawn over), the run is
  not in CI (`CI` set) and its output is not for a program (`--format json`). It goes to
  stderr, is gone when the run ends, and draws without color when color is off.
- While a bar runs, lines written to stderr appear above it; so do stdout's when stdout
  is the same terminal. stdout redirected to a file is left alone: its lines go there.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

# Rich is imported inside each function: `ls` and `validate` print plain lines and only
# want a progress bar on a terminal, so most runs never pay for Rich's import (~20 ms).

MINIMUM = 200  # files: a shorter run is over before a bar could say anything


def color_off(no_color: bool = False) -> bool:
    """Whether output must carry no styling: `--no-color`, or NO_COLOR set and not empty."""
    return no_color or os.environ.get("NO_COLOR", "") != ""


def data_console(no_color: bool = False) -> Console:
    """stdout: styled only on a terminal; with color off, not even bold or dim (Rich's
    own `no_color` keeps those: no color system at all writes no escapes)."""
    from rich.console import Console

    if color_off(no_color):
        return Console(no_color=True, color_system=None, highlight=False, soft_wrap=False)
    return Console(highlight=False, soft_wrap=False)


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


def in_ci() -> bool:
    """`CI` set, as every CI service does (`CI=true`); `CI=0` or `false` is not CI."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def bar_wanted() -> bool:
    """Whether a progress bar would be seen, and seen only by a person (module rules)."""
    if in_ci() or not sys.stderr.isatty():
        return False
    try:
        mode = os.fstat(sys.stdout.fileno()).st_mode
    except (OSError, ValueError):  # no real stdout (a test's capture): nobody watches
        return False
    return not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode))


@contextmanager
def progress(
    total: int, description: str, *, no_color: bool = False, quiet: bool = False
) -> Iterator[Any]:
    """A bar on stderr for a run of `total` steps; a no-op when `quiet` (machine output),
    for short runs, or when nobody would see it."""
    if quiet or total < MINIMUM or not bar_wanted():
        yield _NoProgress()
        return
    from rich.console import Console
    from rich.progress import Progress

    plain = color_off(no_color)
    console = Console(stderr=True, no_color=plain or None, color_system=None if plain else "auto")
    with Progress(console=console, transient=True, redirect_stdout=sys.stdout.isatty()) as bar:
        task = bar.add_task(description, total=total)
        yield _Advance(bar, task)


def files_progress(
    paths: Iterable[Path],
    glob: list[str] | None,
    description: str,
    *,
    no_color: bool = False,
    quiet: bool = False,
):  # -> a context manager whose value has .advance()
    """`progress` over the files under `paths`. They are counted (one more walk, as the
    run streams them) only when the bar will show."""
    if quiet or not bar_wanted():
        return progress(0, description, quiet=True)
    from cli.core.library import iter_paths

    total = sum(1 for _ in iter_paths(paths, glob))
    return progress(total, description, no_color=no_color)


class _NoProgress:
    def advance(self, steps: int = 1) -> None:
        return None


class _Advance:
    def __init__(self, bar: Any, task: Any) -> None:
        self.bar = bar
        self.task = task

    def advance(self, steps: int = 1) -> None:
        self.bar.advance(self.task, steps)
