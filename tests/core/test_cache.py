"""cli.core.cache: when an entry holds, and that a bad cache is never trusted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cli.core import cache
from cli.core.cache import MISS, ResultCache, file_key


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("CASSETTE_CACHE_DIR", str(home))
    return home


def _file(tmp_path: Path, name: str = "a.json", data: bytes = b'{"a": 1}') -> Path:
    path = tmp_path / "lib" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def _stored(path: Path, value: object = "row", settings: object = None) -> None:
    with ResultCache("ls", settings) as store:
        store.put(file_key(path), value)


def _lookup(path: Path, settings: object = None) -> object:
    with ResultCache("ls", settings) as store:
        return store.get(file_key(path))


def test_an_unchanged_file_hits(tmp_path: Path) -> None:
    path = _file(tmp_path)
    _stored(path, {"rows": [1, 2]})
    assert _lookup(path) == {"rows": [1, 2]}


def test_a_new_size_with_the_old_mtime_misses(tmp_path: Path) -> None:
    path = _file(tmp_path)
    _stored(path)
    before = os.stat(path)
    path.write_bytes(b'{"a": 12}')
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert _lookup(path) is MISS


def test_a_file_replaced_by_another_misses(tmp_path: Path) -> None:
    path = _file(tmp_path)
    _stored(path)
    before = os.stat(path)
    other = _file(tmp_path, "b.json", path.read_bytes())  # same bytes and size
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, path)
    assert os.stat(path).st_ino != before.st_ino
    assert _lookup(path) is MISS


def test_other_settings_or_another_version_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path)
    _stored(path, settings={"select": ["K"]})
    assert _lookup(path, {"select": ["K"]}) == "row"
    assert _lookup(path, {"select": ["T"]}) is MISS
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert _lookup(path, {"select": ["K"]}) is MISS


def test_a_cache_full_of_garbage_is_rebuilt(tmp_path: Path, cache_home: Path) -> None:
    cache_home.mkdir()
    (cache_home / cache.DATABASE).write_bytes(os.urandom(4096))
    path = _file(tmp_path)
    _stored(path)
    assert _lookup(path) == "row"


def test_an_unusable_cache_directory_means_no_cache(tmp_path: Path, cache_home: Path) -> None:
    cache_home.write_bytes(b"a file where the directory should be")
    path = _file(tmp_path)
    with ResultCache("ls") as store:
        assert not store.enabled
        store.put(file_key(path), "row")
        assert store.get(file_key(path)) is MISS


def test_a_value_that_is_not_json_is_a_miss(tmp_path: Path, cache_home: Path) -> None:
    import sqlite3

    path = _file(tmp_path)
    _stored(path)
    with sqlite3.connect(cache_home / cache.DATABASE) as db:
        db.execute("UPDATE entries SET value = ?", (b"\x80\x04not json",))
    assert _lookup(path) is MISS


def test_disabled_cache_never_reads_or_writes(tmp_path: Path, cache_home: Path) -> None:
    path = _file(tmp_path)
    with ResultCache("ls", enabled=False) as store:
        store.put(file_key(path), "row")
        assert store.get(file_key(path)) is MISS
    assert not cache_home.exists()


def test_entries_of_deleted_files_are_pruned(tmp_path: Path) -> None:
    kept, gone = _file(tmp_path, "kept.json"), _file(tmp_path, "gone.json")
    _stored(kept)
    _stored(gone)
    gone.unlink()
    with ResultCache("ls") as store:
        store.prune([tmp_path / "lib"])
    assert cache.info()["entries"] == {"ls": 1}
    assert _lookup(kept) == "row"


def test_info_and_clear(tmp_path: Path) -> None:
    _stored(_file(tmp_path))
    described = cache.info()
    assert described["entries"] == {"ls": 1} and described["bytes"] > 0
    assert cache.clear() == described["bytes"]
    assert cache.info()["entries"] == {}


def test_a_directory_or_a_missing_file_has_no_key(tmp_path: Path) -> None:
    assert file_key(tmp_path) is None
    assert file_key(tmp_path / "missing.json") is None
