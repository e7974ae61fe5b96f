"""What a format says about a file that it can read but that holds no cassette."""

from __future__ import annotations

from cli.errors import ReadError


class NotACassette(ReadError):
    """Valid JSON or YAML that is not a recording (a CI matrix, a workflow file).

    A directory walk passes over such a file with a note; named on the command line, it is
    an error like any unreadable file.
    """
