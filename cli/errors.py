"""The one exception family, and the exit codes every command shares.

Each message says what went wrong, where (file and JSON pointer), and how to fix it.
`cli.app` turns these into exit codes; nothing else does.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path

from cli.messages import printable


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # validate problems, diff differences, --check would change something
    ERROR = 2  # usage error, or input that can't be read or parsed
    INTERRUPTED = 130  # stopped by SIGINT or SIGTERM (128 + 2, as shells report it)


def exit_code(*, failed: bool = False, findings: bool = False) -> ExitCode:
    """The one rule every command ends by: a file that couldn't be read or written outranks
    findings, and findings outrank a clean run."""
    if failed:
        return ExitCode.ERROR
    return ExitCode.FINDINGS if findings else ExitCode.OK


class CassetteError(Exception):
    """Base of every error the tool reports to the user, one line each."""

    exit_code = ExitCode.ERROR

    def __init__(self, message: str, path: Path | str | None = None, pointer: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.pointer = pointer

    def __str__(self) -> str:
        where = printable(self.path or "")  # a newline in a file name stays visible
        if self.pointer:
            where = f"{where}:{self.pointer}" if where else self.pointer
        text = f"{where}: {self.message}" if where else self.message
        # One line, always: a message is never allowed to break a report's layout.
        return " ".join(text.split())


class ReadError(CassetteError):
    """A file could not be read or parsed (missing, unreadable, not JSON, wrong shape)."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        pointer: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ):
        super().__init__(message, path, pointer)
        self.line = line
        self.column = column


class NotACassette(ReadError):
    """Valid JSON that isn't a recording at all: not an object, or an object with neither
    "request" nor "response" (llama-stack's `ci_matrix.json`). A file named on the command
    line is still an error; a directory walk passes over it with `note`."""

    def __init__(self, message: str, path: Path | str | None = None, reason: str = "") -> None:
        super().__init__(message, path)
        self.reason = reason or message

    def note(self) -> str:
        """The one line a directory walk prints when it passes over this file."""
        return (
            f"cassette: {printable(self.path or '')}: not a cassette ({self.reason}); passed over"
        )


class WriteError(CassetteError):
    """A file could not be written; the original is left as it was."""


class UsageError(CassetteError):
    """The command line or the configuration asks for something impossible."""
