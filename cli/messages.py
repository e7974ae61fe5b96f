"""Messages for people, on stderr: one line each, never through Rich's wrapping.

A file name is data, not layout: `printable` escapes its control characters (a newline
becomes `\n`), so a name can't break the one-line rule or pass for another name.
"""

from __future__ import annotations

import sys


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
