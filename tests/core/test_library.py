"""library: cassettes found in name order, lazily; work mapped over them in order."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from cli.core import library
from cli.core.library import TEMP_PREFIX, iter_paths, map_paths


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


@pytest.mark.parametrize("count", [0, 5, library.PARALLEL_THRESHOLD, 300])
def test_map_paths_keeps_the_input_order(count: int) -> None:
    paths = [Path(f"{number:04d}") for number in range(count)]
    assert list(map_paths(_double, iter(paths))) == [p.name * 2 for p in paths]


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
