"""The last answer of a read-only command, given again when nothing it reads has changed.

`cassette ls`, `validate` and the `--check` of the editing commands only read. Asked the
same question over a library where nothing changed, they give the same output and exit
code: `cli.launch` looks the question up here before Typer, Rich or any command is
imported, and replays the answer. What a warm run then costs is Python's start-up, one
walk of the library's stats and one SQLite read.

Rules:
- The question is everything an answer can depend on: the tool's version and code, the
  Python running it and the packages installed beside it (their versions), the
  arguments, the working directory, the environment (but for `_` and `OLDPWD`, which the
  shell changes between any two commands), the user, what stdin, stdout and stderr are
  (terminal, pipe or file; a terminal's size), every
  `pyproject.toml` from the working directory up, and, for each argument that names
  something on disk, the stat (type, mode, size, mtime in ns, inode) of it and of
  everything under it (a symlink's target too), and the test module of each folder in
  pytest-recording's layout (V006 reads it). An argument that names nothing is
  recorded as absent.
- The answer is the run's writes to stdout and stderr, in the order it made them (one
  terminal shows both), and its exit code. It is kept, under the question asked before
  the run, only when the run ended with 0 or 1 and all of its output reached its
  readers. A file that changed while the run read it has other stats afterwards, so no
  later run asks that question again. Outputs above `MAX_OUTPUT` are not kept; at most
  `MAX_ANSWERS` are, the least recently used going first.
- Storage: `answers.sqlite` beside the result cache (`home.cache_folder()`). A database
  that can't be used means no answer, never an error. `--no-cache` neither reads nor
  keeps one (`cli.launch`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import struct
import sys
import time
import zlib
from collections.abc import Callable, Iterable

from cli import __version__
from cli.core import home

DATABASE = "answers.sqlite"
MAX_ANSWERS = 64
MAX_OUTPUT = 16 * 1024 * 1024
VOLATILE = frozenset({"_", "OLDPWD"})
_FRAME = struct.Struct("<BI")  # a write: its stream (1 or 2) and its length

Writes = list[tuple[int, bytes]]  # (stream, bytes), in the order they were written


def question(argv: list[str]) -> bytes:
    """The digest of everything the answer to `cassette ARGV` may depend on."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "surrogateescape") + b"\n")

    add(__version__, home.code_stamp(), sys.executable, sys.version, _installed(), argv)
    cwd = os.getcwd()
    add("cwd", cwd, os.getuid(), os.geteuid(), os.getgid())
    add("env", sorted(item for item in os.environ.items() if item[0] not in VOLATILE))
    for fd in (0, 1, 2):
        add("stream", fd, _stream(fd))
    place = cwd
    while True:
        add("pyproject", place, _stat(os.path.join(place, "pyproject.toml")))
        parent = os.path.dirname(place)
        if parent == place:
            break
        place = parent
    for token in argv:
        _describe(token, add)
    return digest.digest()


def _installed() -> list[str]:
    """The packages installed beside the tool, with their versions (`*.dist-info` names):
    another PyYAML, Rich or orjson may answer otherwise."""
    names = []
    for folder in sys.path:
        if folder.endswith(("site-packages", "dist-packages")):
            with contextlib.suppress(OSError), os.scandir(folder) as entries:
                names += sorted(e.name for e in entries if e.name.endswith(".dist-info"))
    return names


def _stream(fd: int) -> tuple[int, ...]:
    try:
        kind = stat.S_IFMT(os.fstat(fd).st_mode)
    except OSError:
        return (-1,)
    if not os.isatty(fd):
        return (kind,)
    try:
        return (kind, *os.get_terminal_size(fd))
    except OSError:
        return (kind, 0)


def _stat(path: str, follow: bool = False) -> tuple[int, ...] | str:
    try:
        info = os.stat(path, follow_symlinks=follow)
    except OSError as exc:
        return f"absent:{exc.errno}"
    return (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ino)


def _describe(token: str, add: Callable[..., None]) -> None:
    """What `token` names on disk, and everything under it."""
    found = _stat(token)
    add("token", token, found)
    if isinstance(found, str):
        return
    if stat.S_ISLNK(found[0]):
        add("target", _stat(token, follow=True))
    _module(os.path.dirname(os.path.abspath(token)), add)
    if os.path.isdir(token):
        _module(os.path.abspath(token), add)
        lines: list[str] = []
        _walk(token, lines, add)
        add("tree", hashlib.sha256("".join(lines).encode("utf-8", "surrogateescape")).digest())


def _walk(top: str, lines: list[str], add: Callable[..., None]) -> None:
    """A line for everything under `top`: its path, lstat and (a symlink) its target's
    stat. Symlinked folders are described, not entered (as `library.iter_paths` does).
    Lines rather than tuples: a library has thousands of entries to describe."""
    try:
        with os.scandir(top) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        lines.append(f"unlisted {top} {exc.errno}\n")
        return
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError as exc:
            lines.append(f"{entry.path}\0gone {exc.errno}\n")
            continue
        target = _stat(entry.path, follow=True) if entry.is_symlink() else ""
        lines.append(
            f"{entry.path}\0{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}"
            f"\0{info.st_ino}\0{target}\n"
        )
        if stat.S_ISDIR(info.st_mode):
            _module(entry.path, add)
            _walk(entry.path, lines, add)


def _module(folder: str, add: Callable[..., None]) -> None:
    """The test module V006 reads for a folder of pytest-recording's layout."""
    parent, name = os.path.split(folder)
    if os.path.basename(parent) == "cassettes":
        module = os.path.join(os.path.dirname(parent), f"{name}.py")
        add("module", module, _stat(module, follow=True))


# the answers ---------------------------------------------------------------------------


def recall(asked: bytes) -> tuple[int, Writes] | None:
    """(exit code, writes) of the last run that was asked `asked`, or None."""
    db = _open()
    if db is None:
        return None
    with contextlib.closing(db):
        try:
            row = db.execute(
                "SELECT code, output FROM answers WHERE question = ?", (asked,)
            ).fetchone()
            if row is None:
                return None
            with db:
                db.execute("UPDATE answers SET used = ? WHERE question = ?", (time.time(), asked))
        except sqlite3.Error:
            return None
    try:
        return row[0], list(_frames(zlib.decompress(row[1])))
    except (struct.error, ValueError, zlib.error, TypeError):
        return None


def keep(asked: bytes, code: int, writes: Writes) -> None:
    """Keep the answer to `asked`."""
    output = b"".join(_FRAME.pack(fd, len(data)) + data for fd, data in writes)
    if len(output) > MAX_OUTPUT:
        return
    output = zlib.compress(output, 1)  # a tenth of the bytes to write, in milliseconds
    db = _open()
    if db is None:
        return
    with contextlib.closing(db), contextlib.suppress(sqlite3.Error), db:
        db.execute(
            "INSERT OR REPLACE INTO answers (question, code, output, used) VALUES (?, ?, ?, ?)",
            (asked, code, output, time.time()),
        )
        db.execute(
            "DELETE FROM answers WHERE question NOT IN "
            "(SELECT question FROM answers ORDER BY used DESC LIMIT ?)",
            (MAX_ANSWERS,),
        )


def _frames(output: bytes) -> Iterable[tuple[int, bytes]]:
    at = 0
    while at < len(output):
        fd, size = _FRAME.unpack_from(output, at)
        at += _FRAME.size
        if fd not in (1, 2) or at + size > len(output):
            raise ValueError("a damaged answer")
        yield fd, output[at : at + size]
        at += size


def _path() -> str:
    return os.path.join(home.cache_folder(), DATABASE)


def _open() -> sqlite3.Connection | None:
    return home.open_table(
        DATABASE, "answers (question BLOB PRIMARY KEY, code INTEGER, output BLOB, used REAL)", 0.2
    )


def info() -> dict[str, int]:
    """How many answers are kept, in how many bytes."""
    from pathlib import Path

    from cli.core.cache import tally

    query = "SELECT COUNT(*), COALESCE(SUM(LENGTH(output)), 0) FROM answers"
    count, size = tally(Path(_path()), query)
    return {"answers": count, "bytes": size}


def clear() -> int:
    """Forget every answer; returns how many bytes the database took."""
    from pathlib import Path

    from cli.core.cache import remove_database

    return remove_database(Path(_path()))
