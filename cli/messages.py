"""Messages for people, on stderr: one line each, never through Rich's wrapping."""

from __future__ import annotations

import sys


def error_line(text: str) -> None:
    """Print `cassette: <text>` as exactly one line on stderr."""
    sys.stderr.write("cassette: " + " ".join(str(text).split()) + "\n")
    sys.stderr.flush()


def note_line(text: str) -> None:
    sys.stderr.write(" ".join(str(text).split()) + "\n")
    sys.stderr.flush()
