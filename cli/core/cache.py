"""A cache of per-file results, so that a second run over an unchanged library reads no
cassette.

Rules:
- An entry belongs to one kind of result (`ls`, `validate`, `scrub`...) and one file's
  absolute path. It is used only when the file's size, mtime in nanoseconds and inode are
  those it was made from, and when the fingerprint agrees: the tool's version and code,
  the kind, every setting that changes the result, and the entry's variant (how the
  file was given: `library.map_cached`). Anything else is a miss.
- Settings are kept only as a digest: a `--literal` secret never reaches the disk.
- Location: `$CASSETTE_CACHE_DIR`, else `$XDG_CACHE_HOME/cassette`, else
  `~/.cache/cassette`: never inside the user's repository.
- Storage: one SQLite database in WAL mode. Writes are batched in transactions, on a
  thread of their own, so a run killed midway loses at most its last batches and never
  leaves a torn entry; two runs at once both succeed (a writer that finds the database
  busy drops its batch rather than wait long).
- A database that can't be opened or read, is corrupt, or has another schema is never
  trusted and never a crash: it is removed and rebuilt when possible, else the run goes
  on without a cache.
- Values are JSON (orjson), never pickle: a cache file must not be able to run code.
- Bounded: a run prunes the entries of files that are gone from the directories it
  walked, and entries nobody used for `MAX_AGE_DAYS`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from cli import __version__
from cli.core import home

SCHEMA = 1
DATABASE = "results.sqlite"
MAX_AGE_DAYS = 30
BATCH = 500  # entries per write transaction
MISS = object()  # what `get` returns when there is no usable entry


class FileKey(NamedTuple):  # a tuple: made for every file of every run
    """What a file must still be for an entry made from it to hold."""

    path: str  # absolute
    size: int
    mtime_ns: int
    inode: int


def file_key(path: Path | str, cwd: str | None = None) -> FileKey | None:
    """The key of a regular file as it is now; None when it can't be stat'ed (the run
    itself reports why) or is not a regular file. `cwd`: the working directory, if known."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return FileKey(_absolute(os.fspath(path), cwd), info.st_size, info.st_mtime_ns, info.st_ino)


def _absolute(text: str, cwd: str | None) -> str:
    """`os.path.abspath`, given the working directory (asking for it is a system call,
    once per file of a library otherwise)."""
    if not text.startswith(os.sep):
        text = os.path.join(os.getcwd() if cwd is None else cwd, text)
    if f"{os.sep}." in text or os.sep * 2 in text:
        text = os.path.normpath(text)
    return text


def cache_dir() -> Path:
    return Path(home.cache_folder())


def fingerprint(kind: str, settings: Any = None) -> str:
    """The version, the code, the kind and a digest of the settings (any value that JSON
    or its `repr` describes), as one string."""
    described = json.dumps(settings, sort_keys=True, default=repr, ensure_ascii=False)
    digest = hashlib.sha256(described.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return f"{__version__}:{SCHEMA}:{home.code_stamp()}:{kind}:{digest}"


class ResultCache:
    """Entries of one kind under one fingerprint. Use as a context manager: leaving it
    writes what is pending. Every method is safe to call when the cache is unusable."""

    def __init__(self, kind: str, settings: Any = None, *, enabled: bool = True) -> None:
        self.kind = kind
        # Disabled (--no-cache): nothing to compare, so the code stamp isn't even taken.
        self.fingerprint = fingerprint(kind, settings) if enabled else ""
        self.hits = 0
        self.misses = 0
        self._pending: list[tuple[Any, ...]] = []
        self._was_empty: bool | None = None
        self._writer: _Writer | None = None
        self._db = _open(cache_dir() / DATABASE) if enabled else None

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get(self, key: FileKey | None, variant: str = "") -> Any:
        """The cached value for `key` (made from the file given as `variant`), or `MISS`."""
        return self.get_many([key], [variant])[0]

    def get_many(self, keys: list[FileKey | None], variants: list[str]) -> list[Any]:
        """`get` for several files at once, with one query."""
        if self._db is None or self._empty():
            return [MISS] * len(keys)
        paths = [key.path for key in keys if key is not None]
        try:
            rows = self._db.execute(
                "SELECT path, size, mtime_ns, inode, fingerprint, value FROM entries "
                f"WHERE kind = ? AND path IN ({','.join('?' * len(paths))})",
                (self.kind, *paths),
            ).fetchall()
        except sqlite3.Error:
            self._give_up()
            return [MISS] * len(keys)
        found = {row[0]: row[1:] for row in rows}
        return [
            self._value(key, variant, found.get(key.path) if key else None)
            for key, variant in zip(keys, variants, strict=True)
        ]

    def _empty(self) -> bool:
        """Whether the cache held no entry of this kind when the run began: a cold run
        then asks nothing more of it."""
        if self._was_empty is None:
            assert self._db is not None
            try:
                row = self._db.execute(
                    "SELECT 1 FROM entries WHERE kind = ? LIMIT 1", (self.kind,)
                ).fetchone()
            except sqlite3.Error:
                row = None
            self._was_empty = row is None
        return self._was_empty

    def _value(self, key: FileKey | None, variant: str, row: Any) -> Any:
        """The value of `row` if it was made from the file as `key` says it is now."""
        if key is None:
            return MISS
        wanted = (key.size, key.mtime_ns, key.inode, self.fingerprint + variant)
        if row is None or tuple(row[:4]) != wanted:
            self.misses += 1
            return MISS
        try:
            value = orjson.loads(row[4])
        except (orjson.JSONDecodeError, TypeError):
            self.misses += 1
            return MISS
        self.hits += 1
        return value

    def put(self, key: FileKey | None, value: Any, variant: str = "") -> None:
        """Remember `value` (JSON-able) for the file `key` was made from."""
        self.put_json(key, orjson.dumps(value), variant)

    def put_json(self, key: FileKey | None, data: bytes, variant: str = "") -> None:
        """`put` of a value already encoded as JSON."""
        if self._db is None or key is None:
            return
        made = self.fingerprint + variant
        entry = (self.kind, key.path, key.size, key.mtime_ns, key.inode, made, data)
        self._pending.append(entry)
        if len(self._pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Hand what is pending to the writer thread."""
        if self._db is None or not self._pending:
            return
        now = int(time.time())
        rows = [(*entry, now) for entry in self._pending]
        self._pending = []
        if self._writer is None:
            self._writer = _Writer(cache_dir() / DATABASE)
        self._writer.write(rows)

    def _settle(self) -> None:
        """Wait until everything handed to the writer is written."""
        self.flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def prune(self, walked: Iterable[Path]) -> None:
        """Forget this kind's entries of files that are gone from the walked directories,
        mark the others used now, and forget every entry unused for `MAX_AGE_DAYS`. Done
        by the writer thread, after what is pending, while the run goes on."""
        if self._db is None or self._was_empty:
            return  # a cache that held none of this kind: nothing in it is stale
        self.flush()
        if self._writer is None:
            self._writer = _Writer(cache_dir() / DATABASE)
        folders = [os.path.join(os.path.abspath(directory), "") for directory in walked]
        self._writer.prune(self.kind, folders)

    def close(self) -> None:
        self._settle()
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _give_up(self) -> None:
        """The database went bad mid-run: stop using it; the next run rebuilds it."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        self._pending = []


class _Writer:
    """Writes batches of entries on a thread of its own, with a connection of its own:
    SQLite lets go of the GIL while it writes and syncs, so the main thread of a cold run
    goes on rendering meanwhile. A batch that can't be written (another run holds the
    database) is dropped: the next run redoes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.jobs: queue.SimpleQueue[Callable[[sqlite3.Connection], None] | None] = (
            queue.SimpleQueue()
        )
        self.thread = threading.Thread(target=self._run, name="cassette-cache", daemon=True)
        self.thread.start()

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        self.jobs.put(lambda db: _insert(db, rows))

    def prune(self, kind: str, folders: list[str]) -> None:
        self.jobs.put(lambda db: _prune(db, kind, folders))

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()

    def _run(self) -> None:
        try:
            db = sqlite3.connect(self.path, timeout=0.2, isolation_level="DEFERRED")
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error:
            db = None
        while (job := self.jobs.get()) is not None:
            if db is None:
                continue
            try:
                with db:
                    job(db)
            except sqlite3.Error:
                pass  # busy with another run, or broken: the next run redoes it
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()


def _insert(db: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO entries "
        "(kind, path, size, mtime_ns, inode, fingerprint, value, used) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _prune(db: sqlite3.Connection, kind: str, folders: list[str]) -> None:
    now = int(time.time())
    for prefix in folders:
        rows = db.execute(  # a cursor: a library's paths are never all held
            "SELECT path FROM entries WHERE kind = ? AND path >= ? AND path < ?",
            (kind, prefix, prefix + "\U0010ffff"),
        )
        # Asking the disk, not remembering the files seen: memory stays flat.
        gone = [(kind, path) for (path,) in rows if not os.path.exists(path)]
        db.executemany("DELETE FROM entries WHERE kind = ? AND path = ?", gone)
        db.execute(
            "UPDATE entries SET used = ? WHERE kind = ? AND path >= ? AND path < ? "
            "AND used < ?",  # once a day at most: a warm run writes nothing
            (now, kind, prefix, prefix + "\U0010ffff", now - 86400),
        )
    db.execute("DELETE FROM entries WHERE used < ?", (now - MAX_AGE_DAYS * 86400,))


def _open(path: Path) -> sqlite3.Connection | None:
    """The database at `path`, created if missing, rebuilt if damaged; None if unusable."""
    for attempt in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=0.2, isolation_level="DEFERRED")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            _ensure_schema(db)
            return db
        except (sqlite3.Error, OSError):
            if attempt == 0:
                remove_database(path)  # corrupt or foreign: rebuild it once
    return None


def _ensure_schema(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA:
        columns = "kind, path, size, mtime_ns, inode, fingerprint, value, used"
        db.execute(f"SELECT {columns} FROM entries LIMIT 1").fetchall()
        return
    with db:
        db.execute("DROP TABLE IF EXISTS entries")
        db.execute(
            "CREATE TABLE entries (kind TEXT NOT NULL, path TEXT NOT NULL, size INTEGER, "
            "mtime_ns INTEGER, inode INTEGER, fingerprint TEXT, value BLOB, used INTEGER, "
            "PRIMARY KEY (kind, path))"
        )
        db.execute(f"PRAGMA user_version = {SCHEMA}")


def tally(path: Path, query: str) -> tuple[int, int]:
    """The (count, bytes) a counting `query` gives on the database at `path`; (0, 0) when
    there is none or it can't be read."""
    if not path.exists():
        return 0, 0
    with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(path)) as db:
        count, size = db.execute(query).fetchone()
        return count, size
    return 0, 0


def remove_database(path: Path) -> int:
    """Remove an SQLite database and its WAL files; returns how many bytes they took."""
    held = 0
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            held += os.path.getsize(f"{path}{suffix}")
            os.unlink(f"{path}{suffix}")
    return held


def info() -> dict[str, Any]:
    """Where the cache is, how big, and how many entries of each kind."""
    path = cache_dir() / DATABASE
    size = sum(
        os.path.getsize(f"{path}{suffix}")
        for suffix in ("", "-wal", "-shm")
        if os.path.exists(f"{path}{suffix}")
    )
    kinds: dict[str, int] = {}
    if path.exists():
        db = _open(path)
        if db is not None:
            with contextlib.closing(db), contextlib.suppress(sqlite3.Error):
                rows = db.execute("SELECT kind, COUNT(*) FROM entries GROUP BY kind")
                kinds = dict(rows.fetchall())
    return {"path": str(path), "bytes": size, "entries": kinds}


def clear() -> int:
    """Remove the cache; returns how many bytes it held."""
    return remove_database(cache_dir() / DATABASE)
