"""cassette merge: the corpus split and merged back, conflicts, reports, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.helpers import run

pytestmark = pytest.mark.usefixtures("cli_env")


def put(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '{"request": {"url": "http://x/v1/chat/completions", "method": "POST", "body": {}}, '
        f'"response": {{"body": {{"text": "{text}"}}}}}}\n'
    )
    return path


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    put(a, "rec/0123456789ab.json", "mine")
    put(b, "rec/0123456789ab.json", "yours")
    put(a, "rec/only-a.json", "a")
    put(b, "rec/only-b.json", "b")
    return a, b


def test_help_has_examples() -> None:
    result = run("merge", "--help")
    assert result.exit_code == 0 and "--on-conflict" in result.stdout


@pytest.mark.corpus
def test_two_overlapping_halves_of_the_corpus_merge_back_into_it(
    corpus_dir: Path, tmp_path: Path, copy_writable, snapshot
) -> None:
    files = sorted(p.relative_to(corpus_dir) for p in corpus_dir.rglob("*.json"))
    assert len(files) == 524
    for index, relative in enumerate(files):
        if index % 3 != 0:
            copy_writable(corpus_dir / relative, tmp_path / "a" / relative)
        if index % 3 != 1:
            copy_writable(corpus_dir / relative, tmp_path / "b" / relative)
    result = run("merge", tmp_path / "a", tmp_path / "b", "--into", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    expected = {k: v for k, v in snapshot(corpus_dir).items() if k.endswith(".json")}
    assert snapshot(tmp_path / "out") == expected
    assert "524 added" in result.stderr and "0 conflicts" in result.stderr
    again = run("merge", tmp_path / "a", tmp_path / "b", "--into", tmp_path / "out", "--check")
    assert again.exit_code == 0 and "524 unchanged" in again.stderr


def test_a_conflict_fails_names_both_files_and_writes_nothing(
    two: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = two
    result = run("merge", a, b, "--into", tmp_path / "out")
    assert result.exit_code == 1
    [line] = [line for line in result.stderr.splitlines() if "conflict:" in line]
    assert str(a / "rec/0123456789ab.json") in line and str(b / "rec/0123456789ab.json") in line
    assert "nothing was written" in result.stderr
    assert not (tmp_path / "out").exists()
    assert result.stdout == ""


@pytest.mark.parametrize(("policy", "text"), [("ours", "mine"), ("theirs", "yours")])
def test_a_policy_settles_it_and_the_report_says_where_from(
    two: tuple[Path, Path], tmp_path: Path, policy: str, text: str
) -> None:
    a, b = two
    out = tmp_path / "out"
    result = run("merge", a, b, "--into", out, "--on-conflict", policy)
    assert result.exit_code == 0, result.stderr
    assert f'"text": "{text}"' in (out / "rec/0123456789ab.json").read_text()
    assert (
        f"added rec/0123456789ab.json <- {a if policy == 'ours' else b} (conflict: {policy})"
        in (result.stdout)
    )
    assert f"added rec/only-b.json <- {b}" in result.stdout


def test_json_report(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two
    result = run(
        "merge", a, b, "--into", tmp_path / "out", "--on-conflict", "keep-both", "-f", "json"
    )
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["mode"] == "output" and document["written"] is True
    assert document["summary"] == {
        "added": 3, "updated": 0, "combined": 0, "kept_both": 1, "unchanged": 0,
        "conflicts": 1, "failed": 0,
    }  # fmt: skip
    files = {entry["path"]: entry for entry in document["files"]}
    assert files["rec/0123456789ab.json.conflict-1"]["from"] == [str(b / "rec/0123456789ab.json")]
    [conflict] = document["conflicts"]
    assert conflict["resolution"] == "keep-both" and conflict["chosen"] == str(
        a / "rec/0123456789ab.json"
    )


def test_dry_run_and_check_write_nothing(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two
    out = tmp_path / "out"
    dry = run("merge", a, b, "--into", out, "--on-conflict", "ours", "--dry-run")
    assert dry.exit_code == 0 and "would add rec/only-a.json" in dry.stdout
    check = run("merge", a, b, "--into", out, "--on-conflict", "ours", "--check")
    assert check.exit_code == 1
    assert not out.exists()
    assert run("merge", a, "--into", out, "--dry-run", "--check").exit_code == 2


def test_a_read_only_destination_writes_nothing(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = two
    out = tmp_path / "out"
    put(out, "existing.json", "kept")
    out.chmod(0o555)
    try:
        result = run("merge", a, "--into", out)
    finally:
        out.chmod(0o755)
    assert result.exit_code == 2 and "not writable" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["existing.json"]


def test_an_invalid_source_file_is_named_and_nothing_is_written(
    two: tuple[Path, Path], tmp_path: Path
) -> None:
    a, _ = two
    bad = a / "rec/broken.json"
    bad.write_text('{"request": ')
    result = run("merge", a, "--into", tmp_path / "out")
    assert result.exit_code == 2
    assert len([line for line in result.stderr.splitlines() if "broken.json" in line]) == 1
    assert not (tmp_path / "out").exists() and bad.read_text() == '{"request": '


def test_usage_errors(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = two
    assert run("merge", a).exit_code == 2  # no --into
    missing = run("merge", tmp_path / "nope", "--into", tmp_path / "out")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
