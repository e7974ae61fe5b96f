"""cassette diff: exit codes, text (golden) and JSON output, libraries, and git textconv."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands.helpers import REPO_ROOT, SAMPLES, run
from tests.core.diff.test_diff import (
    N2,
    SOL,
    TOOL,
    load,
    rechunked,
    with_arguments,
    with_new_ids,
    with_text,
    write,
)

JSON = ("--format", "json")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the samples as `sample_cassettes/`, and the current directory
    there, so that paths in the output are short and the same on every machine."""
    shutil.copytree(SAMPLES, tmp_path / "sample_cassettes")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sample(name: str) -> str:
    return f"sample_cassettes/{name}"


# two files -------------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env", "work")
def test_a_cassette_against_itself_has_no_differences(golden) -> None:
    result = run("diff", sample(SOL), sample(SOL))
    assert result.exit_code == 0
    assert "no differences" in result.stdout
    assert result.stderr == ""
    golden("diff/identical.txt", result.stdout)


@pytest.mark.usefixtures("cli_env", "work")
def test_seed_000_vs_001(golden) -> None:
    result = run("diff", sample(SOL), sample(N2))
    assert result.exit_code == 1
    out = result.stdout
    assert (
        "~ model: databricks-meta-llama-3-3-70b-instruct -> meta-llama/Llama-3.2-1B-Instruct" in out
    )
    assert "+ n: 2" in out
    assert "+ choice 1: The Latin word for the Sun is Sol." in out
    assert '~ choice 0 text: The Latin name for the Sun is [-"Sol".-]{+Sol.+}' in out
    golden("diff/seed-000-vs-001.txt", out)


def test_seed_000_vs_001_json() -> None:
    result = run("diff", SAMPLES / SOL, SAMPLES / N2, *JSON)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert set(document) == {"old", "new", "strict", "ignore", "summary", "files"}
    assert document["summary"] == {
        "added": 0,
        "removed": 0,
        "changed": 1,
        "unchanged": 0,
        "renamed": 0,
        "errors": 0,
    }
    (entry,) = document["files"]
    assert set(entry) == {"old", "new", "status", "renamed", "changes", "omitted", "error"}
    assert entry["status"] == "changed"
    text = next(c for c in entry["changes"] if c["field"] == "choice 0 text")
    assert set(text) == {"section", "field", "kind", "old", "new", "path", "words"}
    assert ["-", '"Sol".'] in text["words"] and ["+", "Sol."] in text["words"]


@pytest.mark.parametrize("variant", [with_new_ids, rechunked], ids=["new-ids", "rechunked"])
def test_noise_is_ignored_by_default_and_seen_with_strict(tmp_path: Path, variant) -> None:
    copy = write(tmp_path / "copy.json", variant(load(SOL)))
    assert run("diff", SAMPLES / SOL, copy).exit_code == 0
    strict = run("diff", SAMPLES / SOL, copy, "--strict", *JSON)
    assert strict.exit_code == 1
    changes = json.loads(strict.stdout)["files"][0]["changes"]
    assert all(change["section"] == "json" for change in changes)
    assert all(change["field"].startswith("/response/body/") for change in changes)


@pytest.mark.usefixtures("cli_env", "work")
def test_a_changed_tool_argument_is_named(golden) -> None:
    write(Path("paris.json"), with_arguments(load(TOOL), {"location": "Paris"}))
    result = run("diff", sample(TOOL), "paris.json")
    assert result.exit_code == 1
    assert 'location: "San Francisco, CA" -> "Paris"' in result.stdout
    golden("diff/tool-argument.txt", result.stdout)


@pytest.mark.usefixtures("cli_env", "work")
def test_strict_lists_raw_json_pointers(golden) -> None:
    write(Path("rerecorded.json"), with_new_ids(load(TOOL)))
    result = run("diff", sample(TOOL), "rerecorded.json", "--strict")
    assert result.exit_code == 1
    assert "/response/body/0/__data__/id" in result.stdout
    golden("diff/strict-new-ids.txt", result.stdout)


@pytest.mark.usefixtures("cli_env", "work")
def test_strict_adds_the_raw_changes_below_the_meaningful_ones() -> None:
    write(Path("helios.json"), with_new_ids(with_text(load(SOL), '"Sol"', '"Helios"')))
    result = run("diff", sample(SOL), "helios.json", "--strict")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    meaning, raw = lines.index("response"), lines.index("raw JSON")
    assert meaning < raw
    assert "choice 0 text: The Latin name for the Sun is" in lines[meaning + 1]
    assert any("/__data__/id:" in line for line in lines[raw:])
    document = json.loads(run("diff", sample(SOL), "helios.json", "--strict", *JSON).stdout)
    sections = [change["section"] for change in document["files"][0]["changes"]]
    assert sections[0] == "response" and set(sections[1:]) == {"json"}


LONG_ID = (
    "tests/integration/inference/test_rerank.py::test_rerank_with_many_documents"
    "[txt=vllm/Qwen/Qwen3-Embedding-0.6B-rerank=vllm/Qwen/Qwen3-Reranker-{}]"
)


@pytest.mark.usefixtures("cli_env")
def test_long_values_show_where_they_differ(tmp_path: Path) -> None:
    """Two test ids of 140 characters that differ near the end: both sides are cut alike
    before the difference, not at the same 120 characters."""
    old, new = load(SOL), load(SOL)
    old["test_id"], new["test_id"] = LONG_ID.format("0.6B"), LONG_ID.format("4B")
    write(tmp_path / "old.json", old)
    write(tmp_path / "new.json", new)
    result = run("diff", tmp_path / "old.json", tmp_path / "new.json")
    [line] = [line for line in result.stdout.splitlines() if "test id" in line]
    before, after = line.split(": ", 1)[1].split(" -> ")
    assert before.startswith("…") and before.endswith("Qwen3-Reranker-0.6B]")
    assert after.startswith("…") and after.endswith("Qwen3-Reranker-4B]")
    assert before[:30] == after[:30]  # cut at the same place
    # A difference near the start keeps the start; a long tail is cut at the end.
    old["test_id"], new["test_id"] = "a" + "x" * 200, "b" + "x" * 200
    write(tmp_path / "old.json", old)
    write(tmp_path / "new.json", new)
    result = run("diff", tmp_path / "old.json", tmp_path / "new.json")
    [line] = [line for line in result.stdout.splitlines() if "test id" in line]
    assert f"test id: a{'x' * 118}… -> b{'x' * 118}…" in line


def test_ignore_skips_a_pointer(tmp_path: Path) -> None:
    warmer = load(TOOL)
    warmer["request"]["body"]["temperature"] = 0.9
    copy = write(tmp_path / "warmer.json", warmer)
    assert run("diff", SAMPLES / TOOL, copy).exit_code == 1
    ignore = ("--ignore", "/request/body/temperature")
    assert run("diff", SAMPLES / TOOL, copy, *ignore).exit_code == 0
    result = run("diff", SAMPLES / TOOL, copy, *ignore, "--ignore", "/x/*/y", "--strict", *JSON)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["ignore"] == ["/request/body/temperature", "/x/*/y"]
    assert document["files"] == []


@pytest.mark.parametrize(
    "args, message",
    [
        (("missing.json", SAMPLES / SOL), "missing.json: no such file"),
        ((SAMPLES, "missing"), "missing: no such file or directory"),
        ((SAMPLES, SAMPLES / SOL), "two files or two directories"),
        ((SAMPLES / SOL, SAMPLES / SOL, "--ignore", "request/body"), "not a JSON pointer"),
    ],
)
def test_errors_are_one_line_and_exit_2(tmp_path: Path, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("diff", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_a_json_file_that_is_not_a_cassette_exits_2(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text('{"hello": "world"}')
    result = run("diff", SAMPLES / SOL, tmp_path / "other.json")
    assert result.exit_code == 2
    assert '"request" is missing' in result.stderr


@pytest.mark.usefixtures("work")
def test_examples_run() -> None:
    from cli.commands.diff import EXAMPLES

    assert 1 <= len(EXAMPLES) <= 3
    for example in EXAMPLES:
        args = example.split()[1:]
        assert run(*[a.strip("'") for a in args]).exit_code in (0, 1), example


# libraries -------------------------------------------------------------------------------


@pytest.fixture
def two_libraries(tmp_path: Path) -> tuple[Path, Path]:
    """old: 000, 001, 002, 003. new: 000 changed, 001 renamed (in its folder), 002 removed,
    003 as it was, and a model list added."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    for name in (SOL, N2, "cerebras-chat-stream-capital.json", TOOL):
        shutil.copy(SAMPLES / name, old / name)
    new.mkdir()
    write(new / SOL, with_text(load(SOL), '"Sol"', '"Helios"'))
    shutil.copy(SAMPLES / N2, new / f"renamed-{N2}")
    shutil.copy(SAMPLES / TOOL, new / TOOL)
    shutil.copy(SAMPLES / "openai-model-list.json", new / "openai-model-list.json")
    return old, new


@pytest.mark.usefixtures("cli_env")
def test_library_text(two_libraries, golden, monkeypatch) -> None:
    monkeypatch.chdir(two_libraries[0].parent)
    result = run("diff", "old", "new")
    assert result.exit_code == 1
    golden("diff/library.txt", result.stdout)
    stat = run("diff", "old", "new", "--stat")
    assert stat.exit_code == 1
    # Each file once: the renamed one is not among the unchanged.
    assert stat.stdout == "1 added, 1 removed, 1 changed, 1 renamed, 1 unchanged\n"


def test_summary_counts_a_renamed_file_once(tmp_path: Path) -> None:
    """A file renamed and changed is `renamed (1 of them changed)`, not also `changed`;
    the JSON summary keeps counting every file under its status."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    for name in (SOL, TOOL):
        shutil.copy(SAMPLES / name, old / name)
    write(new / f"moved-{SOL}", with_text(load(SOL), '"Sol"', '"Helios"'))
    shutil.copy(SAMPLES / TOOL, new / TOOL)
    stat = run("diff", old, new, "--stat")
    assert (
        stat.stdout == "0 added, 0 removed, 0 changed, 1 renamed (1 of them changed), 1 unchanged\n"
    )
    summary = json.loads(run("diff", old, new, *JSON).stdout)["summary"]
    assert (summary["changed"], summary["renamed"], summary["unchanged"]) == (1, 1, 1)


def test_library_json(two_libraries) -> None:
    old, new = two_libraries
    result = run("diff", old, new, *JSON)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["summary"] == {
        "added": 1,
        "removed": 1,
        "changed": 1,
        "unchanged": 2,
        "renamed": 1,
        "errors": 0,
    }
    entries = {(f["old"], f["new"]): (f["status"], f["renamed"]) for f in document["files"]}
    assert entries == {
        (SOL, SOL): ("changed", False),
        (N2, f"renamed-{N2}"): ("unchanged", True),
        ("cerebras-chat-stream-capital.json", None): ("removed", False),
        (None, "openai-model-list.json"): ("added", False),
    }
    stat = json.loads(run("diff", old, new, "--stat", *JSON).stdout)
    assert "files" not in stat and stat["summary"] == document["summary"]


def test_identical_libraries(two_libraries) -> None:
    old, _ = two_libraries
    result = run("diff", old, old)
    assert result.exit_code == 0
    assert "no differences" in result.stdout


@pytest.mark.corpus
def test_corpus_against_an_edited_copy(corpus_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "corpus"
    shutil.copytree(corpus_dir, copy)
    names = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*.json"))
    removed, renamed = names[0], names[1]
    changed = next(name for name in names[2:] if _streamed_text_chunk(copy / name) is not None)
    (copy / removed).unlink()
    renamed_to = str(Path(renamed).with_name("renamed-" + Path(renamed).name))
    (copy / renamed).rename(copy / renamed_to)
    data = json.loads((copy / changed).read_text())
    chunk = _streamed_text_chunk(copy / changed)
    assert chunk is not None
    data["response"]["body"][chunk]["__data__"]["choices"][0]["delta"]["content"] += " Edited."
    write(copy / changed, data)
    shutil.copy(SAMPLES / TOOL, copy / "added.json")

    result = run("diff", corpus_dir, copy, *JSON, "--glob", "*.json")
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["summary"] == {
        "added": 1,
        "removed": 1,
        "changed": 1,
        "unchanged": len(names) - 2,
        "renamed": 1,
        "errors": 0,
    }
    entries = {(f["old"], f["new"]): (f["status"], f["renamed"]) for f in document["files"]}
    assert entries == {
        (removed, None): ("removed", False),
        (None, "added.json"): ("added", False),
        (renamed, renamed_to): ("unchanged", True),
        (changed, changed): ("changed", False),
    }
    (edited,) = [f for f in document["files"] if f["status"] == "changed"]
    assert [c["field"] for c in edited["changes"]] == ["choice 0 text"]
    words = edited["changes"][0]["words"]
    assert any(op == "+" and "Edited." in text for op, text in words)


def _streamed_text_chunk(path: Path) -> int | None:
    """The position of the first streamed chat chunk with text in choice 0, if any."""
    data = json.loads(path.read_text())
    body = data["response"].get("body")
    if not isinstance(body, list):
        return None
    for position, item in enumerate(body):
        payload = item.get("__data__") if isinstance(item, dict) else None
        choices = payload.get("choices") if isinstance(payload, dict) else None
        if not payload or payload.get("object") != "chat.completion.chunk" or not choices:
            continue
        if choices[0].get("index") == 0 and (choices[0].get("delta") or {}).get("content"):
            return position
    return None


@pytest.mark.corpus
def test_corpus_against_a_reindented_copy_uses_workers(corpus_dir: Path, tmp_path: Path) -> None:
    """Every file's bytes differ, so every pair is parsed and compared (on the pool)."""
    copy = tmp_path / "corpus"
    for path in corpus_dir.rglob("*.json"):
        target = copy / path.relative_to(corpus_dir)
        write(target, json.loads(path.read_text()))
    result = run("diff", corpus_dir, copy, "--stat", *JSON, "--glob", "*.json")
    assert result.exit_code == 0, result.stdout
    summary = json.loads(result.stdout)["summary"]
    assert summary["unchanged"] == sum(1 for _ in corpus_dir.rglob("*.json"))


# git textconv ----------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_diff_through_show_plain_shows_the_conversation(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        **os.environ,
        "HOME": str(tmp_path),  # no user or system git config leaks in
        "GIT_CONFIG_NOSYSTEM": "1",
        "PYTHONPATH": str(REPO_ROOT),
    }

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    git("init", "-q")
    git("config", "diff.cassette.textconv", f"{sys.executable} -m cli show --plain")
    (repo / ".gitattributes").write_text("*.json diff=cassette\n")
    shutil.copy(SAMPLES / SOL, repo / "sol.json")
    git("add", ".")
    git("commit", "-q", "-m", "record")
    write(repo / "sol.json", with_text(load(SOL), '"Sol"', '"Helios"'))

    diff = git("diff")
    assert '-The Latin name for the Sun is "Sol".' in diff
    assert '+The Latin name for the Sun is "Helios".' in diff
    assert "__data__" not in diff and "chatcmpl" not in diff
    raw = git("diff", "--no-textconv")
    assert "__data__" in raw  # without the driver, git shows the JSON


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_diff_through_show_plain_shows_a_changed_non_cassette_json(tmp_path: Path) -> None:
    """Issue 10, case 2: with the README's textconv setup, changing llama-stack's
    `ci_matrix.json` made `git diff` and `git log -p` fail (show --plain exited 2)."""
    repo = tmp_path / "repo"
    (repo / "recordings").mkdir(parents=True)
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PYTHONPATH": str(REPO_ROOT),
    }

    def git(*args: str) -> str:
        done = run_git(repo, env, *args)
        assert "cassette" not in done.stderr, done.stderr
        return done.stdout

    git("init", "-q")
    git("config", "diff.cassette.textconv", f"{sys.executable} -m cli show --plain")
    (repo / ".gitattributes").write_text("*.json diff=cassette\n")
    matrix = repo / "ci_matrix.json"
    matrix.write_text('{\n  "default": [\n    {"suite": "base", "setup": "ollama"}\n  ]\n}\n')
    shutil.copy(SAMPLES / SOL, repo / "recordings" / "sol.json")
    git("add", ".")
    git("commit", "-q", "-m", "record")
    matrix.write_text('{\n  "default": [\n    {"suite": "base", "setup": "vllm"}\n  ]\n}\n')
    write(repo / "recordings" / "sol.json", with_text(load(SOL), '"Sol"', '"Helios"'))

    diff = git("diff")
    assert '-    {"suite": "base", "setup": "ollama"}' in diff
    assert '+    {"suite": "base", "setup": "vllm"}' in diff
    assert '+The Latin name for the Sun is "Helios".' in diff  # cassettes still as text
    git("commit", "-q", "-am", "change")
    log = git("log", "-p")
    assert '+    {"suite": "base", "setup": "vllm"}' in log


# pairing renamed model lists (issue 10, case 1) --------------------------------------------

BEDROCK_LIST = "llama-stack-2026-05-sample/common/recordings/" + (
    "models-64a2277c90f0f42576f60c1030e3a020403d34a95f56931b792d5939f4cebc57-31ec6c83.json"
)
OPENAI_LIST = "llama-stack-2026-05-sample/openresponses/recordings/" + (
    "models-64a2277c90f0f42576f60c1030e3a020403d34a95f56931b792d5939f4cebc57-489e004e.json"
)
OLLAMA_LIST = "llama-stack-2025-09/models-bd032f995f2a-7467c0cf.json"


def put_list(root: Path, folder: str, data: dict, test_id: str | None = None) -> str:
    """A model list under its 2026 name (`models-<hash>-<digest8>.json`); returns it."""
    from cli.core.formats.llamastack import hashing

    data = {"test_id": test_id, **{k: v for k, v in data.items() if k != "test_id"}}
    name = hashing.expected_name(data, hashing.SCHEME_2026)
    assert name is not None and name.startswith("models-")
    write(root / folder / name, data)
    return f"{folder}/{name}"


@pytest.mark.corpus
def test_model_lists_pair_only_with_their_true_counterpart(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """Between two revisions: a Bedrock list moved to a new hash (a test was renamed) in
    its folder; an Ollama list was re-recorded there with other models; a Gemini list left
    `responses/` and an OpenAI list arrived in `safety/`. Only the Bedrock move is a pair:
    the old pairing matched any two lists (same empty body), across folders too."""
    bedrock = json.loads((corpus_dir / BEDROCK_LIST).read_text())
    openai = json.loads((corpus_dir / OPENAI_LIST).read_text())
    ollama = json.loads((corpus_dir / OLLAMA_LIST).read_text())
    gemini = json.loads(
        json.dumps(openai).replace("api.openai.com", "generativelanguage.googleapis.com")
    )
    newer_ollama = json.loads(json.dumps(ollama))
    del newer_ollama["response"]["body"][0]
    old, new = tmp_path / "old", tmp_path / "new"
    common = "common/recordings"
    moved_from = put_list(old, common, bedrock)
    moved_to = put_list(new, common, bedrock, "tests/integration/common/test_a.py::test_list")
    ollama_old = put_list(old, common, ollama, "tests/integration/common/test_b.py::test_b")
    ollama_new = put_list(new, common, newer_ollama, "tests/integration/common/test_d.py::test_d")
    gemini_old = put_list(old, "responses/recordings", gemini)
    openai_new = put_list(new, "safety/recordings", openai)
    assert min([moved_to, ollama_new]) != moved_to  # name order would pick the Ollama list

    result = run("diff", old, new, *JSON)
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    entries = {(f["old"], f["new"]): (f["status"], f["renamed"]) for f in document["files"]}
    assert entries == {
        (moved_from, moved_to): ("changed", True),  # its test id
        (ollama_old, None): ("removed", False),
        (gemini_old, None): ("removed", False),
        (None, ollama_new): ("added", False),
        (None, openai_new): ("added", False),
    }


@pytest.mark.corpus
def test_a_re_recorded_model_list_pairs_by_its_hash_and_nothing_pairs_across_folders(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """The same request (hash part) with new models is the same list, changed; the same
    list in another folder is another test's recording: removed + added."""
    openai = json.loads((corpus_dir / OPENAI_LIST).read_text())
    fewer = json.loads(json.dumps(openai))
    del fewer["response"]["body"][:3]
    old, new = tmp_path / "old", tmp_path / "new"
    before = put_list(old, "a/recordings", openai)
    after = put_list(new, "a/recordings", fewer)
    assert before != after and before.rsplit("-", 1)[0] == after.rsplit("-", 1)[0]
    elsewhere = put_list(old, "b/recordings", openai)
    shutil.copy(old / elsewhere, old / "b/recordings" / "copy.json")
    write(new / "c/recordings" / "copy.json", openai)
    document = json.loads(run("diff", old, new, *JSON).stdout)
    entries = {(f["old"], f["new"]): (f["status"], f["renamed"]) for f in document["files"]}
    assert entries == {
        (before, after): ("changed", True),
        (elsewhere, None): ("removed", False),
        ("b/recordings/copy.json", None): ("removed", False),
        (None, "c/recordings/copy.json"): ("added", False),
    }


def test_a_library_walk_passes_over_json_that_is_not_a_cassette(tmp_path: Path) -> None:
    """Issue 10, case 2: `cassette diff` over two revisions exited 2 because of llama-stack's
    `tests/integration/ci_matrix.json`."""
    old, new = tmp_path / "old", tmp_path / "new"
    for root, setup in ((old, "ollama"), (new, "vllm")):
        (root / "inference").mkdir(parents=True)
        shutil.copy(SAMPLES / SOL, root / "inference" / SOL)
        (root / "ci_matrix.json").write_text(json.dumps({"default": [{"setup": setup}]}))
    (new / "only-new.json").write_text("[1, 2]")
    result = run("diff", old, new)
    assert result.exit_code == 0, result.stderr
    assert "no differences" in result.stdout
    assert result.stderr.splitlines() == [
        f"cassette: {old / 'ci_matrix.json'}: not a cassette "
        '(JSON without "request" or "response"); passed over',
        f"cassette: {new / 'only-new.json'}: not a cassette "
        "(its top-level JSON value is a list); passed over",
    ]
    summary = json.loads(run("diff", old, new, *JSON).stdout)["summary"]
    assert summary == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "unchanged": 1,
        "renamed": 0,
        "errors": 0,
        "passed_over": 2,
    }


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_readme_textconv_line_for_a_venv_works_off_the_path(tmp_path: Path) -> None:
    """The README's line for a virtualenv, run as written from the directory that holds
    `.venv`: git finds the driver with no `cassette` on its PATH."""
    [line] = [
        line
        for line in (REPO_ROOT / "README.md").read_text().splitlines()
        if line.startswith("git config diff.cassette.textconv") and ".venv/bin/" in line
    ]
    venv = REPO_ROOT / ".venv" / "bin" / "cassette"
    if not venv.exists():
        pytest.skip("no .venv/bin/cassette in this checkout")
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {"HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}
    assert shutil.which("cassette", path=env["PATH"]) is None

    def git(*args: str) -> str:
        return run_git(repo, env, *args).stdout

    git("init", "-q")
    subprocess.run(  # the README's line, in the directory that holds .venv
        ["bash", "-c", line],
        cwd=REPO_ROOT,
        env={**env, "GIT_DIR": str(repo / ".git")},
        check=True,
    )
    assert git("config", "diff.cassette.textconv") == f"{venv} show --plain\n"
    (repo / ".gitattributes").write_text("*.json diff=cassette\n")
    shutil.copy(SAMPLES / SOL, repo / "sol.json")
    git("add", ".")
    git("commit", "-q", "-m", "record")
    write(repo / "sol.json", with_text(load(SOL), '"Sol"', '"Helios"'))
    assert '+The Latin name for the Sun is "Helios".' in git("diff")


def test_a_lone_surrogate_is_shown_escaped(tmp_path: Path) -> None:
    """A damaged file's key or text may hold a lone surrogate (`\\ud800`): text shows it
    escaped, JSON escapes it; neither crashes (found by test_fuzz)."""
    damaged = tmp_path / "damaged.json"
    text = (SAMPLES / SOL).read_text()
    damaged.write_text(text.replace('{ "request"', '{ "\\ud800extra": "\\ud800 x", "request"', 1))
    shown = run("diff", SAMPLES / SOL, damaged)
    assert shown.exit_code == 1
    assert "  + \\ud800extra: \\ud800 x\n" in shown.stdout
    document = json.loads(run("diff", SAMPLES / SOL, damaged, *JSON).stdout)
    [change] = document["files"][0]["changes"]
    assert (change["field"], change["new"]) == ("\ud800extra", "\ud800 x")


def test_a_lone_surrogate_reaches_a_real_stdout_escaped(tmp_path: Path) -> None:
    """Through a real UTF-8 pipe, not the test runner's buffer: stdout must not refuse
    the character mid-output (it writes `\\ud800`, as stderr does)."""
    damaged = tmp_path / "damaged.json"
    text = (SAMPLES / SOL).read_text()
    damaged.write_text(text.replace('{ "request"', '{ "\\ud800extra": "\\ud800 x", "request"', 1))
    done = subprocess.run(
        [sys.executable, "-m", "cli", "diff", str(SAMPLES / SOL), str(damaged)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert b"  + \\ud800extra: \\ud800 x\n" in done.stdout
    assert b"Traceback" not in done.stderr


def run_git(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """git in `repo`, as a throwaway user; it must succeed."""
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done
