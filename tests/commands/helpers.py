"""Running the CLI in-process, the way a user would from a shell."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = REPO_ROOT / "sample_cassettes"


def run(*args: str | Path):
    """Invoke `cassette ARGS...`; stdout and stderr are captured separately."""
    return CliRunner().invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def copy_samples(target: Path) -> Path:
    """A private copy of sample_cassettes/ under tmp_path: tests never touch the originals."""
    destination = target / "samples"
    shutil.copytree(SAMPLES, destination)
    return destination
