"""Hostile paths: symlinks, unreadable places, odd names and very long paths.

What is promised, and tested here:
- Symlinked directories are never followed (no loops, nothing outside the tree is read or
  written). A symlinked file is read; editing it in place replaces the link with the
  edited file and never writes its target.
- A file or directory that can't be read is reported, one line each, and the other files
  go on; nothing is skipped in silence.
- A directory named `x.json` is searched like any directory, never read as a cassette.
- Names with spaces, unicode and newlines work; a newline in a name is shown escaped
  (`\\n`), so every message stays on one line.
- Deep trees (more levels than Python's recursion limit) are walked; a path longer than
  PATH_MAX is reported, not a crash.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands.helpers import SAMPLES, run

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = SAMPLES / "openai-chat-nonstream.json"
MODEL = "gpt-4o-mini"  # the model of SAMPLE
NOBODY = 65534


def cassette_at(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE, path)
    return path


def state(root: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of every regular file under `root` (links not followed)."""
    found = {}
    for directory, _, files in os.walk(root):
        for name in files:
            path = Path(directory, name)
            if not path.is_symlink():
                found[str(path.relative_to(root))] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def ls_files(root: str | Path, *args: str | Path) -> tuple[list[str], object]:
    """The files `ls ROOT` lists, relative to ROOT (it prints them as given: under ROOT)."""
    result = run("ls", root, *args, "--format", "json")
    rows = json.loads(result.stdout)["cassettes"]
    return [Path(row["file"]).relative_to(root).as_posix() for row in rows], result


def one_line_errors(stderr: str) -> list[str]:
    """The error lines of stderr (editing commands add a summary line after them)."""
    return [line for line in stderr.splitlines() if line.startswith("cassette: ")]


# symlinks ----------------------------------------------------------------------------


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    cassette_at(lib / "a.json")
    cassette_at(lib / "sub" / "b.json")
    (lib / "loop").symlink_to(lib, target_is_directory=True)
    (lib / "sub" / "up").symlink_to("..", target_is_directory=True)
    files, result = ls_files(lib)
    assert result.exit_code == 0
    assert files == ["a.json", "sub/b.json"]


def test_nothing_outside_the_tree_is_read_or_written_through_symlinks(tmp_path: Path) -> None:
    lib, outside = tmp_path / "lib", tmp_path / "outside"
    cassette_at(lib / "inside.json")
    cassette_at(outside / "elsewhere.json")
    target = cassette_at(outside / "target.json")
    (lib / "outside-dir").symlink_to(outside, target_is_directory=True)
    (lib / "linked.json").symlink_to(target)
    before = state(outside)

    files, _ = ls_files(lib)
    assert files == ["inside.json", "linked.json"]  # the symlinked file is read, the dir not

    result = run("rename-model", MODEL, "renamed-model", lib, "--in-place")
    assert result.exit_code == 0, result.stderr
    assert state(outside) == before  # the target and the symlinked dir's files: untouched
    linked = lib / "linked.json"
    assert not linked.is_symlink()  # the link was replaced by the edited file
    assert b'"renamed-model"' in linked.read_bytes()
    assert b'"renamed-model"' in (lib / "inside.json").read_bytes()


def test_a_broken_symlink_is_one_clear_error(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    cassette_at(lib / "good.json")
    (lib / "broken.json").symlink_to(tmp_path / "gone.json")
    files, result = ls_files(lib)
    assert files == ["good.json"] and result.exit_code == 2
    (error,) = one_line_errors(result.stderr)
    assert "broken.json" in error and "symbolic link to a missing file" in error


# unreadable places -------------------------------------------------------------------


def test_a_path_through_a_file_is_reported(tmp_path: Path) -> None:
    """Running as root, permissions don't stop reads; a path whose parent is a file does."""
    blocker = cassette_at(tmp_path / "file.json")
    result = run("show", blocker / "inner.json", SAMPLE)
    assert result.exit_code == 2
    (error,) = one_line_errors(result.stderr)
    assert "file.json/inner.json" in error and "is a file, not a directory" in error
    assert "Sun" not in result.stdout and "boil" in result.stdout  # the other file is shown


NOBODY_SCRIPT = """
import json, os, sys
from typer.testing import CliRunner
from cli.app import app

runner = CliRunner()
commands = json.loads(sys.argv[1])
for argv in commands:  # as root, on a readable copy: every lazy import happens now
    runner.invoke(app, [arg.replace("lib", "warm") for arg in argv])
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
results = []
for argv in commands:
    result = runner.invoke(app, argv, catch_exceptions=False)
    results.append({"exit": result.exit_code, "stdout": result.stdout, "stderr": result.stderr})
print(json.dumps(results))
"""


def run_as_nobody(cwd: Path, commands: list[list[str]]) -> list[dict[str, object]]:
    """Run commands in-process as user nobody, with `cwd` (root can't be denied a read).
    Python's own files may be out of nobody's reach, so imports happen before dropping
    privileges, and paths are relative to `cwd` (whose parents nobody may not traverse)."""
    process = subprocess.run(
        [sys.executable, "-c", NOBODY_SCRIPT, json.dumps(commands)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def run_unprivileged(
    cwd: Path, commands: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, object]]:
    """As root (who reads anything): as user nobody. Otherwise permissions already bite."""
    if os.geteuid() == 0:
        return run_as_nobody(cwd, commands)
    monkeypatch.chdir(cwd)
    results = []
    for argv in commands:
        result = run(*argv)
        results.append({"exit": result.exit_code, "stdout": result.stdout, "stderr": result.stderr})
    return results


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_unreadable_files_and_directories_are_reported_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = tmp_path / "lib"
    cassette_at(lib / "a.json")
    secret = cassette_at(lib / "secret.json")
    cassette_at(lib / "private" / "hidden.json")
    cassette_at(lib / "z.json")
    shutil.copytree(lib, tmp_path / "warm")
    for path in [tmp_path, lib, *lib.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    secret.chmod(0o000)
    (lib / "private").chmod(0o000)
    before = state(lib)
    ls, validate, scrub = run_unprivileged(
        tmp_path,
        [
            ["ls", "lib", "--format", "json"],
            ["validate", "lib", "--format", "json"],
            ["rename-model", MODEL, "renamed-model", "lib", "--in-place"],
        ],
        monkeypatch,
    )
    assert ls["exit"] == 2
    rows = [row["file"] for row in json.loads(ls["stdout"])["cassettes"]]
    assert rows == ["lib/a.json", "lib/z.json"]
    errors = one_line_errors(ls["stderr"])
    assert any("secret.json" in e and "permission denied" in e for e in errors)
    assert any("private" in e and "cannot be read" in e for e in errors), errors
    assert validate["exit"] == 1  # an unreadable file is a finding for validate
    flagged = {finding["path"] for finding in json.loads(validate["stdout"])["findings"]}
    assert {"lib/secret.json", "lib/private"} <= flagged
    assert scrub["exit"] == 2  # the readable files are edited, the others reported
    after = state(lib)
    assert after["a.json"] != before["a.json"] and after["z.json"] != before["z.json"]
    (lib / "private").chmod(0o755)
    secret.chmod(0o644)
    assert secret.read_bytes() == SAMPLE.read_bytes()
    assert (lib / "private" / "hidden.json").read_bytes() == SAMPLE.read_bytes()


# odd names ---------------------------------------------------------------------------


def test_a_directory_named_like_a_cassette_is_searched_not_read(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    cassette_at(lib / "x.json" / "inner.json")
    cassette_at(lib / "y.json")
    files, result = ls_files(lib)
    assert result.exit_code == 0 and files == ["x.json/inner.json", "y.json"]
    shown = run("show", lib / "x.json", "--format", "json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["file"].endswith("inner.json")
    edited = run("rename-model", MODEL, "renamed-model", lib, "--in-place")
    assert edited.exit_code == 0, edited.stderr
    assert (lib / "x.json").is_dir()


def test_an_output_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    lib, out = tmp_path / "lib", tmp_path / "out"
    cassette_at(lib / "a.json")
    (out / "a.json").mkdir(parents=True)
    result = run("rename-model", MODEL, "renamed-model", lib, "-o", out)
    assert result.exit_code == 2
    (error,) = one_line_errors(result.stderr)
    assert "a.json" in error and "directory" in error
    assert (out / "a.json").is_dir()


ODD_NAMES = ["with space.json", "日本語 é.json", "new\nline.json", "tab\tand\x1bescape.json"]


def test_names_with_spaces_unicode_and_newlines_work(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    for name in ODD_NAMES:
        cassette_at(lib / name)
    files, result = ls_files(lib)
    assert result.exit_code == 0 and sorted(files) == sorted(ODD_NAMES)
    text = run("ls", lib)
    assert len(text.stdout.splitlines()) == len(ODD_NAMES) + 2  # header, rows, totals
    assert "new\\nline.json" in text.stdout and "tab\\tand\\x1bescape.json" in text.stdout
    edited = run("rename-model", MODEL, "renamed-model", lib, "--in-place")
    assert edited.exit_code == 0, edited.stderr
    for name in ODD_NAMES:
        assert b'"renamed-model"' in (lib / name).read_bytes()


@pytest.mark.parametrize("command", ["show", "ls", "validate", "rename-model", "diff"])
def test_a_newline_in_a_name_never_breaks_the_one_line_rule(tmp_path: Path, command: str) -> None:
    bad = tmp_path / "bad\nname.json"
    bad.write_text('{"request": {')
    args = {
        "show": ["show", bad],
        "ls": ["ls", tmp_path],
        "validate": ["validate", tmp_path, "--format", "github"],
        "rename-model": ["rename-model", MODEL, "x", tmp_path, "--check"],
        "diff": ["diff", SAMPLE, bad],
    }[command]
    result = run(*args)
    assert result.exit_code in (1, 2)
    lines = [line for line in (result.stderr + result.stdout).splitlines() if "name.json" in line]
    assert lines, result.stderr + result.stdout
    for line in lines:
        assert "bad\\nname.json" in line or "bad%0Aname.json" in line, line


# long paths --------------------------------------------------------------------------


def test_a_file_name_of_255_bytes_works(tmp_path: Path) -> None:
    name = "n" * 250 + ".json"
    cassette_at(tmp_path / name)
    files, result = ls_files(tmp_path)
    assert result.exit_code == 0 and files == [name]
    edited = run("rename-model", MODEL, "renamed-model", tmp_path, "--in-place")
    assert edited.exit_code == 0, edited.stderr


def _deep(root: Path, levels: int, name: str) -> None:
    """`levels` nested directories called `name` with a cassette at the bottom, made
    through directory descriptors: the whole path may be longer than PATH_MAX."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(levels):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("deep.json", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, SAMPLE.read_bytes())
        os.close(out)
    finally:
        os.close(fd)


def test_a_tree_deeper_than_the_recursion_limit_is_walked(tmp_path: Path) -> None:
    levels = sys.getrecursionlimit() + 200
    _deep(tmp_path, levels, "d")
    try:
        cassette_at(tmp_path / "top.json")
        files, result = ls_files(tmp_path)
        assert result.exit_code == 0, result.stderr
        assert files == ["d/" * levels + "deep.json", "top.json"]
    finally:  # bottom up, without recursion: shutil.rmtree (and pytest's cleanup) recurse
        (tmp_path / ("d/" * levels + "deep.json")).unlink()
        for level in range(levels, 0, -1):
            (tmp_path / ("d/" * level)).rmdir()


def test_paths_near_and_beyond_path_max(tmp_path: Path) -> None:
    near, beyond = tmp_path / "near", tmp_path / "beyond"
    near.mkdir()
    beyond.mkdir()
    room = 4096 - len(str(near)) - len("/deep.json") - 1
    _deep(near, room // 101, "x" * 100)  # just under PATH_MAX (4096 with the final NUL)
    _deep(beyond, 45, "x" * 100)  # past it
    cassette_at(beyond / "top.json")
    files, result = ls_files(near)
    assert result.exit_code == 0, result.stderr
    assert len(files) == 1 and len(str(near / files[0])) < 4096
    files, result = ls_files(beyond)
    assert files == ["top.json"] and result.exit_code == 2
    errors = one_line_errors(result.stderr)
    assert errors and all("too long" in error for error in errors)
