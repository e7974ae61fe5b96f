"""Atomic file writes: a file holds its old bytes or its new bytes, never a mix.

Rules:
- New bytes are written to an unnamed file (Linux `O_TMPFILE`) in the target's
  directory, fsynced, and only then given a name. A process killed while writing
  leaves nothing behind. Elsewhere a named temp file (`.cassette-tmp-<pid>-…`) is used.
- Replacing: the unnamed file is linked as a temp name and renamed over the target, the
  one atomic replace POSIX offers. Creating (a rehashed file's new name): the unnamed
  file is linked straight to the new name, which fails if the name is taken, so nothing
  is ever overwritten.
- A temp name whose process is gone (or a zombie) was left by a kill in the instant
  between link and rename; `remove_stale_temp_files` clears those, and every edit run
  and merge calls it for the directories it writes to.
- A read-only file or directory (no write bit) is never written, even by root.
- The new file takes the permissions of the file it replaces (or of `mode_from`).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from cli.core.library import TEMP_PREFIX
from cli.errors import WriteError


def write_atomic(path: Path | str, data: bytes, *, mode_from: Path | str | None = None) -> bool:
    """Replace (or create) `path` with `data`. Returns False, writing nothing, if unchanged."""
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
    except IsADirectoryError:
        raise WriteError("is a directory; refusing to replace it", path) from None
    except OSError:
        pass  # missing or unreadable: the write below says what is wrong
    _refuse_read_only(path)
    mode = _mode(mode_from if mode_from is not None else path)
    temp = path.parent / f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
    try:
        _write_and_link(path.parent, data, mode, temp)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise WriteError(f"cannot write it: {exc.strerror or exc}; left unchanged", path) from None
    _fsync_directory(path.parent)
    return True


def create_exclusive(path: Path | str, data: bytes, *, mode_from: Path | str) -> None:
    """Create `path` with `data` atomically; fail, writing nothing, if the name exists."""
    path = Path(path)
    _refuse_read_only(path)
    try:
        _write_and_link(path.parent, data, _mode(mode_from), path)
    except FileExistsError:
        raise WriteError("already exists; not overwriting it", path) from None
    except OSError as exc:
        raise WriteError(f"cannot write it: {exc.strerror or exc}; left unchanged", path) from None
    _fsync_directory(path.parent)


def is_read_only(path: Path | str) -> bool:
    """No write permission, or no write bit at all: root must not override a read-only mark."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (mode & 0o222) or not os.access(path, os.W_OK)


def remove_stale_temp_files(directory: Path | str) -> int:
    """Delete temp files left by killed runs (their pid is gone). Returns how many."""
    removed = 0
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    for name in names:
        if not name.startswith(TEMP_PREFIX):
            continue
        pid = name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(Path(directory) / name)
                removed += 1
    return removed


def _write_and_link(directory: Path, data: bytes, mode: int, name: Path) -> None:
    """Write `data` to a new file in `directory` and give it `name` (which must be free)."""
    try:
        fd = os.open(directory, os.O_TMPFILE | os.O_WRONLY, mode)
    except (AttributeError, OSError):
        fd = None  # no O_TMPFILE here (not Linux, or the filesystem lacks it)
    if fd is None:
        temp = directory / f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
        _write_named(temp, data, mode)
        try:
            os.link(temp, name)
        finally:
            os.unlink(temp)
        return
    try:
        _write_all(fd, data)
        os.fchmod(fd, mode)  # O_TMPFILE's mode passes through the umask
        # Passing a dir fd makes Python call linkat(AT_SYMLINK_FOLLOW), as O_TMPFILE needs.
        directory_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.link(f"/proc/self/fd/{fd}", name.name, dst_dir_fd=directory_fd)
        finally:
            os.close(directory_fd)
    finally:
        os.close(fd)


def _write_named(name: Path, data: bytes, mode: int) -> None:
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        _write_all(fd, data)
        os.fchmod(fd, mode)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


def _refuse_read_only(path: Path) -> None:
    if is_read_only(path.parent) or (path.exists() and is_read_only(path)):
        raise WriteError("read-only file or directory; left unchanged", path)


def _mode(source: Path | str) -> int:
    try:
        return stat.S_IMODE(os.stat(source).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Exited but not reaped: a killed run's pool workers stay so for good under an init
    that never reaps (pid 1 of many containers). It writes nothing more."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return False
    end = stat.rfind(b")")  # the command name may hold spaces and parentheses
    return stat[end + 2 : end + 3] == b"Z"


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
