"""The result cache from the command line: warm output is --no-cache output, stale
entries are never used, a damaged cache is rebuilt, `cassette cache info|clear`."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import cli.core.library
from cli.core import cache
from tests.commands.helpers import REPO_ROOT, copy_samples, run

FAKE = {"rows": []}  # a record no real file gives: ls shows a file of no rows


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("CASSETTE_CACHE_DIR", str(home))
    return home


def _outputs(*args: str | Path) -> tuple[int, str, str]:
    result = run(*args)
    return result.exit_code, result.stdout, result.stderr


def _no_worker_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, any file not served by the cache fails the test."""

    def refuse(*_: object) -> None:
        raise AssertionError("a file was read: the cache missed")

    monkeypatch.setattr(cli.core.library, "_encoded", refuse)


COMMANDS = [  # {} is the corpus
    "ls {}",
    "ls {} --format json",
    "validate {}",
    "validate {} --format json",
    "validate {} --format github --select K,L",
    "scrub --check {} --format json",
    "rename-model llama3.2:3b-instruct-fp16 llama3 {} --check --scope response --force -f json",
    "rename-model llama3.2:3b-instruct-fp16 unused-model {} --check --scope response",
    "normalize --check {} --format json",
    "retime --shift 60 --check {}",
]


@pytest.mark.corpus
@pytest.mark.parametrize("command", COMMANDS)
def test_warm_output_is_no_cache_output_on_the_corpus(
    command: str, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON recordings and VCR cassettes (the corpus holds both), every output format."""
    argv = [str(corpus_dir) if word == "{}" else word for word in command.split()]
    uncached = _outputs(*argv, "--no-cache")
    cold = _outputs(*argv)
    _no_worker_runs(monkeypatch)
    warm = _outputs(*argv)
    assert uncached == cold == warm
    assert uncached[0] in (0, 1)


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, cache_home: Path) -> None:
    samples = copy_samples(tmp_path)
    assert run("ls", samples, "--no-cache").exit_code == 0
    assert not cache_home.exists()
    assert run("ls", samples).exit_code == 0
    _fake_every_entry(cache_home)
    assert run("ls", samples, "--no-cache").stdout != run("ls", samples).stdout


def _fake_every_entry(cache_home: Path) -> None:
    """Every entry now holds a record no real file gives, so a hit shows."""
    with sqlite3.connect(cache_home / cache.DATABASE) as db:
        db.execute("UPDATE entries SET value = ?", (json.dumps(FAKE).encode(),))


def _ls_json(path: Path, *more: str) -> list[dict]:
    result = run("ls", path, "--format", "json", *more)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["cassettes"]


def _one_sample(tmp_path: Path) -> Path:
    return next(
        p for p in sorted(copy_samples(tmp_path).glob("*.json")) if "model" in p.read_text()
    )


def test_a_hit_is_used_until_the_file_changes_size_even_with_the_same_mtime(
    tmp_path: Path, cache_home: Path
) -> None:
    path = _one_sample(tmp_path)
    fresh = _ls_json(path)
    _fake_every_entry(cache_home)
    assert _ls_json(path) == []  # the (faked) entry is what a warm run shows
    before = os.stat(path)
    path.write_bytes(path.read_bytes() + b"\n")  # a new size, the old mtime
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert _ls_json(path) == fresh


def test_a_file_replaced_by_another_is_read_again(tmp_path: Path, cache_home: Path) -> None:
    path = _one_sample(tmp_path)
    fresh = _ls_json(path)
    _fake_every_entry(cache_home)
    before = os.stat(path)
    twin = path.with_name("twin.tmp")
    twin.write_bytes(path.read_bytes())  # same size, same bytes, same mtime: a new inode
    os.utime(twin, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(twin, path)
    assert os.stat(path).st_ino != before.st_ino
    assert _ls_json(path) == fresh


def test_other_settings_are_other_entries(tmp_path: Path, cache_home: Path) -> None:
    samples = copy_samples(tmp_path)
    only_k = run("validate", samples, "--select", "K", "-f", "json").stdout
    every = run("validate", samples, "-f", "json", "--no-cache").stdout
    assert only_k != every
    assert run("validate", samples, "-f", "json").stdout == every
    assert run("validate", samples, "--select", "K", "-f", "json").stdout == only_k
    literal = run("scrub", samples, "--check", "--literal", "user", "-f", "json").stdout
    plain = run("scrub", samples, "--check", "-f", "json").stdout
    assert literal != plain
    assert b"user" not in (cache_home / cache.DATABASE).read_bytes().replace(b"users", b"")


def test_another_version_reads_every_file_again(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _one_sample(tmp_path)
    fresh = _ls_json(path)
    _fake_every_entry(cache_home)
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    assert _ls_json(path) == fresh


def test_a_cache_full_of_garbage_gives_correct_output(tmp_path: Path, cache_home: Path) -> None:
    samples = copy_samples(tmp_path, vcr=True)
    expected = run("validate", samples, "-f", "json", "--no-cache")
    cache_home.mkdir()
    for suffix in ("", "-wal", "-shm"):
        (cache_home / f"{cache.DATABASE}{suffix}").write_bytes(os.urandom(8192))
    (cache_home / "other-junk").write_bytes(os.urandom(100))
    for _ in range(2):  # the first rebuilds it, the second reads what the first kept
        result = run("validate", samples, "-f", "json")
        assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout)
    assert run("ls", samples).exit_code == 0
    files = json.loads(expected.stdout)["summary"]["files"]
    assert cache.info()["entries"]["validate"] == files


def test_a_cache_path_that_is_a_file_means_no_cache(tmp_path: Path, cache_home: Path) -> None:
    samples = copy_samples(tmp_path)
    cache_home.write_bytes(b"not a directory")
    result = run("ls", samples, "-f", "json")
    assert result.exit_code == 0
    assert result.stdout == run("ls", samples, "-f", "json", "--no-cache").stdout


@pytest.mark.corpus
def test_two_runs_at_once_both_succeed_and_the_cache_stays_usable(
    corpus_dir: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = [sys.executable, "-m", "cli", "validate", str(corpus_dir), "-f", "json"]
    expected = subprocess.run([*argv, "--no-cache"], capture_output=True, cwd=REPO_ROOT)
    runs = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO_ROOT)
        for _ in range(2)
    ]
    for process in runs:
        stdout, stderr = process.communicate(timeout=300)
        assert (process.returncode, stdout) == (expected.returncode, expected.stdout), stderr
    warm = subprocess.run(argv, capture_output=True, cwd=REPO_ROOT)
    assert (warm.returncode, warm.stdout) == (expected.returncode, expected.stdout)
    assert cache.info()["entries"]["validate"] > 500


def test_entries_of_removed_files_are_pruned(tmp_path: Path) -> None:
    samples = copy_samples(tmp_path)
    count = len(list(samples.glob("*.json")))
    assert run("ls", samples).exit_code == 0
    assert cache.info()["entries"] == {"ls": count}
    next(samples.glob("*.json")).unlink()
    assert run("ls", samples).exit_code == 0
    assert cache.info()["entries"] == {"ls": count - 1}


def test_cache_info_and_clear(tmp_path: Path, cache_home: Path) -> None:
    samples = copy_samples(tmp_path)
    run("ls", samples)
    run("scrub", samples, "--check")
    described = json.loads(run("cache", "info", "--format", "json").stdout)
    assert described["path"] == str(cache_home / cache.DATABASE)
    assert described["bytes"] > 0
    count = len(list(samples.glob("*.json")))
    assert described["entries"] == {"ls": count, "scrub --check": count}
    text = run("cache", "info").stdout
    assert str(cache_home) in text and f"entries: {2 * count}" in text
    cleared = run("cache", "clear")
    assert cleared.exit_code == 0 and "removed" in cleared.stdout
    assert json.loads(run("cache", "info", "-f", "json").stdout)["entries"] == {}


def test_cache_help_lists_its_commands_with_examples() -> None:
    result = run("--help")
    assert "cache" in result.stdout
    result = run("cache", "--help")
    assert result.exit_code == 0
    for word in ("info", "clear", "Examples", "cassette cache info --format json"):
        assert word in result.stdout


def test_a_file_named_or_found_by_a_walk_has_its_own_entry(tmp_path: Path) -> None:
    """Not a cassette: a walk passes over it (exit 0), naming it is an error (exit 2),
    however often the two runs alternate over a warm cache."""
    samples = copy_samples(tmp_path)
    matrix = samples / "ci_matrix.json"
    matrix.write_text('{"default": [{"suite": "base"}]}')
    for _ in range(2):
        walked = run("validate", samples, "-f", "json")
        assert walked.exit_code == 0 and "ci_matrix.json: not a cassette" in walked.stderr
        named = run("ls", matrix)
        assert named.exit_code == 2 and "ci_matrix.json" in named.stderr
        judged = run("validate", matrix, "-f", "json")  # named, it is judged: a finding
        assert judged.exit_code == 1 and json.loads(judged.stdout)["summary"]["files"] == 1
        listed = run("ls", samples)
        assert listed.exit_code == 0 and "passed over" in listed.stderr


@pytest.mark.corpus
def test_a_test_module_renamed_under_a_cached_cassette_is_judged_again(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """V006 reads the test module beside the cassettes: its entry depends on that file
    too, so renaming the test shows the orphan on the next warm run."""
    module = tmp_path / "tests" / "test_mod.py"
    folder = tmp_path / "tests" / "cassettes" / "test_mod"
    folder.mkdir(parents=True)
    source = corpus_dir / "vcr/simonw+llm-gemini/tests/cassettes/test_gemini/test_prompt.yaml"
    (folder / "test_a.yaml").write_bytes(source.read_bytes())
    module.write_text("def test_a():\n    pass\n")
    flags = ("--select", "V006", "--fail-on", "warning")
    assert run("validate", folder, *flags).exit_code == 0
    module.write_text("def test_b():\n    pass\n")
    again = run("validate", folder, *flags)
    assert again.exit_code == 1 and "V006" in again.stdout
