"""Where cassette keeps what it remembers, and the stamp of the code that made it.

Rules:
- The folder is `$CASSETTE_CACHE_DIR`, else `$XDG_CACHE_HOME/cassette`, else
  `~/.cache/cassette`: never inside the user's repository.
- The code stamp changes with any module of the tool (its path, size or mtime), so a
  development checkout's edits invalidate what older code remembered.
- Light on purpose (`os` and `hashlib` only): a replayed answer (`answers`) starts here,
  before anything else is imported.
"""

from __future__ import annotations

import functools
import hashlib
import os


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
