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


def copy_samples(target: Path, vcr: bool = False) -> Path:
    """A private copy of sample_cassettes/ under tmp_path: tests never touch the originals.
    Only the llama-stack samples unless `vcr`: most editing tests are about those (the VCR
    ones have their own, in test_edit_vcr.py and test_replay_vcr.py)."""
    destination = target / "samples"
    shutil.copytree(SAMPLES, destination, ignore=None if vcr else shutil.ignore_patterns("*.y*ml"))
    return destination
