"""What a person sees on a terminal, run in a pseudo-terminal: progress bars where they
belong and nowhere else, and no styling at all when color is turned off."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands.helpers import REPO_ROOT, SAMPLES, STYLES, run_in_terminal

COUNT = 250  # above the bar's minimum of 200 files
BAR = "━"
SAMPLE = "openai-chat-nonstream.json"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """COUNT copies of one small cassette, each under its own name."""
    root = tmp_path_factory.mktemp("library") / "lib"
    root.mkdir()
    for number in range(COUNT):
        shutil.copy(SAMPLES / SAMPLE, root / f"c{number:03d}.json")
    return root


def fresh(library: Path, tmp_path: Path) -> Path:
    """A copy to edit in place."""
    target = tmp_path / "lib"
    shutil.copytree(library, target)
    return target


# the bar of each command -------------------------------------------------------------

COMMANDS = {
    "ls": (["ls", "{lib}"], "Reading cassettes"),
    "validate": (["validate", "{lib}"], "Validating cassettes"),
    "diff": (["diff", "{lib}", "{twin}"], "Comparing cassettes"),
    "scrub": (["scrub", "{lib}", "--check"], "Checking cassettes"),
    "rename-model": (["rename-model", "gpt-4o-mini", "gpt-5", "{lib}", "--in-place"], "Editing"),
    "retime": (["retime", "{lib}", "--epoch", "--in-place"], "Editing cassettes"),
    "normalize": (["normalize", "{lib}", "--dry-run"], "Checking cassettes"),
    "merge": (["merge", "{lib}", "--into", "{twin}"], "Reading cassettes"),
}


def arguments(name: str, lib: Path, twin: Path) -> list[str]:
    return [arg.format(lib=lib, twin=twin) for arg in COMMANDS[name][0]]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_over_many_files_shows_a_bar(name: str, library: Path, tmp_path) -> None:
    lib = fresh(library, tmp_path)
    twin = tmp_path / "twin"
    shutil.copytree(library, twin)
    shown = run_in_terminal(*arguments(name, lib, twin))
    assert shown.code in (0, 1), shown.text
    label = COMMANDS[name][1]
    assert f"{label}" in shown.text and BAR in shown.text, shown.text[:500]
    assert "Traceback" not in shown.text


def test_an_editing_command_shows_a_bar_only_on_a_terminal(library: Path, tmp_path) -> None:
    """The bar of `retime --in-place`, then the same run without a terminal: none."""
    lib = fresh(library, tmp_path)
    shown = run_in_terminal("retime", lib, "--epoch", "--in-place")
    assert shown.code == 0
    assert "Editing cassettes" in shown.text and BAR in shown.text
    assert f"{COUNT} changed, 0 unchanged, 0 renamed, 0 failed" in shown.text
    assert all(b'"created": 0' in path.read_bytes() for path in lib.iterdir())

    again = fresh(library, tmp_path / "again")
    piped = subprocess.run(
        [sys.executable, "-m", "cli", "retime", str(again), "--epoch", "--in-place"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert piped.returncode == 0
    assert piped.stderr == f"{COUNT} changed, 0 unchanged, 0 renamed, 0 failed\n"
    assert BAR not in piped.stderr and "\x1b" not in piped.stderr + piped.stdout


@pytest.mark.parametrize(
    ("args", "env", "pipe_stdout"),
    [
        pytest.param(["--check"], {"CI": "true"}, False, id="in CI"),
        pytest.param(["--check", "--format", "json"], {}, False, id="json"),
        pytest.param(["--dry-run"], {}, True, id="stdout piped"),
    ],
)
def test_no_bar_where_nobody_watches_it(
    args: list[str], env: dict[str, str], pipe_stdout: bool, library: Path
) -> None:
    shown = run_in_terminal("retime", library, "--epoch", *args, env=env, pipe_stdout=pipe_stdout)
    assert shown.code in (0, 1)
    assert BAR not in shown.screen and "cassettes" not in shown.screen.lower()


def test_a_short_run_has_no_bar(tmp_path: Path) -> None:
    shown = run_in_terminal("retime", SAMPLES, "--epoch", "--check")
    assert BAR not in shown.screen


@pytest.mark.parametrize("how", ["--no-color", "NO_COLOR"])
def test_without_color_the_bar_is_drawn_plain(how: str, library: Path) -> None:
    flags = ["--no-color"] if how == "--no-color" else []
    env = {"NO_COLOR": "1"} if how == "NO_COLOR" else {}
    shown = run_in_terminal("retime", library, "--epoch", "--check", *flags, env=env)
    assert "Checking cassettes" in shown.text and BAR in shown.text
    assert STYLES.search(shown.screen) is None, "no color, bold or dim escapes"


def test_show_has_a_bar_only_when_its_output_goes_to_a_file(library: Path, tmp_path) -> None:
    """On the terminal, the conversations scrolling by are the progress."""
    written = tmp_path / "all.txt"
    to_file = run_in_terminal("show", library, "--plain", stdout_to=written)
    assert to_file.code == 0
    assert "Reading cassettes" in to_file.text and BAR in to_file.text
    assert written.read_text().count("==> ") == COUNT
    on_screen = run_in_terminal("show", library, "--plain")
    assert on_screen.text.count("==> ") == COUNT
    assert "Reading cassettes" not in on_screen.text and BAR not in on_screen.screen


def test_merge_writes_with_a_bar(library: Path, tmp_path: Path) -> None:
    shown = run_in_terminal("merge", library, "--into", tmp_path / "merged")
    assert shown.code == 0
    assert "Reading cassettes" in shown.text and "Writing cassettes" in shown.text
    assert len(list((tmp_path / "merged").iterdir())) == COUNT


# no styling when color is off --------------------------------------------------------

STYLED = {
    "show": ["show", SAMPLES / "vllm-chat-stream-tool-call.json"],
    "show --raw": ["show", SAMPLES / "vllm-chat-stream-tool-call.json", "--raw"],
    "ls": ["ls", SAMPLES],
    "validate": ["validate", SAMPLES, "--show-info"],
    "diff": [
        "diff",
        SAMPLES / "vllm-chat-stream-n2.json",
        SAMPLES / "vllm-chat-stream-tool-call.json",
    ],
    "help": ["show", "--help"],
}


@pytest.mark.parametrize("name", list(STYLED))
def test_color_off_means_no_bold_italic_or_dim_either(name: str) -> None:
    styled = run_in_terminal(*STYLED[name])
    assert STYLES.search(styled.screen), "styled on a terminal by default"
    for shown in (
        run_in_terminal(*STYLED[name], env={"NO_COLOR": "1"}),
        *([] if name == "help" else [run_in_terminal(*STYLED[name], "--no-color")]),
    ):
        assert shown.code in (0, 1)
        assert STYLES.search(shown.screen) is None, shown.screen[:300]
        assert shown.text.strip()
