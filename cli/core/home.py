"""Where cassette keeps what it remembers, and the stamp of the code that made it.

Rules:
- The folder is `$CASSETTE_CACHE_DIR`, else `$XDG_CACHE_HOME/cassette`, else
  `~/.cache/cassette`: never inside the user's repository.
- The code stamp changes with any module of the tool (its path, size or mtime), so a
  development checkout's edits invalidate what older code remembered.
- Light on purpose (`os`, `hashlib`, `sqlite3`): a replayed answer (`answers`) starts
  here, before anything else is imported.
- `open_table` opens a side database of the cache folder (answers, remembered bodies):
  created if missing, WAL mode; None, never an error, when it can't be used.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3


def cache_folder() -> str:
    explicit = os.environ.get("CASSETTE_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "cassette")


@functools.cache
def code_stamp() -> str:
    """A digest of the path, size and mtime of every module of the tool."""
    stamp = hashlib.sha1()
    folders = [os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    stamp.update(f"{entry.path}:{info.st_size}:{info.st_mtime_ns};".encode())
    return stamp.hexdigest()[:16]


def open_table(name: str, table: str, timeout: float) -> sqlite3.Connection | None:
    """The database `name` in the cache folder with `table` (its CREATE TABLE text)."""
    path = os.path.join(cache_folder(), name)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        db = sqlite3.connect(path, timeout=timeout)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"CREATE TABLE IF NOT EXISTS {table}")
        return db
    except (sqlite3.Error, OSError):
        return None
