"""The CLI as a whole: version, help with examples, light startup, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cli import __version__
from cli.app import COMMANDS
from tests.commands.helpers import REPO_ROOT, run


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"cassette {__version__}"


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cli", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"cassette {__version__}"


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_a_summary_and_runnable_examples(name: str) -> None:
    import importlib

    module = importlib.import_module(COMMANDS[name])
    summary = (module.command.__doc__ or "").strip().splitlines()
    assert summary and summary[0].endswith("."), f"{name}: no one-line summary"
    assert 1 <= len(module.EXAMPLES) <= 3
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    for example in module.EXAMPLES:
        assert example.startswith(f"cassette {name} ")
        assert "sample_cassettes" in example
        assert " ".join(example.split()[:3]) in " ".join(result.stdout.split())


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_example_runs_on_a_fresh_checkout(name: str, tmp_path) -> None:
    """Examples must not fail with a usage or read error (exit 2) on sample_cassettes."""
    import importlib
    import shlex
    import shutil

    shutil.copytree(REPO_ROOT / "sample_cassettes", tmp_path / "sample_cassettes")
    module = importlib.import_module(COMMANDS[name])
    for example in module.EXAMPLES:
        args = shlex.split(example)[1:]
        completed = subprocess.run(
            [sys.executable, "-m", "cli", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode in (0, 1), f"{example}: {completed.stderr}"
        assert "Traceback" not in completed.stderr


def test_startup_does_not_import_heavy_modules() -> None:
    heavy = (
        "deepdiff",
        "rich",
        "rich.console",
        "yaml",
        "cli.core.transcript.reassemble",
        "cli.core.wire",
    )
    code = f"import sys, cli.app; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_unknown_command_is_one_line_exit_2() -> None:
    result = run("frobnicate")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "frobnicate" in result.stderr


def test_no_arguments_shows_help() -> None:
    """Bare `cassette`: the help on stdout, listing every command; exit 2, a usage error."""
    result = run()
    assert result.exit_code == 2
    assert "Usage: cassette [OPTIONS] COMMAND" in result.stdout
    for name in ("show", "ls", "validate", "diff", "scrub", "rename-model", "merge"):
        assert name in result.stdout
