"""cassette scrub: secrets planted everywhere are gone, files keep their formatting, the
modes, reports and exit codes, settings from pyproject.toml, renames, and failures."""

from __future__ import annotations

import base64
import difflib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from cli.core.edit.scrub import scrub
from cli.core.formats.llamastack import codec, hashing
from cli.core.formats.llamastack.codec import Style
from tests.commands.helpers import REPO_ROOT, SAMPLES, copy_samples, run
from tests.core.secrets.test_secrets import ALL_FAKES, FAKES, HEX, UPPER_DIGITS, rand

pytestmark = pytest.mark.usefixtures("cli_env")

KEY = FAKES["openai-key"][1]
SPLIT = FAKES["anthropic-key"][0]  # streamed a few characters at a time
ARGS_KEY = FAKES["groq-key"][0]  # streamed inside tool-call arguments
PASSWORD, URL_KEY, SESSION = "s3rv1ce-" + rand(12), rand(24), rand(32)
SIGNATURE, AKIA = rand(64, HEX), "AKIA" + rand(16, UPPER_DIGITS)
BASIC = base64.b64encode(b"deploy:" + rand(16).encode()).decode()
BEARER = rand(40)
KEYS = [fake for _, fake in ALL_FAKES]
MARKER = re.compile(r"<REDACTED:[A-Za-z0-9_.-]*>")
SEED_STYLE = Style(indent="  ", collapsed=True, tail=b"")


def chunk(**delta: Any) -> dict[str, Any]:
    return {
        "__type__": "openai.types.chat.chat_completion_chunk.ChatCompletionChunk",
        "__data__": {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
    }


def planted() -> dict[str, Any]:
    """A cassette with a secret in every place scrub looks."""
    url = (
        f"https://svc:{PASSWORD}@myres.openai.azure.com/openai/chat/completions"
        f"?api-version=2024-06-01&api-key={URL_KEY}"
        f"&X-Amz-Credential={AKIA}%2F20250101%2Fus-east-1&X-Amz-Signature={SIGNATURE}"
    )
    every = " ; ".join(KEYS)
    context = f"Authorization: Basic {BASIC}\nAuthorization: Bearer {BEARER}"
    messages = [
        {"role": "system", "content": f"Use these keys: {every}"},
        {"role": "user", "content": [{"type": "text", "text": f"Mine are {every}\n{context}"}]},
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "store", "arguments": json.dumps({"keys": KEYS})},
                }
            ],
        },
    ]
    chunks = [chunk(role="assistant", content="")]
    chunks[0]["__data__"]["sdk_http_response"] = {"headers": {"X-Goog-Api-Key": KEYS[5]}}
    chunks += [chunk(content=f" {key}") for key in KEYS]
    chunks += [chunk(content=SPLIT[i : i + 5]) for i in range(0, len(SPLIT), 5)]
    arguments = json.dumps({"token": ARGS_KEY})
    for i in range(0, len(arguments), 7):
        tool = {"index": 0, "function": {"arguments": arguments[i : i + 7]}}
        chunks.append(chunk(tool_calls=[tool]))
    return {
        "request": {
            "method": "POST",
            "url": url,
            "headers": {
                "AUTHORIZATION": f"Bearer {KEY}",
                "X-Api-KEY": ARGS_KEY,
                "cookie": f"session={SESSION}",
                "Content-Type": "application/json",
            },
            "body": {"model": "gpt-4o", "messages": messages, "stream": True},
            "endpoint": "/v1/chat/completions",
            "model": "gpt-4o",
        },
        "response": {
            "body": chunks,
            "is_streaming": True,
            "headers": {"Set-Cookie": [f"session={SESSION}; Path=/"], "Date": "today"},
        },
    }


def needles(value: str) -> list[bytes]:
    """How a planted value can show up in a file's bytes."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(json.dumps(value))[3:-3]}
    forms |= {line for line in value.splitlines() if len(line) >= 12}
    return [form.encode() for form in forms]


PLANTED = [*KEYS, PASSWORD, URL_KEY, SESSION, SIGNATURE, AKIA, BASIC, BEARER, "myres"]


def leaks(root: Path) -> list[tuple[str, str]]:
    found = []
    for path in sorted(root.rglob("*.json")):
        raw = path.read_bytes()
        found += [(path.name, v[:12]) for v in PLANTED if any(n in raw for n in needles(v))]
    return found


def streamed_text(path: Path) -> str:
    data, _ = codec.read(path)
    text = ""
    for item in data["response"]["body"]:
        delta = item["__data__"]["choices"][0]["delta"]
        text += delta.get("content") or ""
        for tool in delta.get("tool_calls") or ():
            text += tool["function"]["arguments"]
    return text


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """The samples, plus the planted cassette in llama-stack's style and in the seeds'."""
    root = copy_samples(tmp_path)
    data = planted()
    (root / "planted.json").write_bytes(codec.dump(data))
    (root / "seeds" / "planted-seed.txt").parent.mkdir()
    (root / "seeds" / "planted-seed.txt").write_bytes(codec.dump(data, SEED_STYLE))
    return root


HOST = ("--host", "*.openai.azure.com=__azure__")


# everything planted is gone -------------------------------------------------------------


def test_output_tree_holds_none_of_the_planted_secrets(library: Path, tmp_path: Path) -> None:
    assert leaks(library)  # the planted values are there to be found
    before = run("scrub", library, "--glob", "*.*", "--check", *HOST)
    assert before.exit_code == 1
    out = tmp_path / "out"
    result = run("scrub", library, "--glob", "*.*", "-o", out, *HOST)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(out) for p in out.rglob("*.*")) == sorted(
        p.relative_to(library) for p in library.rglob("*.*")
    )
    assert leaks(out) == []
    for name in ("planted.json", "seeds/planted-seed.txt"):
        streamed = streamed_text(out / name)
        assert SPLIT not in streamed and ARGS_KEY not in streamed
        assert streamed.count("<REDACTED:") == len(KEYS) + 2
    after = run("scrub", out, "--glob", "*.*", "--check", *HOST)
    assert after.exit_code == 0, after.stdout
    assert "0 would be changed" in after.stderr


def test_scrubbing_the_output_again_changes_no_byte(library: Path, tmp_path: Path) -> None:
    assert run("scrub", library, "--glob", "*.*", "-o", tmp_path / "once", *HOST).exit_code == 0
    again = run("scrub", tmp_path / "once", "--glob", "*.*", "-o", tmp_path / "twice", *HOST)
    assert again.exit_code == 0
    for path in (tmp_path / "once").rglob("*.*"):
        assert (
            path.read_bytes()
            == (tmp_path / "twice" / path.relative_to(tmp_path / "once")).read_bytes()
        )


# formatting ------------------------------------------------------------------------------


def simple_planted() -> tuple[dict[str, Any], list[str]]:
    """Secrets in prompts, a header and the URL, each replaced in place by one marker."""
    data = {
        "request": {
            "method": "POST",
            "url": f"http://localhost:8000/v1/chat/completions?api_key={URL_KEY}",
            "headers": {"Authorization": f"Bearer {KEY}"},
            "body": {
                "model": "m",
                "messages": [
                    {"role": "system", "content": f"Keys: {KEYS[0]} and {KEYS[9]}."},
                    {"role": "user", "content": "Hello, \u00e9t\u00e9 \u2603"},
                    {"role": "user", "content": f"Mine is {KEYS[12]}"},
                ],
                "temperature": 0.1,
            },
        },
        "response": {"body": {"choices": [{"message": {"content": "ok"}}]}, "is_streaming": False},
    }
    return data, [URL_KEY, f"Bearer {KEY}", KEYS[0], KEYS[9], KEYS[12]]


@pytest.mark.parametrize("style", [codec.DEFAULT_STYLE, SEED_STYLE], ids=["indent-2", "seed"])
def test_only_the_secrets_change_in_the_files_own_style(tmp_path: Path, style: Style) -> None:
    data, secrets = simple_planted()
    path = tmp_path / "lib" / "one.json"
    path.parent.mkdir()
    old = codec.dump(data, style).decode()
    path.write_text(old)
    assert run("scrub", path, "--in-place").exit_code == 0
    new = path.read_text()
    expected = old
    for secret in secrets:
        expected = expected.replace(json.dumps(secret)[1:-1], "<R>")
    assert MARKER.sub("<R>", new) == expected
    old_lines, new_lines = old.splitlines(), new.splitlines()
    changed = [
        old_lines[i]
        for tag, i1, i2, _, _ in difflib.SequenceMatcher(a=old_lines, b=new_lines).get_opcodes()
        if tag != "equal"
        for i in range(i1, i2)
    ]
    holding = [line for line in old_lines if any(json.dumps(s)[1:-1] in line for s in secrets)]
    assert changed == holding
    assert len(holding) == (4 if style is codec.DEFAULT_STYLE else 1)


def test_a_file_with_nothing_to_scrub_is_not_rewritten(library: Path) -> None:
    clean = library / "openai-chat-nonstream.json"
    before = clean.read_bytes()
    os.utime(clean, ns=(1_000_000_000, 1_000_000_000))
    result = run("scrub", library, "--in-place")
    assert result.exit_code == 0
    assert "changed planted.json" in result.stdout
    assert clean.read_bytes() == before
    assert clean.stat().st_mtime_ns == 1_000_000_000


# reports ---------------------------------------------------------------------------------


def test_check_says_where_what_kind_and_never_the_secret(library: Path) -> None:
    result = run("scrub", library / "planted.json", "--check")
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith(f"would change {library / 'planted.json'}\n")
    assert f"  /request/headers/AUTHORIZATION: header Bear…{KEY[-4:]}\n" in out
    assert "  /request/body/messages/0/content: anthropic-key sk-a…" in out
    assert "  /request/url: url-query:X-Amz-Signature " in out
    assert f"sk-a…{SPLIT[-4:]} (split over {-(-len(SPLIT) // 5)} chunks)" in out
    assert not [v for v in PLANTED if v in out]
    assert "1 would be changed" in result.stderr


def test_dry_run_shows_a_masked_diff_and_writes_nothing(library: Path) -> None:
    before = (library / "planted.json").read_bytes()
    result = run("scrub", library / "planted.json", "--dry-run", *HOST)
    assert result.exit_code == 0
    assert (
        "--- a/" in result.stdout
        and '+    "url": "https://svc:<REDACTED:url-password>@' in result.stdout
    )
    assert not [v for v in PLANTED if any(n.decode() in result.stdout for n in needles(v))]
    assert (library / "planted.json").read_bytes() == before


def test_json_report(library: Path) -> None:
    result = run("scrub", library, "--check", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["mode"] == "check"
    assert document["summary"] == {"changed": 1, "unchanged": 14, "renamed": 0, "failed": 0}
    (entry,) = document["files"]
    assert entry["path"] == "planted.json" and entry["status"] == "changed"
    assert "/request/headers/cookie: header sess…" in "\n".join(entry["changes"])
    assert not [v for v in PLANTED if v in result.stdout]


def test_github_annotations(library: Path) -> None:
    result = run("scrub", library, "--check", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::error file=") for line in lines)
    planted = (library / "planted.json").as_posix()
    assert lines[0].startswith(f"::error file={planted},line=")
    # Each annotation sits on the line of what it redacts.
    text = (library / "planted.json").read_text().splitlines()
    for annotation in lines:
        line = int(annotation.split(",line=")[1].split(",")[0])
        pointer = annotation.split("::")[2].split(": ")[0]
        key = pointer.rsplit("/", 1)[1]
        assert key.isdigit() or f'"{key}"' in text[line - 1], annotation
    assert run("scrub", library, "--in-place", "--format", "github").exit_code == 2


# settings --------------------------------------------------------------------------------


def test_settings_from_pyproject_add_to_the_flags(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.cassette.scrub]\n"
        'headers = ["X-Tenant"]\n'
        'keep-headers = ["cookie"]\n'
        'hosts = { "localhost" = "__local__" }\n'
        'patterns = { acme = "ACME-[0-9]{8}" }\n'
        'literal_env = ["TEAM_SECRET"]\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEAM_SECRET", "tt-777")
    data, _ = simple_planted()
    data["request"]["headers"] |= {"X-Tenant": "t-1", "Cookie": "c=1"}
    data["request"]["body"]["messages"][1]["content"] = "ticket ACME-12345678"
    data["response"]["body"]["choices"][0]["message"]["content"] = "team token tt-777"
    (library / "planted.json").write_bytes(codec.dump(data))
    result = run("scrub", library / "planted.json", "--check", "--literal", "Keys")
    out = result.stdout
    assert "/request/headers/X-Tenant: header" in out and "Cookie" not in out
    assert "/request/url: host l…t -> __local__" in out
    assert "/request/body/messages/1/content: acme " in out
    assert "/response/body/choices/0/message/content: literal " in out
    assert "/request/body/messages/0/content: literal " in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--literal-env", "NO_SUCH_VARIABLE_HERE"], "NO_SUCH_VARIABLE_HERE: no such environment"),
        (["--host", "localhost"], "write OLD=NEW"),
        (["--host", "a=b", "--host", "b=c"], "matches 'b' again"),
        (["--pattern", "(unclosed"], "is not a valid regex"),
        (["--format", "github", "--dry-run"], "--format github goes with --check"),
    ],
)
def test_usage_errors_exit_2_and_touch_nothing(
    library: Path, args: list[str], message: str
) -> None:
    before = (library / "planted.json").read_bytes()
    extra = [] if "--dry-run" in args else ["--in-place"]
    result = run("scrub", library, *extra, *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert (library / "planted.json").read_bytes() == before


def test_an_unknown_setting_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cassette.scrub]\nliteral = ["x"]\n')
    monkeypatch.chdir(tmp_path)
    result = run("scrub", SAMPLES / "openai-embeddings.json", "--check")
    assert result.exit_code == 2
    assert "pyproject.toml" in result.stderr and "literal: unknown setting" in result.stderr


# failures --------------------------------------------------------------------------------


def test_read_only_file_and_directory_are_left_alone(library: Path) -> None:
    planted_raw = (library / "planted.json").read_bytes()
    locked_dir = library / "locked"
    locked_dir.mkdir()
    shutil.copy(library / "planted.json", locked_dir / "inside.json")
    shutil.copy(library / "planted.json", library / "read-only.json")
    os.chmod(library / "read-only.json", 0o444)
    os.chmod(locked_dir, 0o555)
    try:
        result = run("scrub", library, "--in-place")
    finally:
        os.chmod(locked_dir, 0o755)
    assert result.exit_code == 2
    assert (library / "read-only.json").read_bytes() == planted_raw
    assert (locked_dir / "inside.json").read_bytes() == planted_raw
    assert KEY not in (library / "planted.json").read_text()  # the others were scrubbed
    assert "read-only" in result.stderr and "2 failed" in result.stderr


# renames ---------------------------------------------------------------------------------


def planted_corpus_file(corpus_dir: Path, target: Path) -> tuple[Path, dict[str, Any]]:
    """A 2025 corpus cassette with a key pasted into its prompt, under the name its request
    hashes to, as the recorder would have written it."""
    source = corpus_dir / "llama-stack-2025-09" / "0002a233aedd.json"
    data, raw = codec.read(source)
    assert hashing.name_matches(data, source.name) is True
    data["request"]["body"]["messages"][0]["content"] += f" Use {KEY} for the weather API."
    path = target / hashing.expected_name(data, hashing.SCHEME_2025)
    target.mkdir(exist_ok=True)
    path.write_bytes(codec.dump(data, codec.detect_style(raw, codec.loads(raw, source))))
    return path, data


@pytest.mark.corpus
def test_scrubbing_a_prompt_renames_the_file_to_its_new_hash(
    corpus_dir: Path, tmp_path: Path
) -> None:
    path, data = planted_corpus_file(corpus_dir, tmp_path / "lib")
    scrub(data)
    new_name = hashing.expected_name(data, hashing.SCHEME_2025)
    assert new_name != path.name
    result = run("scrub", path.parent, "--in-place")
    assert result.exit_code == 0, result.stderr
    assert f"changed {path.name} -> renamed to {new_name}" in result.stdout
    assert not path.exists()
    renamed, _ = codec.read(path.with_name(new_name))
    assert hashing.name_matches(renamed, new_name) is True
    assert KEY not in path.with_name(new_name).read_text()


@pytest.mark.corpus
def test_a_rename_never_overwrites_a_file(corpus_dir: Path, tmp_path: Path) -> None:
    path, data = planted_corpus_file(corpus_dir, tmp_path / "lib")
    scrub(data)
    taken = path.with_name(hashing.expected_name(data, hashing.SCHEME_2025))
    taken.write_text('{"request": {}, "response": {}}')
    before = path.read_bytes()
    result = run("scrub", path.parent, "--in-place")
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert path.read_bytes() == before
    assert taken.read_text() == '{"request": {}, "response": {}}'


# the corpus, the hook, the help ----------------------------------------------------------


@pytest.mark.corpus
def test_the_corpus_holds_nothing_to_scrub(corpus_dir: Path) -> None:
    # VCR cassettes are passed over until they can be edited (issue 13)
    result = run("scrub", corpus_dir, "--check", "--format", "json", "--glob", "*.json")
    assert result.exit_code == 0, result.stdout[:2000]
    summary = json.loads(result.stdout)["summary"]
    assert summary == {"changed": 0, "unchanged": 524, "renamed": 0, "failed": 0}


def test_pre_commit_hook_runs_check_mode_on_the_staged_files(library: Path) -> None:
    manifest = (REPO_ROOT / ".pre-commit-hooks.yaml").read_text()
    hook = manifest[manifest.index("- id: cassette-scrub") :]
    assert "entry: cassette scrub --check" in hook and "types_or: [json, yaml]" in hook
    files = [library / "openai-embeddings.json", library / "planted.json"]
    assert run("scrub", "--check", *files).exit_code == 1  # as pre-commit calls it
    assert run("scrub", "--check", files[0]).exit_code == 0


def test_help_has_examples_that_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli.commands.scrub import EXAMPLES

    result = run("scrub", "--help")
    assert result.exit_code == 0 and "cassette scrub sample_cassettes --check" in result.stdout
    shutil.copytree(SAMPLES, tmp_path / "sample_cassettes")
    monkeypatch.chdir(tmp_path)
    for example in EXAMPLES:
        args = [arg.strip("'") for arg in example.split()[1:]]
        assert run(*args).exit_code in (0, 1), example


def test_a_dry_run_says_what_a_write_would_do_to_an_irregular_file(tmp_path: Path) -> None:
    """A file whose layout can't be reproduced is rewritten as indented JSON: a dry run
    says it would be, and every warning line starts with `cassette:`."""
    from tests.message_rules import problems

    data = json.loads((SAMPLES / "openai-chat-nonstream.json").read_text())
    data["request"]["headers"] = {"Authorization": f"Bearer {KEY}"}
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(data, indent=2).replace('"model":', '"model" :', 1))
    before = odd.read_bytes()
    dry = run("scrub", odd, "--dry-run")
    assert dry.exit_code == 0
    warning = f"cassette: warning: {odd}: its formatting is irregular; "
    assert f"{warning}would be rewritten as indented JSON" in dry.stderr.splitlines()
    assert odd.read_bytes() == before
    written = run("scrub", odd, "--in-place")
    assert f"{warning}rewritten as indented JSON" in written.stderr.splitlines()
    for line in dry.stderr.splitlines()[:-1] + written.stderr.splitlines()[:-1]:
        assert problems(line) == [], line
