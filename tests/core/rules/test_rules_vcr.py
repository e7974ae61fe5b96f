"""validate on VCR.py cassettes: each V rule (and the stream and secret rules where they
judge a VCR interaction) flags a broken copy of a real corpus cassette, and the unbroken
original is not flagged."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from cli.core.rules import Finding, Settings, all_rules, check_path
from tests.core.rules.test_rules import GOOGLE_KEY, OPENAI_KEY

pytestmark = pytest.mark.corpus

CREW_JSON = (  # JSON answers with Content-Length that agrees, crewAI's placeholders
    "crewAIInc+crewAI/lib/crewai/tests/cassettes/hooks/"
    "TestNativeToolCallingHooksIntegration.test_agent_native_tool_hooks_before_and_after.yaml"
)
GEMINI_GZIP = "simonw+llm-gemini/tests/cassettes/test_gemini/test_prompt.yaml"
OPENAI_SSE = (
    "crewAIInc+crewAI/lib/crewai/tests/cassettes/llms/openai/"
    "test_openai_async_streaming_returns_usage_metrics.yaml"
)
ANTHROPIC_SSE = "simonw+llm-anthropic/tests/cassettes/test_anthropic/test_prompt.yaml"
RESPONSES_SSE = (
    "simonw+llm/tests/cassettes/test_openai_responses/test_responses_basic_streaming.yaml"
)
BEDROCK_STREAM = (
    "pydantic+pydantic-ai/tests/models/cassettes/test_bedrock/"
    "test_bedrock_model_stream_with_extra_headers.yaml"
)


def check(path: Path, **settings: object) -> list[Finding]:
    findings, _ = check_path(path, Settings(**settings))  # type: ignore[arg-type]
    assert isinstance(findings, list)
    return findings


def codes(findings: list[Finding]) -> set[str]:
    return {finding.code for finding in findings}


def copy(corpus_dir: Path, name: str, tmp_path: Path) -> Path:
    target = tmp_path / Path(name).name
    target.write_bytes((corpus_dir / "vcr" / name).read_bytes())
    return target


def edit_text(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    document = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, width=1000), encoding="utf-8")


def response_text(document: dict, index: int = 0) -> str:
    return document["interactions"][index]["response"]["body"]["string"]


# V001 / V002 ----------------------------------------------------------------------


def test_v001_yaml_that_does_not_parse_has_line_and_column(corpus_dir: Path, tmp_path: Path):
    path = copy(corpus_dir, CREW_JSON, tmp_path)
    assert "V001" not in codes(check(path))
    edit_text(path, "    method: POST\n", "    method: [POST\n")
    (finding,) = check(path)
    assert finding.code == "V001" and finding.severity == "error"
    assert finding.line is not None and "column" in finding.message


def test_v002_a_mapping_that_is_no_cassette(corpus_dir: Path, tmp_path: Path):
    path = copy(corpus_dir, CREW_JSON, tmp_path)
    assert "V002" not in codes(check(path))
    edit_text(path, "interactions:\n", "exchanges:\n")
    assert [f.code for f in check(path)] == ["V002"]
    # found by a walk it is passed over, not judged
    findings, _ = check_path(path, Settings(), given=(tmp_path,))
    assert not isinstance(findings, list)


# V003 / V004 / V005 ---------------------------------------------------------------


def _damage_gzip(document: dict) -> None:
    body = document["interactions"][0]["response"]["body"]
    data = bytearray(body["string"])
    assert bytes(data[:2]) == b"\x1f\x8b"
    data[len(data) // 2 :] = b"\x00" * (len(data) - len(data) // 2)
    body["string"] = bytes(data)


def test_v003_a_body_its_content_encoding_cannot_undo(corpus_dir: Path, tmp_path: Path):
    path = copy(corpus_dir, GEMINI_GZIP, tmp_path)
    assert "V003" not in codes(check(path))
    edit_yaml(path, _damage_gzip)
    (finding,) = [f for f in check(path) if f.code == "V003"]
    assert finding.pointer == "/interactions/0/response/body"
    assert "gzip" in finding.message and finding.line is not None


def test_v003_gzip_recompressed_whole_is_not_flagged(corpus_dir: Path, tmp_path: Path):
    path = copy(corpus_dir, GEMINI_GZIP, tmp_path)

    def again(document: dict) -> None:
        body = document["interactions"][0]["response"]["body"]
        body["string"] = gzip.compress(gzip.decompress(body["string"]))

    edit_yaml(path, again)
    assert "V003" not in codes(check(path))


def test_v004_a_json_content_type_whose_body_is_not_json(corpus_dir: Path, tmp_path: Path):
    path = copy(corpus_dir, CREW_JSON, tmp_path)
    assert "V004" not in codes(check(path))

    def truncate(document: dict) -> None:
        body = document["interactions"][1]["response"]["body"]
        body["string"] = body["string"][: len(body["string"]) // 2]

    edit_yaml(path, truncate)
    found = [f for f in check(path) if f.code == "V004"]
    assert [f.pointer for f in found] == ["/interactions/1/response/body"]
    assert "application/json" in found[0].message


def test_v005_a_response_content_length_that_disagrees(corpus_dir: Path, tmp_path: Path):
    path = copy(corpus_dir, CREW_JSON, tmp_path)
    assert "V005" not in codes(check(path))
    edit_text(path, "      - '492'\n", "      - '493'\n")
    (finding,) = [f for f in check(path) if f.code == "V005"]
    assert finding.pointer == "/interactions/0/response/headers/Content-Length"
    assert "493" in finding.message and "492 bytes" in finding.message
    lines = path.read_text().splitlines()
    assert lines[finding.line - 1].strip() == "Content-Length:"


def test_v005_a_request_content_length_is_harmless(corpus_dir: Path, tmp_path: Path):
    path = copy(corpus_dir, CREW_JSON, tmp_path)
    edit_text(path, "      - '434'\n", "      - '999'\n")
    assert "V005" not in codes(check(path))


def test_v005_parsed_body_is_measured_as_pydantic_ai_replays_it(tmp_path: Path):
    body = {"a": "é", "b": [1, 2]}
    replayed = len(json.dumps(body).encode())  # ASCII escapes, as json.dumps writes them
    document = {
        "interactions": [
            {
                "request": {"method": "GET", "uri": "https://x.test/v1", "body": ""},
                "response": {
                    "headers": {
                        "content-type": ["application/json"],
                        "content-length": [str(replayed)],
                    },
                    "parsed_body": body,
                    "status": {"code": 200, "message": "OK"},
                },
            }
        ]
    }
    path = tmp_path / "parsed.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    assert "V005" not in codes(check(path))
    document["interactions"][0]["response"]["headers"]["content-length"] = ["9"]
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    assert "V005" in codes(check(path))


# V006 -----------------------------------------------------------------------------

MODULE = """
import pytest


@pytest.mark.vcr
def test_chat():
    pass


@pytest.mark.parametrize("model", ["gpt-4o", "claude/3"])
@pytest.mark.vcr
def test_models(model):
    pass


class Base:
    def test_inherited(self):
        pass


class TestAgent(Base):
    @pytest.mark.vcr
    def test_run(self):
        pass


@pytest.mark.vcr("shared_by_name.yaml")
def test_named():
    pass
"""


@pytest.fixture
def suite(corpus_dir: Path, tmp_path: Path) -> Path:
    """pytest-recording's layout: tests/test_agents.py and tests/cassettes/test_agents/."""
    tests = tmp_path / "tests"
    (tests / "cassettes" / "test_agents").mkdir(parents=True)
    (tests / "test_agents.py").write_text(MODULE)
    return tests


@pytest.mark.parametrize(
    "name",
    [
        "test_chat",
        "test_models[gpt-4o]",
        "test_models[claude-3]",
        "TestAgent.test_run",
        "TestAgent.test_inherited",
        "shared_by_name",
    ],
)
def test_v006_a_cassette_whose_test_exists(corpus_dir: Path, suite: Path, name: str) -> None:
    path = suite / "cassettes" / "test_agents" / f"{name}.yaml"
    path.write_bytes((corpus_dir / "vcr" / CREW_JSON).read_bytes())
    assert "V006" not in codes(check(path))


@pytest.mark.parametrize(
    "name", ["test_gone", "test_gone[gpt-4o]", "TestAgent.test_gone", "TestGone.test_run"]
)
def test_v006_an_orphaned_cassette(corpus_dir: Path, suite: Path, name: str) -> None:
    path = suite / "cassettes" / "test_agents" / f"{name}.yaml"
    path.write_bytes((corpus_dir / "vcr" / CREW_JSON).read_bytes())
    (finding,) = [f for f in check(path) if f.code == "V006"]
    assert finding.severity == "warning" and "test_agents.py" in finding.message


def test_v006_not_judged_without_the_module_or_with_own_naming(
    corpus_dir: Path, suite: Path
) -> None:
    path = suite / "cassettes" / "test_agents" / "test_gone.yaml"
    path.write_bytes((corpus_dir / "vcr" / CREW_JSON).read_bytes())
    (suite / "test_agents.py").write_text(MODULE + "\n\ndef vcr_cassette_dir():\n    pass\n")
    assert "V006" not in codes(check(path))
    (suite / "test_agents.py").write_text("def broken(:\n")
    assert "V006" not in codes(check(path))
    (suite / "test_agents.py").unlink()
    assert "V006" not in codes(check(path))


# stream rules on VCR interactions ------------------------------------------------------


def _cut_before(marker: str) -> Callable[[dict], None]:
    def cut(document: dict) -> None:
        for interaction in document["interactions"]:
            body = interaction["response"]["body"]
            if isinstance(body.get("string"), str) and marker in body["string"]:
                body["string"] = body["string"][: body["string"].index(marker)]

    return cut


@pytest.mark.parametrize(
    ("name", "marker", "also"),
    [
        (OPENAI_SSE, '"finish_reason":"stop"', {"T003"}),
        (ANTHROPIC_SSE, "event: message_stop", set()),
        (RESPONSES_SSE, "event: response.completed", set()),
    ],
)
def test_t010_a_stream_cut_short(
    corpus_dir: Path, tmp_path: Path, name: str, marker: str, also: set[str]
) -> None:
    path = copy(corpus_dir, name, tmp_path)
    assert not codes(check(path, select=("T",)))
    edit_yaml(path, _cut_before(marker))
    found = check(path, select=("T",))
    assert codes(found) == {"T010"} | also, found
    assert all(f.pointer.startswith("/interactions/") and f.line for f in found)


def test_t010_bedrock_event_stream_without_message_stop(corpus_dir: Path, tmp_path: Path):
    from cli.core.wire import eventstream

    path = copy(corpus_dir, BEDROCK_STREAM, tmp_path)
    assert not codes(check(path, select=("T",)))

    def drop_stop(document: dict) -> None:
        body = document["interactions"][0]["response"]["body"]
        frames = list(eventstream.iter_frames(body["string"]))
        kept = [f for f in frames if b"messageStop" not in b"".join(h.raw for h in f.headers)]
        assert len(kept) == len(frames) - 1
        body["string"] = eventstream.encode(kept)

    edit_yaml(path, drop_stop)
    assert codes(check(path, select=("T",))) == {"T010"}


# secret rules on VCR interactions ---------------------------------------------------


def test_secrets_have_interaction_pointers_and_yaml_lines(corpus_dir: Path, tmp_path: Path):
    path = copy(corpus_dir, CREW_JSON, tmp_path)
    assert not codes(check(path, select=("K",)))
    edit_text(path, "      - AUTHORIZATION-XXX\n", f"      - Bearer {OPENAI_KEY}\n", count=2)
    edit_text(
        path,
        "https://api.openai.com/v1/chat/completions",
        f"https://api.openai.com/v1/chat/completions?key={GOOGLE_KEY}",
    )
    found = check(path, select=("K",))
    text = path.read_text().splitlines()
    by_pointer = {f.pointer: f for f in found}
    assert set(by_pointer) == {
        "/interactions/0/request/headers/authorization",
        "/interactions/1/request/headers/authorization",
        "/interactions/1/request/url",
    }
    header = by_pointer["/interactions/1/request/headers/authorization"]
    assert text[header.line - 1].strip() == "authorization:"
    assert text[by_pointer["/interactions/1/request/url"].line - 1].strip().startswith("uri:")


def test_every_v_rule_is_tested() -> None:
    tested = {"V001", "V002", "V003", "V004", "V005", "V006"}
    assert {code for code in all_rules() if code[0] == "V"} == tested


def test_a_big_cassette_is_judged_as_when_read_whole(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read lazily (its SSE lines one at a time), a VCR cassette gets the same findings,
    pointers and lines: the big-file branch is the format's alone."""
    from cli.core.formats.llamastack import lazy
    from cli.core.formats.vcr import format as vcr_format

    path = copy(corpus_dir, ANTHROPIC_SSE, tmp_path)
    edit_yaml(path, _cut_before("event: message_stop"))
    edit_text(
        path,
        "anthropic-version:\n",
        f"authorization:\n      - Bearer {OPENAI_KEY}\n      anthropic-version:\n",
    )

    def seen(threshold: int) -> list[tuple[str, str, int | None]]:
        monkeypatch.setattr(lazy, "BIG_FILE", threshold)
        monkeypatch.setattr(vcr_format, "BIG_FILE", threshold)
        return sorted((f.code, f.pointer, f.line) for f in check(path))

    whole, big = seen(1 << 40), seen(1024)
    assert path.stat().st_size > 1024
    assert whole == big and {code for code, _, _ in whole} == {"K001", "K005", "T010"}
