"""atomic: no half-written files, no overwritten names, no temp files left behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cli.core.edit import atomic
from cli.errors import WriteError


def test_create_exclusive_writes_a_new_file_with_the_given_mode(tmp_path: Path) -> None:
    source = tmp_path / "old.json"
    source.write_bytes(b"{}")
    source.chmod(0o600)
    atomic.create_exclusive(tmp_path / "new.json", b'{"a": 1}', mode_from=source)
    assert (tmp_path / "new.json").read_bytes() == b'{"a": 1}'
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json", "old.json"]


def test_create_exclusive_never_overwrites(tmp_path: Path) -> None:
    taken = tmp_path / "taken.json"
    taken.write_bytes(b"mine")
    with pytest.raises(WriteError, match="already exists"):
        atomic.create_exclusive(taken, b"theirs", mode_from=taken)
    assert taken.read_bytes() == b"mine"
    assert [p.name for p in tmp_path.iterdir()] == ["taken.json"]


def test_without_o_tmpfile_a_named_temp_is_used_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    path = tmp_path / "a.json"
    path.write_bytes(b"old")
    assert atomic.write_atomic(path, b"new") is True
    atomic.create_exclusive(tmp_path / "b.json", b"b", mode_from=path)
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]


def test_a_read_only_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b"old")
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(WriteError, match="read-only"):
            atomic.write_atomic(tmp_path / "a.json", b"new")
        with pytest.raises(WriteError, match="read-only"):
            atomic.create_exclusive(tmp_path / "b.json", b"b", mode_from=tmp_path / "a.json")
    finally:
        tmp_path.chmod(0o755)
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_stale_temp_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f"{atomic.TEMP_PREFIX}{dead.stdout.strip()}-abcd"
    live = tmp_path / f"{atomic.TEMP_PREFIX}{os.getpid()}-abcd"
    stale.write_bytes(b"x")
    live.write_bytes(b"x")
    assert atomic.remove_stale_temp_files(tmp_path) == 1
    assert not stale.exists()
    assert live.exists()
