"""What makes a good error line: one line, `cassette[ COMMAND]: `, naming a file or a
command, never a bare exception repr. Used by test_messages.py and, after every test, by
conftest.py."""

from __future__ import annotations

import re

from cli.app import COMMANDS

PREFIXES = {"cassette", *(f"cassette {name}" for name in COMMANDS)}
BARE = re.compile(
    r"\b\w*(Error|Exception|Exit|Interrupt)\(|<[\w.]+ object at 0x[0-9a-f]+>|\[Errno \d+\]"
    r"|^\w*(Error|Exception)$|^'[^']*'$"
)
FILE = re.compile(r"(?:^|[\s'\"(])(?:[^\s'\"()]*/[^\s'\"()]*|[^\s'\"()/]+\.(?:json|toml))")


def problems(line: str) -> list[str]:
    """What is wrong with one printed error line (empty: nothing)."""
    found = []
    if "\n" in line or "\r" in line:
        found.append("more than one line")
    prefix, _, text = line.partition(": ")
    if prefix not in PREFIXES:
        found.append(f"does not start with 'cassette[ COMMAND]: ' ({prefix!r})")
    if not text.strip():
        found.append("says nothing")
    names_command = prefix != "cassette" or "'cassette --help'" in text
    head, colon, _ = text.partition(": ")  # `path: message`, as CassetteError writes it
    names_file = FILE.search(text) or (colon and head.strip() and " " not in head)
    if not names_command and not names_file:
        found.append("names neither a file nor a command")
    if BARE.search(text.strip()):
        found.append("looks like a bare exception")
    return found
