"""Fixtures shared by every test: where the sample cassettes and the real corpus live."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The result cache of the whole session lives in a temporary directory: tests never
    read or write the user's real cache (subprocesses inherit the variable too)."""
    path = tmp_path_factory.mktemp("cassette-cache")
    previous = os.environ.get("CASSETTE_CACHE_DIR")
    os.environ["CASSETTE_CACHE_DIR"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("CASSETTE_CACHE_DIR", None)
    else:
        os.environ["CASSETTE_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The project's own `sample_cassettes/` (read it; copy to tmp_path before editing)."""
    return REPO_ROOT / "sample_cassettes"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real recordings: `$CASSETTE_CORPUS`, default `../shared/corpus` next to the repo.

    Missing corpus: the test is skipped, unless `CASSETTE_REQUIRE_CORPUS=1` (CI), which
    makes it fail so that CI never passes by skipping.
    """
    path = Path(os.environ.get("CASSETTE_CORPUS") or REPO_ROOT / ".." / "shared" / "corpus")
    if not path.is_dir():
        message = f"corpus not found at {path}; set CASSETTE_CORPUS to its directory"
        if os.environ.get("CASSETTE_REQUIRE_CORPUS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path.resolve()


GOLDEN_DIR = REPO_ROOT / "tests" / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/golden/ files from the current output instead of comparing.",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """`golden("show/seed-000.txt", text)`: compare text with the golden file, or rewrite it
    under --update-goldens. Human output is checked at a fixed width, without color."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, text: str) -> None:
        path = GOLDEN_DIR / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {name} is missing; run pytest --update-goldens")
        assert text == path.read_text(encoding="utf-8"), f"output differs from golden {name}"

    return check


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed width, no color: what golden files and text assertions expect."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def _copy_writable(source: Path, target: Path) -> Path:
    """Copy a file or a tree to `target`, writable: the corpus is read-only on disk and
    shutil keeps modes, so plain copies of it can't be edited in place."""
    import shutil

    if source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return target
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    for directory, _, _ in os.walk(target):
        os.chmod(directory, 0o755)
    return target


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` by relative path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def copy_writable():
    """`copy_writable(source, target)`: a writable copy of a file or tree (see _copy_writable)."""
    return _copy_writable


@pytest.fixture
def snapshot():
    """`snapshot(root)`: {relative path: bytes} of every file under root."""
    return _snapshot


@pytest.fixture(scope="session", autouse=True)
def recorded_error_lines() -> Iterator[list[str]]:
    """Every message the suite passes to `cli.messages.error_line`, in order."""
    import sys

    import cli.messages

    original, lines = cli.messages.error_line, []

    def recording(text: str, command: str = "cassette") -> None:
        lines.append(f"{command}: {text}")
        original(text, command)

    cli.messages.error_line = recording
    for name, module in list(sys.modules.items()):  # modules that imported it by name
        if name.startswith("cli.") and getattr(module, "error_line", None) is original:
            module.error_line = recording
    yield lines
    for name, module in list(sys.modules.items()):
        if name.startswith("cli") and getattr(module, "error_line", None) is recording:
            module.error_line = original


@pytest.fixture(autouse=True)
def error_lines_are_well_formed(recorded_error_lines: list[str]) -> Iterator[None]:
    """After each test, the error lines it printed follow tests/message_rules.py."""
    from tests.message_rules import problems

    start = len(recorded_error_lines)
    yield
    bad = {line: found for line in recorded_error_lines[start:] if (found := problems(line))}
    assert bad == {}, "badly formed error lines"
