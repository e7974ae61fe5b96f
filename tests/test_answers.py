"""Answers given again (`cli.core.answers`, `cli.launch`): a read-only question asked over an
unchanged library replays the last run's output and exit code, byte for byte; anything it
depends on that changes gives a fresh answer.

Every run here is a real process (the launcher runs before Typer), with a private cache
directory. To tell a replay from a fresh run, a kept answer is replaced by a marker: a
replay prints the marker, a fresh run the real output.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from cli.core import answers
from tests.commands.helpers import copy_samples

MARKER = b"a kept answer\n"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("CASSETTE_CACHE_DIR", str(home))
    return home


def cassette(*args: str | Path, cwd: Path | None = None, **env: str) -> tuple[int, bytes, bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)],
        capture_output=True,
        cwd=cwd,
        env={**os.environ, **env},
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def fake_every_answer(home: Path) -> int:
    """Replace every kept answer's output with MARKER; how many there were."""
    with sqlite3.connect(home / answers.DATABASE) as db:
        frame = zlib.compress(struct.pack("<BI", 1, len(MARKER)) + MARKER)
        return db.execute("UPDATE answers SET output = ?, code = 0", (frame,)).rowcount


def replayed(*args: str | Path, **env: str) -> bool:
    return cassette(*args, **env)[1] == MARKER


QUESTIONS = [
    ["ls", "{}"],
    ["ls", "{}", "--format", "json"],
    ["validate", "{}"],
    ["validate", "{}", "--format", "json", "--show-info"],
    ["scrub", "--check", "{}"],
    ["normalize", "--check", "{}", "--format", "json"],
    ["rename-model", "gpt-4o", "other-model", "{}", "--check"],
    ["retime", "--shift", "1h", "--check", "{}"],
]


@pytest.mark.parametrize("question", QUESTIONS, ids=" ".join)
def test_a_replay_is_the_fresh_answer_byte_for_byte(
    tmp_path: Path, cache_home: Path, question: list[str]
) -> None:
    library = copy_samples(tmp_path, vcr=True)
    args = [part.replace("{}", str(library)) for part in question]
    fresh = cassette(*args)
    assert fresh[0] in (0, 1) and (fresh[1] or fresh[2]), fresh[2]
    assert cassette(*args) == fresh == cassette(*args, "--no-cache")
    assert fake_every_answer(cache_home) == 1  # the second run was a replay
    assert replayed(*args)


def test_stdout_and_stderr_come_back_in_the_order_they_were_written(
    tmp_path: Path, cache_home: Path
) -> None:
    library = copy_samples(tmp_path, vcr=True)
    (library / "ci_matrix.json").write_text('{"matrix": []}')  # a note on stderr
    (library / "broken.json").write_text("{")  # an error line among the rows
    combined = [sys.executable, "-m", "cli", "ls", str(library)]

    def together() -> bytes:
        return subprocess.run(combined, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout

    fresh = together()
    assert b"passed over" in fresh and b"broken.json" in fresh
    assert together() == fresh


def change_a_file(library: Path) -> None:
    path = library / "vllm-chat-stream-tool-call.json"
    stamp = os.stat(path)
    path.write_bytes(path.read_bytes() + b"\n")  # a new size under the old mtime
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))


def add_a_file(library: Path) -> None:
    (library / "new.json").write_bytes((library / "vllm-chat-stream-n2.json").read_bytes())


def remove_a_file(library: Path) -> None:
    (library / "vllm-chat-stream-n2.json").unlink()


def replace_a_file(library: Path) -> None:
    path = library / "vllm-chat-stream-n2.json"
    stamp = os.stat(path)
    twin = path.with_name("twin.tmp")
    twin.write_bytes(path.read_bytes())
    os.utime(twin, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    os.replace(twin, path)  # the same bytes, size and mtime: another inode


def settings(library: Path) -> None:
    (library.parent / "pyproject.toml").write_text('[tool.cassette.validate]\nselect = ["K"]\n')


def unreadable(library: Path) -> None:
    (library / "vllm-chat-stream-n2.json").chmod(0)


CHANGES = [change_a_file, add_a_file, remove_a_file, replace_a_file, settings, unreadable]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_what_the_answer_depends_on_gives_a_fresh_one(
    tmp_path: Path, cache_home: Path, change: object
) -> None:
    library = copy_samples(tmp_path)
    question = ["validate", str(library)]
    cassette(*question, cwd=tmp_path)
    fake_every_answer(cache_home)
    assert cassette(*question, cwd=tmp_path)[1] == MARKER
    change(library)  # type: ignore[operator]
    after = cassette(*question, cwd=tmp_path)
    assert after[1] != MARKER
    assert after == cassette(*question, "--no-cache", cwd=tmp_path)


def test_the_terminal_and_the_environment_are_part_of_the_question(
    tmp_path: Path, cache_home: Path
) -> None:
    library = copy_samples(tmp_path)
    cassette("ls", library)
    fake_every_answer(cache_home)
    assert replayed("ls", library)
    assert not replayed("ls", library, NO_COLOR="1")
    assert not replayed("ls", library, COLUMNS="60")
    assert not replayed("ls", library, "--format", "json")


def test_a_test_module_renamed_beside_the_cassettes_gives_a_fresh_answer(
    tmp_path: Path, cache_home: Path
) -> None:
    """V006 reads `<dir>/<module>.py`, outside the folder of cassettes asked about."""
    folder = tmp_path / "tests" / "cassettes" / "test_mod"
    folder.mkdir(parents=True)
    samples = copy_samples(tmp_path / "source", vcr=True)
    yaml_sample = next(samples.glob("*.yaml"))
    (folder / "test_a.yaml").write_bytes(yaml_sample.read_bytes())
    module = tmp_path / "tests" / "test_mod.py"
    module.write_text("def test_a():\n    pass\n")
    cassette("validate", folder)
    fake_every_answer(cache_home)
    assert replayed("validate", folder)
    module.write_text("def test_b():\n    pass\n")
    code, out, _ = cassette("validate", folder, "--fail-on", "warning")
    assert code == 1 and b"V006" in out


def test_no_cache_neither_replays_nor_keeps(tmp_path: Path, cache_home: Path) -> None:
    library = copy_samples(tmp_path)
    cassette("ls", library, "--no-cache")
    assert answers.info()["answers"] == 0
    cassette("ls", library)
    fake_every_answer(cache_home)
    assert cassette("ls", library, "--no-cache")[1] != MARKER


def test_only_answers_that_exit_0_or_1_are_kept(tmp_path: Path, cache_home: Path) -> None:
    library = copy_samples(tmp_path)
    assert cassette("ls", library / "missing.json")[0] == 2
    assert cassette("validate", library, "--select", "Z999")[0] == 2
    assert answers.info()["answers"] == 0


def test_editing_runs_and_help_are_never_answered(tmp_path: Path, cache_home: Path) -> None:
    library = copy_samples(tmp_path)
    for args in (
        ["retime", "--shift", "1h", "--dry-run", library],
        ["ls", "--help"],
        ["--version"],
        ["cache", "info"],
    ):
        cassette(*args)
    assert answers.info()["answers"] == 0


def test_a_damaged_answer_is_never_replayed(tmp_path: Path, cache_home: Path) -> None:
    """A kept answer whose bytes changed (a torn write, a flipped bit) fails zlib's
    checksum, and the question is answered afresh."""
    library = copy_samples(tmp_path)
    fresh = cassette("ls", library)
    with sqlite3.connect(cache_home / answers.DATABASE) as db:
        (output,) = db.execute("SELECT output FROM answers").fetchone()
        damaged = output[:40] + bytes([output[40] ^ 1]) + output[41:]
        db.execute("UPDATE answers SET output = ?", (damaged,))
    assert cassette("ls", library) == fresh


def test_a_damaged_answers_database_gives_correct_output(tmp_path: Path, cache_home: Path) -> None:
    library = copy_samples(tmp_path)
    fresh = cassette("ls", library, "--no-cache")
    cache_home.mkdir()
    (cache_home / answers.DATABASE).write_bytes(os.urandom(4096))
    assert cassette("ls", library) == fresh
    assert cassette("ls", library) == fresh


def test_a_replay_into_a_reader_that_quits_early_ends_quietly(
    tmp_path: Path, cache_home: Path
) -> None:
    library = copy_samples(tmp_path)
    line = f"{sys.executable} -m cli ls {library} | head -1"
    for _ in range(2):  # the first run keeps no answer (its output didn't all arrive)
        cassette("ls", library)  # so that the next is a replay
        done = subprocess.run(["bash", "-o", "pipefail", "-c", line], capture_output=True)
        assert done.returncode == 0 and done.stderr == b""
        assert done.stdout.startswith(b"file")


def test_a_run_that_ends_in_an_exception_keeps_no_answer(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli import launch

    def crash() -> None:
        print("half an answer")
        raise RuntimeError("a bug")

    monkeypatch.setattr(launch, "_run_app", crash)
    monkeypatch.setattr(sys, "argv", ["cassette", "ls", str(tmp_path)])
    with pytest.raises(RuntimeError):
        launch.main()
    assert answers.info()["answers"] == 0


def test_an_answer_too_big_to_keep_is_not_held(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `MAX_OUTPUT` the run stops holding its output: none is handed to be kept."""
    monkeypatch.setattr(answers, "MAX_OUTPUT", 100)
    handed: list[object] = []
    monkeypatch.setattr(answers, "keep", lambda *args: handed.append(args))
    library = copy_samples(tmp_path)
    from cli import launch

    monkeypatch.setattr(sys, "argv", ["cassette", "ls", str(library)])
    with pytest.raises(SystemExit):
        launch.main()
    assert handed == []


def test_another_version_of_a_package_beside_the_tool_asks_another_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyYAML, Rich or orjson upgraded: an answer they made is not given again."""
    packages = tmp_path / "site-packages"
    (packages / "PyYAML-6.0.2.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(packages)])
    library = tmp_path / "lib"  # asked about; the packages lie outside it
    library.mkdir()
    before = answers.question(["ls", str(library)])
    assert answers.question(["ls", str(library)]) == before
    (packages / "PyYAML-6.0.2.dist-info").rename(packages / "PyYAML-6.0.3.dist-info")
    assert answers.question(["ls", str(library)]) != before
