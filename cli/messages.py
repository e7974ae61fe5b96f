"""Messages for people, on stderr: one line each, never through Rich's wrapping.

A file name is data, not layout: `printable` escapes its control characters (a newline
becomes `\n`), so a name can't break the one-line rule or pass for another name.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path


def error_line(text: str, command: str = "cassette") -> None:
    """Print `<command>: <text>` as exactly one line on stderr. `command` names the
    command (`cassette merge`) when the text names no file."""
    sys.stderr.write(f"{command}: " + " ".join(str(text).split()) + "\n")
    sys.stderr.flush()


def printable(text: str) -> str:
    """`text` with control and other unprintable characters escaped (`\n`, `\x1b`, `\udcff`)."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape", "backslashreplace").decode()
        for char in text
    )


def note_line(text: str) -> None:
    sys.stderr.write(" ".join(str(text).split()) + "\n")
    sys.stderr.flush()


def note_nothing_found(paths: Iterable[Path], glob: list[str] | None, command: str) -> None:
    """One line for each directory given in which the walk finds no file to read: an
    empty directory, or a `--glob` that matches nothing, must not pass in silence."""
    from cli.core.library import globs, iter_paths

    patterns = list(globs(glob))
    wanted = ", ".join(patterns[:-1]) + " or " + patterns[-1] if len(patterns) > 1 else patterns[0]
    for path in paths:
        if path.is_dir() and next(iter_paths([path], glob), None) is None:
            error_line(
                f"no cassettes found under {printable(str(path))} (no file matches {wanted})",
                command,
            )
