"""Compressed bodies that zlib can't make again, remembered so that an edit and its reverse
give back the same bytes.

A gzip body that another deflate implementation wrote (Cloudflare's, Google's) holds
bytes no zlib setting reproduces: once edited and edited back, it would come back as the
same content in other bytes. `rename-model A B` remembers each such body as it was
recorded; `rename-model B A` then finds the content it is about to compress among them
and writes the recorded bytes back.

Rules:
- Only inside a `session(True)`: the edits that opt in (`Bound.remembers`: rename-model,
  retime), and never with `--no-cache`. `scrub` never remembers: what it removes must
  not survive anywhere.
- A body is remembered only when zlib can't reproduce it, when it is at most
  `MAX_BODY` bytes, and when the secret detector finds nothing in its content.
- A body is recalled by the digest of its content and codings, and only if its bytes
  decode to exactly that content: a damaged entry is never written into a cassette.
- Storage: `originals.sqlite` beside the result cache (`home.open_table`), at most
  `MAX_BYTES`, least recently used first out. A database that can't be used is no
  error: the edit then compresses with zlib, as it would without the memo.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from cli.core import home

DATABASE = "originals.sqlite"
MAX_BODY = 1024 * 1024
MAX_BYTES = 64 * 1024 * 1024

_active: _Memo | None = None


@contextlib.contextmanager
def session(enabled: bool) -> Iterator[None]:
    """Within it, `recall` and `remember` use the memo when `enabled`."""
    global _active
    if not enabled:
        yield
        return
    memo = _active = _Memo()
    try:
        yield
    finally:
        _active = None
        memo.close()


def active() -> bool:
    return _active is not None


def recall(content: bytes, codings: list[str]) -> bytes | None:
    """The recorded bytes of a body whose content was `content`, if one was remembered."""
    if _active is None:
        return None
    from cli.core.wire import WireError, encoding

    found = _active.get(_digest(content, codings))
    if found is None:
        return None
    try:
        same = encoding.decode(found, codings) == content
    except WireError:
        same = False
    return found if same else None


def remember(content: bytes, codings: list[str], recorded: bytes) -> None:
    """Keep `recorded`, the body as recorded, whose content is `content`."""
    if _active is None or len(recorded) > MAX_BODY:
        return
    from cli.core import secrets

    if secrets.may_hold_secrets(content.decode("utf-8", "replace")):
        return
    _active.put(_digest(content, codings), recorded)


def reproducible(content: bytes, codings: list[str], recorded: bytes) -> bool:
    """Whether zlib compresses `content` back into exactly `recorded`."""
    from cli.core.wire import encoding

    return encoding.encode(content, codings, like=recorded) == recorded


def _digest(content: bytes, codings: list[str]) -> bytes:
    return hashlib.sha256(",".join(codings).encode() + b"\0" + content).digest()


class _Memo:
    """The database, opened on first use; every failure leaves it unused."""

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None
        self._opened = False

    def _connection(self) -> sqlite3.Connection | None:
        if not self._opened:
            self._opened = True
            self._db = _open()
        return self._db

    def get(self, digest: bytes) -> bytes | None:
        db = self._connection()
        if db is None:
            return None
        try:
            row = db.execute("SELECT body FROM originals WHERE digest = ?", (digest,)).fetchone()
            if row is not None:
                with db:
                    db.execute(
                        "UPDATE originals SET used = ? WHERE digest = ?", (time.time(), digest)
                    )
        except sqlite3.Error:
            return None
        return bytes(row[0]) if row is not None else None

    def put(self, digest: bytes, body: bytes) -> None:
        db = self._connection()
        if db is None:
            return
        try:
            with db:
                db.execute(
                    "INSERT OR REPLACE INTO originals (digest, body, size, used) "
                    "VALUES (?, ?, ?, ?)",
                    (digest, body, len(body), time.time()),
                )
                _trim(db)
        except sqlite3.Error:
            pass  # busy or broken: this body is compressed anew on the way back

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _path() -> Path:
    return Path(home.cache_folder(), DATABASE)


def _open() -> sqlite3.Connection | None:
    table = "originals (digest BLOB PRIMARY KEY, body BLOB NOT NULL, size INTEGER, used REAL)"
    return home.open_table(DATABASE, table, 1.0)


def _trim(db: sqlite3.Connection) -> None:
    """Forget the least recently used bodies beyond `MAX_BYTES`."""
    (total,) = db.execute("SELECT COALESCE(SUM(size), 0) FROM originals").fetchone()
    if total <= MAX_BYTES:
        return
    rows = db.execute("SELECT digest, size FROM originals ORDER BY used")
    forget = []
    for digest, size in rows:
        if total <= MAX_BYTES:
            break
        forget.append((digest,))
        total -= size
    db.executemany("DELETE FROM originals WHERE digest = ?", forget)


def info() -> dict[str, int]:
    """How many bodies are remembered, in how many bytes."""
    from cli.core.cache import tally

    count, size = tally(_path(), "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM originals")
    return {"bodies": count, "bytes": size}


def clear() -> int:
    """Forget every body; returns how many bytes the database took."""
    from cli.core.cache import remove_database

    return remove_database(_path())
