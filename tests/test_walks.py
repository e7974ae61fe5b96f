"""Directory walks pass over JSON that isn't a cassette (issue 10, case 2).

llama-stack keeps `tests/integration/ci_matrix.json` beside its recordings. Every command
that walks a directory passes over such a file with one note naming it, and its exit code
is what it would be without the file; named on the command line, the file is judged.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.commands.helpers import SAMPLES, run

CI_MATRIX = {"default": [{"suite": "base", "setup": "ollama"}], "stack_config": "ci-tests"}
SOL = "databricks-chat-stream-sol.json"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "integration"
    (root / "inference" / "recordings").mkdir(parents=True)
    shutil.copy(SAMPLES / SOL, root / "inference" / "recordings" / SOL)
    (root / "ci_matrix.json").write_text(json.dumps(CI_MATRIX, indent=2) + "\n")
    return root


def note(root: Path) -> str:
    return (
        f"cassette: {root / 'ci_matrix.json'}: not a cassette "
        '(JSON without "request" or "response"); passed over'
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("ls",), 0),
        (("validate",), 0),
        (("scrub", "--check"), 0),
        (("normalize", "--check"), 1),  # the sample itself is not normalized
        (("retime", "--shift", "+1h", "--check"), 1),
        (("rename-model", "databricks-meta-llama-3-3-70b-instruct", "llama3.3", "--check"), 1),
    ],
)
def test_commands_pass_over_it_with_one_note(library: Path, args: tuple[str, ...], code: int):
    without = library.parent / "without-ci0"  # as long as "integration": ls aligns the same
    shutil.copytree(library, without)
    (without / "ci_matrix.json").unlink()
    expected = run(*args, without)
    result = run(*args, library)
    assert result.exit_code == expected.exit_code == code, result.stderr
    lines = expected.stderr.splitlines()
    if args[0] in ("scrub", "normalize", "retime", "rename-model"):  # the summary counts it
        lines[-1] += ", 1 passed over"
    assert result.stderr.splitlines() == [note(library), *lines]
    assert result.stdout.replace(str(library), str(without)) == expected.stdout


def test_an_edit_in_place_leaves_it_and_a_copy_keeps_it(library: Path) -> None:
    before = (library / "ci_matrix.json").read_bytes()
    assert run("retime", library, "--epoch", "--in-place").exit_code == 0
    assert (library / "ci_matrix.json").read_bytes() == before
    out = library.parent / "out"
    result = run("normalize", library, "-o", out)
    assert result.exit_code == 0 and note(library) in result.stderr
    assert (out / "ci_matrix.json").read_bytes() == before
    assert (out / "inference" / "recordings" / SOL).exists()


def test_merge_passes_over_it(library: Path, tmp_path: Path) -> None:
    dest = tmp_path / "merged"
    result = run("merge", library, "--into", dest)
    assert result.exit_code == 0, result.stderr
    assert note(library) in result.stderr.splitlines()
    assert (dest / "inference" / "recordings" / SOL).exists()
    assert not (dest / "ci_matrix.json").exists()


def test_named_it_is_judged(library: Path) -> None:
    named = library / "ci_matrix.json"
    findings = json.loads(run("validate", named, "--format", "json").stdout)["findings"]
    assert {f["code"] for f in findings} == {"S003"}
    assert run("ls", named).exit_code == 2
    assert run("diff", named, named).exit_code == 0  # the same bytes: nothing to parse


# nothing found (issue 15) ------------------------------------------------------------

NOTHING = [
    ("show",),
    ("ls",),
    ("validate",),
    ("scrub", "--check"),
    ("normalize", "--check"),
    ("retime", "--epoch", "--check"),
    ("rename-model", "a", "b", "--check"),
]


@pytest.mark.parametrize("args", NOTHING, ids=lambda args: args[0])
def test_an_empty_directory_is_said(args: tuple[str, ...], tmp_path: Path) -> None:
    """A typo in CI must show: an empty directory is named on stderr (exit 0)."""
    from tests.message_rules import problems

    empty = tmp_path / "recordings"
    empty.mkdir()
    result = run(*args, empty)
    assert result.exit_code == 0
    line = (
        f"cassette {args[0]}: no cassettes found under {empty} "
        "(no file matches *.json, *.yaml or *.yml)"
    )
    assert result.stderr.splitlines()[0] == line
    assert problems(line) == []


@pytest.mark.parametrize("args", NOTHING, ids=lambda args: args[0])
def test_a_glob_that_matches_nothing_is_said(
    args: tuple[str, ...], library: Path, tmp_path: Path
) -> None:
    result = run(*args, library, "--glob", "*.jsn")
    assert result.exit_code == 0
    assert (
        f"cassette {args[0]}: no cassettes found under {library} (no file matches *.jsn)"
        in result.stderr.splitlines()
    )
    # A directory with something to read says nothing of the kind.
    assert "no cassettes found" not in run(*args, library).stderr


def test_diff_and_merge_say_it_of_each_directory(library: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    diff = run("diff", empty, library)
    assert diff.stderr.splitlines()[0].startswith(
        f"cassette diff: no cassettes found under {empty}"
    )
    merged = run("merge", empty, library, "--into", tmp_path / "merged", "--dry-run")
    assert merged.stderr.splitlines()[0].startswith(
        f"cassette merge: no cassettes found under {empty}"
    )
    assert merged.exit_code == 0
