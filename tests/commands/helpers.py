"""Running the CLI in-process, the way a user would from a shell."""

from __future__ import annotations

import fcntl
import re
import shutil
import termios
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cli.app import app

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = REPO_ROOT / "sample_cassettes"


def run(*args: str | Path):
    """Invoke `cassette ARGS...`; stdout and stderr are captured separately."""
    return CliRunner().invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def copy_samples(target: Path, vcr: bool = False) -> Path:
    """A private copy of sample_cassettes/ under tmp_path: tests never touch the originals.
    Only the llama-stack samples unless `vcr`: most editing tests are about those (the VCR
    ones have their own, in test_edit_vcr.py and test_replay_vcr.py)."""
    destination = target / "samples"
    shutil.copytree(SAMPLES, destination, ignore=None if vcr else shutil.ignore_patterns("*.y*ml"))
    return destination


@dataclass
class Terminal:
    """What a run in a pseudo-terminal showed: the terminal's bytes (stdout and stderr
    both, unless stdout was piped), stdout when piped, and the exit code."""

    code: int
    screen: str
    stdout: str = ""

    @property
    def text(self) -> str:
        """The screen without escape sequences or carriage returns."""
        return ESCAPES.sub("", self.screen).replace("\r", "")


ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
STYLES = re.compile(r"\x1b\[[0-9;]*m")  # color, bold, italic, dim...


def run_in_terminal(
    *args: str | Path,
    env: dict[str, str] | None = None,
    columns: int = 100,
    pipe_stdout: bool = False,
    cwd: Path | None = None,
    stdout_to: Path | None = None,
) -> Terminal:
    """`cassette ARGS` as a person runs it: stderr (and stdout, unless `pipe_stdout` or
    `stdout_to` a file) on a pseudo-terminal `columns` wide. The environment is clean of
    CI and color settings, plus `env`."""
    import os
    import pty
    import struct
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if k not in TERMINAL_VARIABLES}
    base.update({"TERM": "xterm-256color", "COLUMNS": str(columns)}, **(env or {}))
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    out: Any = follower
    if pipe_stdout:
        out = subprocess.PIPE
    elif stdout_to is not None:
        out = stdout_to.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", *map(str, args)],
        stdin=follower,
        stdout=out,
        stderr=follower,
        env=base,
        cwd=cwd or REPO_ROOT,
    )
    os.close(follower)
    piped: list[bytes] = []
    if pipe_stdout:  # drained as it comes: a full pipe would stop the writer for good
        assert process.stdout is not None
        reader = threading.Thread(target=lambda: piped.append(process.stdout.read()))
        reader.start()
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: every writer to the terminal is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    if pipe_stdout:
        reader.join(timeout=120)
    code = process.wait(timeout=120)
    os.close(leader)
    if stdout_to is not None:
        out.close()
    return Terminal(code, b"".join(chunks).decode("utf-8", "replace"), b"".join(piped).decode())


TERMINAL_VARIABLES = ("CI", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM")
