"""cassette validate: formats, exit codes, settings from pyproject.toml, the corpus, and
the pre-commit hook run by the real `pre-commit` tool."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli.config import find_pyproject
from tests.commands.helpers import REPO_ROOT, SAMPLES, copy_samples, run

SOL = "databricks-chat-stream-sol.json"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from tmp_path: output paths are relative, and no pyproject.toml is found above
    it unless a test writes one."""
    monkeypatch.chdir(tmp_path)


def report(*args: str | Path) -> dict:
    result = run("validate", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def broken(tmp_path: Path) -> Path:
    """A truncated copy of a sample: invalid JSON on line 1."""
    path = tmp_path / "broken.json"
    raw = (SAMPLES / SOL).read_bytes()
    path.write_bytes(raw[:200])
    return path


# output ----------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
def test_text_output_matches_golden(tmp_path: Path, golden) -> None:
    """What to act on comes first: the error, then the warning of a file walked before it
    (a duplicate), then the counts; the C005 info findings are only counted."""
    samples = copy_samples(tmp_path)
    broken(samples)
    shutil.copy(samples / SOL, samples / "a-copy.json")
    result = run("validate", "samples")
    assert result.exit_code == 1
    assert result.stderr == ""
    golden("validate/samples.txt", result.stdout)
    lines = result.stdout.splitlines()
    assert lines[0] == "samples/broken.json"
    assert lines[2] == "samples/databricks-chat-stream-sol.json"
    assert "L003" in lines[3] and "C005" not in result.stdout.split("\n\n")[0]
    assert lines[-1] == (
        "Checked 16 files: 1 error, 1 warning in 2 files; 10 info (--show-info lists them); "
        "fails at --fail-on error."
    )


@pytest.mark.usefixtures("cli_env")
def test_show_info_lists_info_findings_last(tmp_path: Path, golden) -> None:
    samples = copy_samples(tmp_path)
    broken(samples)
    result = run("validate", "samples", "--show-info")
    assert result.exit_code == 1
    golden("validate/samples-show-info.txt", result.stdout)
    listed = [line.split()[1] for line in result.stdout.split("\n\n")[0].splitlines()[1::2]]
    assert listed == ["error"] + ["info"] * 10
    assert result.stdout.splitlines()[-1] == (
        "Checked 15 files: 1 error, 0 warnings in 1 file; 10 info; fails at --fail-on error."
    )
    # --fail-on info lists them too: what fails the run is always shown.
    failing = run("validate", "samples", "--fail-on", "info")
    assert failing.stdout == result.stdout.replace("--fail-on error", "--fail-on info")


def test_samples_pass_with_info_only(tmp_path: Path) -> None:
    copy_samples(tmp_path)
    document = report("samples")
    summary = document["summary"]
    assert summary == {
        "files": 14,
        "files_with_findings": 10,
        "errors": 0,
        "warnings": 0,
        "info": 10,
        "by_rule": {"C005": 10},
        "fail_on": "error",
        "failed": False,
    }
    finding = document["findings"][0]
    assert set(finding) == {"rule", "code", "severity", "path", "pointer", "message", "line"}
    assert finding["rule"] == "doubled-url-prefix"
    assert finding["path"].startswith("samples/")
    assert run("validate", "samples").exit_code == 0


def test_an_unparseable_file_is_a_finding_not_an_error(tmp_path: Path) -> None:
    result = run("validate", broken(tmp_path), "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["line"], finding["pointer"]) == ("S001", 1, "")
    assert "column" in finding["message"]


def test_github_annotations(tmp_path: Path) -> None:
    copy_samples(tmp_path)
    broken(tmp_path / "samples")
    result = run("validate", "samples", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::error file=samples/broken.json,line=1,title=S001 not-json::")
    assert len(lines) == 1  # the info findings (C005) are counted, not annotated
    assert "Checked 15 files" in result.stderr and "10 info (--show-info" in result.stderr
    lines = run("validate", "samples", "--format", "github", "--show-info").stdout.splitlines()
    assert lines[1] == (
        "::notice file=samples/cerebras-chat-stream-capital.json,line=1,"
        "title=C005 doubled-url-prefix::/request/url: URL path "
        '"/v1/v1/chat/completions" repeats /v1/: the base URL already ended in /v1; '
        "harmless for replay, and the hash covers this path, so leave it"
    )
    assert len(lines) == 11


def test_github_escapes_newlines_commas_and_colons() -> None:
    from cli.core.rules import Finding
    from cli.render.validate import annotation

    finding = Finding("S001", "error", "a,b:c.json", "", "one\ntwo 100%", 3)
    assert annotation(finding) == (
        "::error file=a%2Cb%3Ac.json,line=3,title=S001 not-json::one%0Atwo 100%25"
    )


# exit codes and flags --------------------------------------------------------------


def test_fail_on_threshold(tmp_path: Path) -> None:
    copy_samples(tmp_path)
    shutil.copy(tmp_path / "samples" / SOL, tmp_path / "samples" / "copy.json")  # L003
    assert run("validate", "samples").exit_code == 0
    assert run("validate", "samples", "--fail-on", "warning").exit_code == 1
    assert run("validate", "samples", "--fail-on", "info", "--ignore", "L").exit_code == 1
    assert run("validate", "samples", "--fail-on", "warning", "--ignore", "L003").exit_code == 0


def test_select_and_ignore(tmp_path: Path) -> None:
    copy_samples(tmp_path)
    broken(tmp_path / "samples")
    assert report("samples", "--select", "S")["summary"]["by_rule"] == {"S001": 1}
    assert report("samples", "--select", "c,T", "--select", "K")["summary"]["by_rule"] == {
        "C005": 10
    }
    assert report("samples", "--ignore", "C005,S001")["summary"]["by_rule"] == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "X1"], "--select: no rule code starts with X1"),
        (["--ignore", "S1"], "--ignore: no rule code starts with S1"),
        (["--fail-on", "fatal"], "fatal"),
        (["--hash-scheme", "2024"], "2024"),
        (["nope.json"], "no such file or directory: nope.json"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    copy_samples(tmp_path)
    result = run("validate", "samples", *args) if args[0] != "nope.json" else run("validate", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


# pyproject.toml ------------------------------------------------------------------


def pyproject(tmp_path: Path, table: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[project]\nname = 'x'\n\n[tool.cassette.validate]\n{table}\n")
    return path


def test_settings_from_pyproject_and_flags_override(tmp_path: Path) -> None:
    copy_samples(tmp_path)
    broken(tmp_path / "samples")
    pyproject(tmp_path, 'select = ["C"]\nfail-on = "info"\nhash-scheme = "none"')
    result = run("validate", "samples", "--format", "json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)["summary"]
    assert (summary["by_rule"], summary["fail_on"]) == ({"C005": 10}, "info")
    assert report("samples", "--select", "S")["summary"]["by_rule"] == {"S001": 1}
    assert run("validate", "samples", "--fail-on", "error", "--select", "C").exit_code == 0
    pyproject(tmp_path, 'ignore = ["C005", "S"]')
    nested = tmp_path / "samples"
    os.chdir(nested)  # found from a subdirectory too
    assert run("validate", ".").exit_code == 0
    assert find_pyproject(nested) == tmp_path / "pyproject.toml"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('fail_on = "warning"', "fail_on: unknown setting; the settings are select, ignore"),
        ('fail-on = "fatal"', "fail-on: 'fatal' is not one of info, warning, error"),
        ("hash-scheme = 2025", "hash-scheme: 2025 is not one of auto, 2025, 2026, none"),
        ('select = "K"', 'select: should be a list of strings, like ["K", "L001"]'),
        ('ignore = ["Q"]', "ignore: no rule code starts with Q"),
        ("select = [", "not valid TOML"),
    ],
)
def test_bad_settings_name_the_file_and_key(table: str, message: str, tmp_path: Path) -> None:
    copy_samples(tmp_path)
    path = pyproject(tmp_path, table)
    result = run("validate", "samples")
    assert result.exit_code == 2
    assert str(path) in result.stderr and message in result.stderr
    assert "[tool.cassette.validate]" in result.stderr or "TOML" in result.stderr


# the corpus ------------------------------------------------------------------------


@pytest.mark.corpus
def test_whole_corpus_as_json(corpus_dir: Path) -> None:
    result = run("validate", corpus_dir, "--format", "json", "--glob", "*.json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert (summary["files"], summary["errors"], summary["failed"]) == (524, 0, False)
    assert summary["by_rule"] == {"C005": 384, "C009": 1, "L002": 4, "L004": 5}
    assert run("validate", corpus_dir, "--fail-on", "warning", "--glob", "*.json").exit_code == 1


@pytest.mark.corpus
def test_whole_vcr_corpus(corpus_dir: Path) -> None:
    """Only real problems (README, validate): one AWS session token, response
    Content-Lengths that disagree, one hand-edited request body. Organization ids and
    Cloudflare cookies are counted as info (K005)."""
    result = run("validate", corpus_dir / "vcr", "--format", "json")
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    summary = report["summary"]
    assert summary["files"] == 175 and summary["warnings"] == 0
    assert summary["by_rule"] == {"K001": 1, "K005": 246, "V004": 1, "V005": 6}
    [token] = [f for f in report["findings"] if f["code"] == "K001"]
    assert token["pointer"] == "/interactions/0/request/headers/X-Amz-Security-Token"
    assert all(f["line"] and f["pointer"].startswith("/interactions/") for f in report["findings"])
    assert result.stderr.count("not a cassette") == 2  # pydantic-ai's gRPC recordings


# pre-commit --------------------------------------------------------------------------


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def snapshot_of_this_project(target: Path) -> Path:
    """The project's files as a fresh one-commit git repo. `pre-commit try-repo` installs a
    hook repository from a git commit (with a dirty working tree it commits only tracked
    changes), so a snapshot makes the test the same on a clean CI checkout and on a tree
    with work in progress."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO_ROOT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO_ROOT / "cli", target / "cli", ignore=ignore)
    git("init", "-q", cwd=target)
    git("add", ".", cwd=target)
    git("commit", "-q", "-m", "snapshot", cwd=target)
    return target


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.slow
def test_pre_commit_hook_passes_good_and_fails_bad_cassettes(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed in this environment")
    hooks = snapshot_of_this_project(tmp_path / "hook-repo")
    project = tmp_path / "project"
    (project / "recordings").mkdir(parents=True)
    shutil.copy(SAMPLES / SOL, project / "recordings" / "good.json")
    broken(project / "recordings").rename(project / "recordings" / "bad.json")
    git("init", "-q", cwd=project)
    git("add", ".", cwd=project)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_CACHE_DIR": str(tmp_path / "pip-cache"),
        "VIRTUALENV_OVERRIDE_APP_DATA": str(tmp_path / "virtualenv-data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        command = [str(pre_commit), "try-repo", str(hooks), "cassette-validate", "--files"]
        return subprocess.run(
            [*command, *files], cwd=project, env=env, capture_output=True, text=True
        )

    started = time.monotonic()
    good = try_repo("recordings/good.json")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "cassette validate" in good.stdout and "Passed" in good.stdout
    bad = try_repo("recordings/good.json", "recordings/bad.json")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "S001" in bad.stdout and "recordings/bad.json" in bad.stdout
    print(f"pre-commit try-repo, install and two runs: {time.monotonic() - started:.0f} s")


def test_text_is_colored_only_when_asked() -> None:
    import io

    from cli.core.rules import Finding, Settings, Tally
    from cli.render.validate import TextReport

    finding = Finding("S001", "error", "x.json", "", "invalid JSON", 1)
    for color in (True, False):
        stream = io.StringIO()
        text = TextReport(color, stream)
        text.file(Path("x.json"), [finding])
        tally = Tally()
        tally.add([finding])
        text.finish(tally, Settings())
        assert ("\x1b[1;31merror  \x1b[0m" in stream.getvalue()) is color
        assert ("\x1b[" in stream.getvalue()) is color
