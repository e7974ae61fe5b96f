"""cassette show: the conversation, as text, JSON, raw JSON and plain text."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands.helpers import REPO_ROOT, SAMPLES, run

SEEDS = {
    "databricks-chat-stream-sol.json": ['The Latin name for the Sun is "Sol".'],
    "vllm-chat-stream-n2.json": [
        "The Latin name for the Sun is Sol.",
        "The Latin word for the Sun is Sol.",
    ],
    "cerebras-chat-stream-capital.json": [
        "The name of the US capital is Washington, D.C. (short for District of Columbia)."
    ],
}


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.json")))
def test_show_matches_golden(name: str, golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES.parent)  # the header shows the path as given: keep it relative
    result = run("show", f"sample_cassettes/{name}")
    assert result.exit_code == 0, result.stderr
    golden(f"show/{name.removesuffix('.json')}.txt", result.stdout)


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("name", list(SEEDS))
def test_show_prints_the_reassembled_text_of_each_seed(name: str) -> None:
    result = run("show", SAMPLES / name)
    assert result.exit_code == 0
    flat = " ".join(result.stdout.replace("│", " ").split())
    for text in SEEDS[name]:
        assert text in flat


@pytest.mark.usefixtures("cli_env")
def test_show_tool_call_with_its_arguments() -> None:
    result = run("show", SAMPLES / "vllm-chat-stream-tool-call.json")
    assert "tool call get_weather" in result.stdout
    assert "chatcmpl-tool-52543da3e42a4dee83901fc943dd4797" in result.stdout
    assert '"location": "San Francisco, CA"' in result.stdout
    assert "finish: tool_calls" in result.stdout


def test_show_json_on_the_n2_seed_gives_two_choices() -> None:
    result = run("show", SAMPLES / "vllm-chat-stream-n2.json", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    choices = document["response"]["choices"]
    assert [c["text"] for c in choices] == SEEDS["vllm-chat-stream-n2.json"]
    assert [c["finish_reason"] for c in choices] == ["stop", "stop"]
    assert document["summary"]["model_requested"] == "meta-llama/Llama-3.2-1B-Instruct"
    assert document["request"]["params"] == {"n": 2}


def test_show_json_emits_one_line_per_cassette() -> None:
    result = run("show", SAMPLES, "--format", "json", "--glob", "*.json")
    lines = result.stdout.splitlines()
    assert len(lines) == len(list(SAMPLES.glob("*.json")))
    assert all(json.loads(line)["file"] for line in lines)


def test_choice_selects_one_choice() -> None:
    result = run("show", SAMPLES / "vllm-chat-stream-n2.json", "--choice", "1", "--plain")
    assert "The Latin word for the Sun is Sol." in result.stdout
    assert "The Latin name for the Sun is Sol." not in result.stdout


def test_choice_that_does_not_exist_is_an_error() -> None:
    result = run("show", SAMPLES / "vllm-chat-stream-n2.json", "--choice", "5")
    assert result.exit_code == 2
    assert "has no choice 5" in result.stderr


def test_raw_shows_the_json() -> None:
    result = run("show", SAMPLES / "databricks-chat-stream-sol.json", "--raw", "--no-color")
    assert result.exit_code == 0
    assert '"chatcmpl_2c653de2-afd4-4075-bc8d-8200562a191b"' in result.stdout


def test_plain_leaves_out_ids_and_times() -> None:
    result = run("show", SAMPLES / "databricks-chat-stream-sol.json", "--plain")
    assert 'The Latin name for the Sun is "Sol".' in result.stdout
    assert "chatcmpl_" not in result.stdout
    assert "1758326497" not in result.stdout


BAD_FILES = {
    "empty.json": b"",
    "truncated.json": b'{"request": {"method": "POST"',
    "list.json": b"[]",
    "latin1.json": b'{"a": "\xe9"}',
    "no-response.json": b'{"request": {}}',
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_input_is_one_line_exit_2_no_traceback(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    result = run("show", path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0]
    assert "Traceback" not in result.stderr


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    (library / "a-bad.json").write_bytes(b"{")
    (library / "b-good.json").write_bytes((SAMPLES / "vllm-chat-stream-n2.json").read_bytes())
    result = run("show", library, "--plain")
    assert result.exit_code == 2
    assert "a-bad.json" in result.stderr
    assert "The Latin word for the Sun is Sol." in result.stdout


def test_unknown_flag_is_one_line_exit_2() -> None:
    result = run("show", "--frobnicate", SAMPLES)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "--frobnicate" in result.stderr


def test_missing_path_is_reported(tmp_path: Path) -> None:
    result = run("show", tmp_path / "nope.json")
    assert result.exit_code == 2
    assert "nope.json: no such file" in result.stderr


@pytest.mark.usefixtures("cli_env")
def test_show_runs_over_the_whole_corpus(corpus_dir: Path) -> None:
    # the JSON corpus; with VCR: tests/commands/test_show_vcr.py
    result = run("show", corpus_dir, "--glob", "*.json")
    assert result.exit_code == 0, result.stderr[:2000]
    assert result.stderr == ""
    assert result.stdout.count("╭─ ") >= 524


LONG_LINES = "llama-stack-2025-09/00ba04f74a96.json"  # a prompt far wider than 80 columns


@pytest.mark.corpus
def test_raw_off_a_terminal_is_the_files_exact_bytes(corpus_dir: Path, tmp_path: Path) -> None:
    """Issue 10, case 5: `show --raw | python3 -m json.tool` failed: Rich hard-wrapped the
    strings at 80 columns. Piped, --raw prints the file's bytes."""
    path = tmp_path / "recording.json"
    path.write_bytes((corpus_dir / LONG_LINES).read_bytes())
    assert max(len(line) for line in path.read_text().splitlines()) > 200
    result = run("show", path, "--raw")
    assert result.exit_code == 0
    assert result.stdout_bytes == path.read_bytes()
    piped = subprocess.run(
        f"{sys.executable} -m cli show {path} --raw | {sys.executable} -m json.tool",
        shell=True,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout) == json.loads(path.read_text())


def test_raw_of_several_files_keeps_each_files_bytes(tmp_path: Path) -> None:
    one = (SAMPLES / "databricks-chat-stream-sol.json").read_bytes()  # no final newline
    assert not one.endswith(b"\n")
    two = (SAMPLES / "openai-model-list.json").read_bytes()
    (tmp_path / "a.json").write_bytes(one)
    (tmp_path / "b.json").write_bytes(two)
    result = run("show", tmp_path, "--raw")
    assert result.exit_code == 0
    assert result.stdout_bytes == one + b"\n" + two


CI_MATRIX = b'{\n  "default": [\n    {"suite": "base", "setup": "ollama"}\n  ]\n}\n'


def test_a_walk_passes_over_json_that_is_not_a_cassette(tmp_path: Path) -> None:
    """Issue 10, case 2: llama-stack keeps `ci_matrix.json` among its recordings."""
    (tmp_path / "ci_matrix.json").write_bytes(CI_MATRIX)
    (tmp_path / "list.json").write_bytes(b"[1, 2]\n")
    shutil.copy(SAMPLES / "vllm-chat-stream-n2.json", tmp_path / "n2.json")
    for flags in ((), ("--plain",), ("--format", "json"), ("--raw",)):
        result = run("show", tmp_path, *flags)
        assert result.exit_code == 0, (flags, result.stderr)
        assert result.stderr.splitlines() == [
            f"cassette: {tmp_path / 'ci_matrix.json'}: not a cassette "
            '(JSON without "request" or "response"); passed over',
            f"cassette: {tmp_path / 'list.json'}: not a cassette "
            "(its top-level JSON value is a list); passed over",
        ]
        assert b"suite" not in result.stdout_bytes
    named = run("show", tmp_path / "ci_matrix.json")
    assert named.exit_code == 2 and '"request" is missing' in named.stderr


@pytest.mark.parametrize("content", [CI_MATRIX, b"[1, 2]", b"{not json", b'{"request": {}}'])
def test_plain_prints_a_file_it_cannot_read_as_a_cassette_unchanged(
    tmp_path: Path, content: bytes
) -> None:
    """The git textconv must always give git something to diff."""
    path = tmp_path / "file.json"
    path.write_bytes(content)
    result = run("show", path, "--plain")
    assert result.exit_code == 0
    assert result.stdout_bytes == content and result.stderr == ""
    assert run("show", tmp_path / "missing.json", "--plain").exit_code == 2


# issue 15: titles, --plain over several files, --raw with other flags --------------------

HASH_NAME = "28561c0848c5d46e68aec5b2c6c55862d74bcae2f2ba6ccb69ab41b5532b28a9.json"


@pytest.mark.usefixtures("cli_env")
def test_a_long_title_is_cut_with_an_ellipsis(tmp_path: Path) -> None:
    """A 64-hex name in its suite's folders: the middle of the folders goes, marked."""
    folder = tmp_path / "tests" / "integration" / "inference" / "recordings"
    folder.mkdir(parents=True)
    shutil.copy(SAMPLES / "openai-chat-nonstream.json", folder / HASH_NAME)
    result = run("show", folder / HASH_NAME)
    title = result.stdout.splitlines()[0]
    assert len(title) == 100
    assert "…" in title and title.endswith(f"/{HASH_NAME} ─╮")
    assert title.startswith(f"╭─ {str(tmp_path)[:10]}")


@pytest.mark.usefixtures("cli_env")
def test_plain_names_each_file_of_several(tmp_path: Path) -> None:
    names = ["openai-chat-nonstream.json", "openai-embeddings.json"]
    for name in names:
        shutil.copy(SAMPLES / name, tmp_path / name)
    result = run("show", tmp_path, "--plain")
    assert result.exit_code == 0
    headings = [line for line in result.stdout.splitlines() if line.startswith("==> ")]
    assert headings == [f"==> {tmp_path / name} <==" for name in names]
    assert result.stdout.startswith(headings[0])
    assert f"total 41\n\n==> {tmp_path / names[1]} <==" in result.stdout  # a blank line between
    two = run("show", *(tmp_path / name for name in names), "--plain")
    assert two.stdout == result.stdout
    # One file named alone, as git's textconv runs it: git names the file already.
    alone = run("show", tmp_path / names[0], "--plain")
    assert "==>" not in alone.stdout and alone.stdout.startswith("POST /v1/chat/completions")


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--format", "json"], "--format json"),
        (["--choice", "1"], "--choice"),
        (["--plain"], "--plain"),
        (["--choice", "0", "--plain"], "--choice and --plain"),
    ],
)
def test_raw_refuses_the_flags_it_would_ignore(flags: list[str], named: str) -> None:
    result = run("show", SAMPLES / "vllm-chat-stream-n2.json", "--raw", *flags)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"cassette show: --raw and {named} don't go together: ")
    assert len(result.stderr.splitlines()) == 1
