"""Error messages: one line each, naming a file or a command, never a bare exception.

Each kind of error is triggered through the CLI and its line checked. Every message any
other test prints is checked by the same rules (`tests/message_rules.py`) after that test,
by an autouse fixture of conftest.py, whatever order the tests run in.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from cli.core.formats.llamastack import codec, hashing
from tests.commands.helpers import SAMPLES, run
from tests.message_rules import problems

SAMPLE = SAMPLES / "openai-chat-nonstream.json"
MODEL = "gpt-4o-mini"


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("cassette")]


def only_error(stderr: str) -> str:
    (line,) = error_lines(stderr)
    assert problems(line) == [], line
    return line


# each kind of error, through the CLI ------------------------------------------------


def test_a_bad_flag_names_the_command_and_its_help() -> None:
    result = run("show", SAMPLE, "--frobnicate")
    assert result.exit_code == 2 and result.stdout == ""
    line = only_error(result.stderr)
    assert line.startswith("cassette show: No such option: --frobnicate")
    assert line.endswith("(see 'cassette show --help')")


def test_no_arguments_shows_help_without_an_empty_error_line() -> None:
    result = run("show")
    assert result.exit_code == 2
    assert "Usage" in result.stdout + result.stderr
    assert error_lines(result.stderr) == []


def test_a_usage_error_without_a_file_names_the_command(tmp_path: Path) -> None:
    result = run("rename-model", MODEL, "x", tmp_path)
    assert result.exit_code == 2
    assert only_error(result.stderr).startswith("cassette rename-model: say where the edits go")


def test_a_missing_path(tmp_path: Path) -> None:
    result = run("show", tmp_path / "nope.json")
    assert result.exit_code == 2
    assert only_error(result.stderr) == f"cassette: {tmp_path / 'nope.json'}: no such file"


def test_malformed_json_names_the_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "request": {,\n}')
    result = run("show", bad)
    assert result.exit_code == 2
    line = only_error(result.stderr)
    assert line.startswith(f"cassette: {bad}: invalid JSON at line 2, column 15")


def test_a_read_only_target_is_left_unchanged(tmp_path: Path) -> None:
    target = tmp_path / "locked.json"
    shutil.copyfile(SAMPLE, target)
    target.chmod(0o444)
    result = run("rename-model", MODEL, "x", tmp_path, "--in-place")
    assert result.exit_code == 2
    assert only_error(result.stderr) == (
        f"cassette: {target}: read-only file or directory; left unchanged"
    )
    assert target.read_bytes() == SAMPLE.read_bytes()


def test_a_rename_collision_names_the_file_in_the_way(tmp_path: Path) -> None:
    data = codec.read(SAMPLE)[0]
    name = hashing.expected_name(data, hashing.SCHEME_2025)
    assert name is not None
    (tmp_path / name).write_bytes(SAMPLE.read_bytes())
    data["request"]["body"]["model"] = data["request"]["model"] = "x"
    taken = tmp_path / str(hashing.expected_name(data, hashing.SCHEME_2025))
    taken.write_text('{"request": {}, "response": {}}\n')
    result = run("rename-model", MODEL, "x", tmp_path, "--in-place")
    assert result.exit_code == 2
    line = only_error(result.stderr)
    assert (
        line == f"cassette: {taken}: the new name {taken.name} already exists; not overwriting it"
    )


def test_an_unreadable_input_for_each_command_is_one_good_line(tmp_path: Path) -> None:
    bad = tmp_path / "lib" / "bad.json"
    bad.parent.mkdir()
    bad.write_bytes(b"\xff\xfe not json")
    other = tmp_path / "other.json"
    shutil.copyfile(SAMPLE, other)
    for argv in (
        ["show", bad],
        ["ls", bad.parent],
        ["diff", other, bad],
        ["scrub", bad.parent, "--check"],
        ["rename-model", MODEL, "x", bad.parent, "--dry-run"],
        ["retime", bad.parent, "--epoch", "--check"],
        ["normalize", bad.parent, "--check"],
        ["merge", bad.parent, "--into", tmp_path / "dest", "--check"],
    ):
        result = run(*argv)
        assert result.exit_code == 2, argv
        assert "bad.json" in only_error(result.stderr) and "not valid UTF-8" in result.stderr


def test_the_rules_catch_bad_messages() -> None:
    assert problems("cassette: a.json: no such file") == []
    assert problems("cassette merge: use one of --dry-run and --check, not both") == []
    assert "names neither a file nor a command" in problems("cassette: something failed")
    assert "looks like a bare exception" in problems("cassette show: KeyError('model')")
    assert "looks like a bare exception" in problems("cassette: a.json: [Errno 13] denied")
    assert "looks like a bare exception" in problems(
        "cassette ls: <cli.core.model.Interaction object at 0x7f00deadbeef>"
    )
    assert "more than one line" in problems("cassette: a.json: one\ntwo")
    assert problems("cassette show: ") != []
