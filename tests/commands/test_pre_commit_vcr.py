"""The pre-commit hooks on VCR.py cassettes, run by the real `pre-commit try-repo` in a
temporary git repository laid out as pytest-recording lays it out: a leaky and a clean
YAML cassette under `tests/cassettes/`, and YAML that is no cassette elsewhere, which the
hooks' default `files:` never hands them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands.helpers import SAMPLES
from tests.commands.test_validate import git, snapshot_of_this_project
from tests.core.rules.test_rules import OPENAI_KEY

CLEAN = SAMPLES / "vcr-openai-chat-stream.yaml"
KEY = OPENAI_KEY
CASSETTES = "tests/cassettes/test_chat"


def leaky(target: Path) -> Path:
    """The clean sample with an API key in its request's Authorization header."""
    text = CLEAN.read_text(encoding="utf-8")
    marker = "      accept:\n"
    assert marker in text
    target.write_text(
        text.replace(marker, f"      authorization:\n      - Bearer {KEY}\n{marker}", 1),
        encoding="utf-8",
    )
    return target


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.slow
def test_hooks_fail_a_leaky_yaml_cassette_and_pass_a_clean_one(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed in this environment")
    hooks = snapshot_of_this_project(tmp_path / "hook-repo")
    project = tmp_path / "project"
    cassettes = project / CASSETTES
    cassettes.mkdir(parents=True)
    shutil.copy(CLEAN, cassettes / "test_clean.yaml")
    leaky(cassettes / "test_leaky.yaml")
    workflows = project / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\njobs: {}\n")  # YAML, no cassette
    git("init", "-q", cwd=project)
    git("add", ".", cwd=project)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_CACHE_DIR": str(tmp_path / "pip-cache"),
        "VIRTUALENV_OVERRIDE_APP_DATA": str(tmp_path / "virtualenv-data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }

    def try_repo(hook: str, *files: str) -> subprocess.CompletedProcess[str]:
        selection = ["--files", *files] if files else ["--all-files"]
        command = [str(pre_commit), "try-repo", str(hooks), hook, *selection]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)

    clean = f"{CASSETTES}/test_clean.yaml"
    for hook in ("cassette-validate", "cassette-scrub"):
        passed = try_repo(hook, clean, ".github/workflows/ci.yml")
        assert passed.returncode == 0, passed.stdout + passed.stderr
        assert "Passed" in passed.stdout
        failed = try_repo(hook)  # every file: the leaky cassette, not the workflow
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert "Failed" in failed.stdout and "test_leaky.yaml" in failed.stdout
        assert "test_clean.yaml" not in failed.stdout and "ci.yml" not in failed.stdout
        assert KEY not in failed.stdout  # masked
    skipped = try_repo("cassette-validate", ".github/workflows/ci.yml")
    assert skipped.returncode == 0 and "no files to check" in skipped.stdout, skipped.stdout
    validate = try_repo("cassette-validate")
    assert "K001" in validate.stdout and "/interactions/0/request/headers/authorization" in (
        validate.stdout
    )
