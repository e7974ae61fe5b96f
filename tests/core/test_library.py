"""library: cassettes found in name order, lazily; work mapped over them in order."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.core import cache, library, pool
from cli.core.cache import MISS
from cli.core.library import TEMP_PREFIX, iter_paths, map_cached, map_paths


def touch(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("{}")


def test_the_walk_is_in_the_order_of_the_paths_names(tmp_path: Path) -> None:
    names = ["z.json", "a/x.json", "a.json", "a-b.json", "a0.json", "b/c/d.json", "b.json"]
    touch(tmp_path, *names)
    found = [path.relative_to(tmp_path).as_posix() for path in iter_paths([tmp_path])]
    assert found == sorted(names)


def test_the_glob_matches_names_or_paths_and_temp_files_are_never_cassettes(
    tmp_path: Path,
) -> None:
    touch(tmp_path, "a.json", "a.txt", "sub/b.json", f"{TEMP_PREFIX}1-abcd", "sub/c.yaml")
    assert [p.name for p in iter_paths([tmp_path])] == ["a.json", "b.json", "c.yaml"]
    assert [p.name for p in iter_paths([tmp_path], "*.json")] == ["a.json", "b.json"]
    assert [p.name for p in iter_paths([tmp_path], "sub/*")] == ["b.json", "c.yaml"]


def test_named_paths_come_in_the_order_given_each_once(tmp_path: Path) -> None:
    touch(tmp_path, "a.json", "b.json")
    given = [tmp_path / "b.json", tmp_path, tmp_path / "missing.json"]
    found = [path.name for path in iter_paths(given)]
    assert found == ["b.json", "a.json", "missing.json"]


def _double(path: Path) -> str:
    return path.name * 2


@pytest.mark.parametrize("count", [0, 5, pool.PARALLEL_THRESHOLD, 300])
def test_map_paths_keeps_the_input_order(count: int) -> None:
    paths = [Path(f"{number:04d}") for number in range(count)]
    assert list(map_paths(_double, iter(paths))) == [p.name * 2 for p in paths]


def _pid(path: Path) -> int:
    return os.getpid()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: never a pool")
def test_fifty_yaml_files_are_enough_for_a_pool_fifty_json_files_are_not() -> None:
    """A VCR cassette costs libyaml several times what orjson spends on a JSON file: the
    pool pays from fewer of them."""
    yaml_files = [Path(f"{number}.yaml") for number in range(50)]
    json_files = [Path(f"{number}.json") for number in range(50)]
    assert set(map_paths(_pid, iter(yaml_files))) - {os.getpid()}
    assert set(map_paths(_pid, iter(json_files))) == {os.getpid()}


def test_map_paths_takes_paths_lazily_and_answers_before_the_end() -> None:
    """An endless input: results come anyway, so neither the paths nor the results of a
    whole library are ever held."""
    endless = (Path(f"{number}") for number in itertools.count())
    first = list(itertools.islice(map_paths(_double, endless), 500))
    assert first == [f"{number}" * 2 for number in range(500)]


def test_overlapping_paths_give_each_file_once(tmp_path: Path) -> None:
    touch(tmp_path, "a.json", "sub/b.json", "notes.txt")
    given = [tmp_path, tmp_path / "a.json", tmp_path / "sub", tmp_path / "notes.txt"]
    found = [path.relative_to(tmp_path).as_posix() for path in iter_paths(given)]
    assert found == ["a.json", "sub/b.json", "notes.txt"]


class _Store:
    """A result cache in memory: paths whose number is in `cached` hit."""

    def __init__(self, cached: set[int]) -> None:
        self.cached = cached
        self.kept: dict[str, object] = {}

    def get_many(self, keys: list[str], variants: list[str]) -> list[object]:
        return [f"cached {key}" if int(key) in self.cached else MISS for key in keys]

    def put_json(self, key: str, data: bytes, variant: str = "") -> None:
        self.kept[key] = json.loads(data)

    def prune(self, walked: object) -> None:
        pass


def _mapped(path: Path, record: object) -> tuple[str, object]:
    return path.name, record


@pytest.fixture
def keys_are_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "file_key", lambda path, cwd=None: Path(path).name)


@pytest.mark.parametrize("count", [10, 700])  # one process; a pool
def test_map_cached_sends_only_misses_and_keeps_the_order(count: int, keys_are_names: None) -> None:
    paths = [Path(f"{number}") for number in range(count)]
    store = _Store({number for number in range(count) if number % 3})
    found = map_cached(_double, iter(paths), store, encode=str, decode=_mapped)  # type: ignore[arg-type]
    expected = [(p.name, f"cached {p.name}" if int(p.name) % 3 else p.name * 2) for p in paths]
    assert [record for _, record in found] == expected
    assert store.kept == {p.name: p.name * 2 for p in paths if not int(p.name) % 3}


def test_map_cached_holds_few_files_behind_a_miss(keys_are_names: None) -> None:
    """Misses far apart in an endless stream of hits: the paths drawn run only a little
    ahead of the results given, never a library's worth."""
    drawn = 0

    def endless() -> Iterator[Path]:
        nonlocal drawn
        for number in itertools.count():
            drawn += 1
            yield Path(f"{number}")

    store = _Store(_AllBut(every=5000))
    results = map_cached(_double, endless(), store, encode=str, decode=_mapped)  # type: ignore[arg-type]
    for given, _ in enumerate(itertools.islice(results, 20_000), start=1):
        assert drawn - given <= library.HELD + 2 * library.LOOKUP_BATCH


class _AllBut(set):  # type: ignore[type-arg]
    """Every number but the multiples of `every`."""

    def __init__(self, every: int) -> None:
        super().__init__()
        self.every = every

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and number % self.every != 0
