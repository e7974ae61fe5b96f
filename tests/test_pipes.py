"""A reader that stops early (`| head -1`) is no failure: exit 0, nothing on stderr.

Each command runs through a real shell pipeline over the llama-stack corpus, whose
output is far larger than a pipe's buffer, so the writer always outlives the reader.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands.helpers import REPO_ROOT

COMMANDS = [
    ["show", "{corpus}"],
    ["show", "{corpus}", "--plain"],
    ["show", "{corpus}", "--raw"],
    ["show", "{corpus}", "--format", "json"],
    ["ls", "{corpus}"],
    ["ls", "{corpus}", "--format", "json"],
    ["validate", "{corpus}", "--format", "json"],
    ["validate", "{corpus}", "--show-info"],
    ["retime", "{corpus}", "--epoch", "--dry-run"],
    ["normalize", "{corpus}", "--check", "--format", "json"],
]


def piped(args: list[str], err: Path, reader: str = "head -1") -> tuple[int, str, str]:
    """`cassette ARGS 2>ERR | READER` in bash: cassette's own exit status (PIPESTATUS),
    what the reader printed, and cassette's stderr."""
    cassette = shlex.join([sys.executable, "-m", "cli", *args])
    script = f'{cassette} 2>"$ERR" | {reader}; echo "status=${{PIPESTATUS[0]}}"'
    completed = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", "ERR": str(err), "HOME": "/nonexistent"},
        check=True,
        timeout=120,
    )
    *shown, status = completed.stdout.splitlines()
    return int(status.removeprefix("status=")), "\n".join(shown), err.read_text()


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args[:1] + args[2:]))
def test_a_reader_that_quits_early_is_no_failure(
    args: list[str], corpus_dir: Path, tmp_path: Path
) -> None:
    corpus = corpus_dir / "llama-stack-2025-09"
    status, shown, stderr = piped([arg.format(corpus=corpus) for arg in args], tmp_path / "err")
    assert shown.strip(), "the reader got its first line"
    assert status == 0
    assert stderr == ""


def test_pipefail_sees_success(corpus_dir: Path) -> None:
    """The same with `set -o pipefail`, as CI scripts run it."""
    cassette = shlex.join([sys.executable, "-m", "cli", "show", str(corpus_dir / "vcr")])
    completed = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {cassette} | head -1"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
        timeout=120,
    )
    # The VCR corpus has two YAML files that aren't cassettes: their notes come first.
    assert completed.returncode == 0, completed.stderr
    assert all(line.endswith("passed over") for line in completed.stderr.splitlines())
