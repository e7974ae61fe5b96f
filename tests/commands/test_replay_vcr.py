"""Edited cassettes still replay: VCR.py (record_mode="none", so never the network) plays
each cassette to the real `openai` and `anthropic` SDKs, a streamed and a non-streamed call
of each. After an editing command, each SDK must reassemble the same answer as before the
edit, and `cassette show` must print that answer.

The harness is two tables: `CALLS` (a cassette and the SDK call that replays it) and
`EDITS` (a command line that edits a cassette in place, and the model the client asks for
afterwards). Every edit runs on every call. To cover another editing command, add a row
to `EDITS`; scrub, say:

    EDITS["scrub"] = Edit(lambda model: ["scrub", "--in-place"])

(and plant what it should remove in `headers()` or the bodies, then assert it is gone in
a test of its own, as `test_normalize_removed_the_noise` does for normalize).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.commands.helpers import run

pytestmark = pytest.mark.usefixtures("cli_env")

OPENAI_URI = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URI = "https://api.anthropic.com/v1/messages"
QUESTION = [{"role": "user", "content": "What is the Latin name for the Moon?"}]
ANSWER = "The Latin name for the Moon is Luna."
WORDS = ["The", " Latin", " name", " for", " the", " Moon", " is", " Luna", "."]
CREATED = 1767225600


# cassettes --------------------------------------------------------------------------


def headers(**more: str) -> dict[str, list[str]]:
    """Response headers as real servers send them: some change on every recording."""
    noisy = {
        "Date": ["Thu, 01 Jan 2026 00:00:01 GMT"],
        "CF-RAY": ["8f00000000000000-AMS"],
        "x-request-id": ["req_0123456789abcdef"],
        "openai-processing-ms": ["212"],
        "x-ratelimit-remaining-tokens": ["149999"],
        "Set-Cookie": ["__cf_bm=abc; path=/; HttpOnly"],
    }
    return {**noisy, **{name.replace("_", "-"): [value] for name, value in more.items()}}


def interaction(uri: str, request: dict, body: str | bytes, **response_headers: str) -> dict:
    sent = json.dumps(request, separators=(",", ":"))
    length = len(body) if isinstance(body, bytes) else len(body.encode())
    return {
        "request": {
            "body": sent,
            "headers": {"content-length": [str(len(sent))], "content-type": ["application/json"]},
            "method": "POST",
            "uri": uri,
        },
        "response": {
            "body": {"string": body},
            "headers": headers(Content_Length=str(length), **response_headers),
            "status": {"code": 200, "message": "OK"},
        },
    }


def sse(events: list[tuple[str | None, dict[str, Any]]], done: bool = False) -> str:
    lines = []
    for name, data in events:
        if name:
            lines.append(f"event: {name}")
        lines += [f"data: {json.dumps(data, separators=(',', ':'))}", ""]
    if done:
        lines += ["data: [DONE]", ""]
    return "\n".join(lines) + "\n"


def openai_json(model: str) -> dict:
    answer = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": CREATED,
        "model": model + "-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": ANSWER},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 16, "completion_tokens": 9, "total_tokens": 25},
    }
    body = gzip.compress(json.dumps(answer, separators=(",", ":")).encode(), mtime=0)
    request = {"messages": QUESTION, "model": model}
    return interaction(
        OPENAI_URI, request, body, Content_Type="application/json", Content_Encoding="gzip"
    )


def openai_stream(model: str) -> dict:
    def chunk(delta: dict, finish: str | None = None) -> dict:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {
            "id": "chatcmpl-2",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model + "-2024-07-18",
            "choices": [choice],
        }

    events = [(None, chunk({"role": "assistant", "content": ""}))]
    events += [(None, chunk({"content": word})) for word in WORDS]
    events.append((None, chunk({}, "stop")))
    request = {"messages": QUESTION, "model": model, "stream": True}
    body = sse(events, done=True)
    return interaction(OPENAI_URI, request, body, Content_Type="text/event-stream")


def anthropic_message(model: str) -> dict:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 16, "output_tokens": 1},
    }


def anthropic_json(model: str) -> dict:
    answer = anthropic_message(model)
    answer.update(content=[{"type": "text", "text": ANSWER}], stop_reason="end_turn")
    request = {"max_tokens": 100, "messages": QUESTION, "model": model}
    body = json.dumps(answer)
    return interaction(ANTHROPIC_URI, request, body, Content_Type="application/json")


def anthropic_stream(model: str) -> dict:
    text = [
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
        for delta in ({"type": "text_delta", "text": word} for word in WORDS)
    ]
    events = [
        ("message_start", {"type": "message_start", "message": anthropic_message(model)}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        *text,
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 9},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    request = {"max_tokens": 100, "messages": QUESTION, "model": model, "stream": True}
    return interaction(ANTHROPIC_URI, request, sse(events), Content_Type="text/event-stream")


# SDK calls ---------------------------------------------------------------------------


def ask_openai(model: str, stream: bool) -> tuple[str, str]:
    import openai

    client = openai.OpenAI(api_key="sk-test", max_retries=0)
    if not stream:
        answer = client.chat.completions.create(model=model, messages=QUESTION)
        return answer.choices[0].message.content or "", answer.model
    chunks = list(client.chat.completions.create(model=model, messages=QUESTION, stream=True))
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    return text, chunks[0].model


def ask_anthropic(model: str, stream: bool) -> tuple[str, str]:
    import anthropic

    client = anthropic.Anthropic(api_key="sk-ant-test", max_retries=0)
    if stream:
        with client.messages.stream(model=model, max_tokens=100, messages=QUESTION) as events:
            message = events.get_final_message()
    else:
        message = client.messages.create(model=model, max_tokens=100, messages=QUESTION)
    text = "".join(block.text for block in message.content if block.type == "text")
    return text, message.model


@dataclass(frozen=True)
class Call:
    """A cassette of one interaction, and the SDK call that replays it: (text, model)."""

    cassette: Callable[[str], dict]
    ask: Callable[[str, bool], tuple[str, str]]
    stream: bool
    model: str  # the model the cassette was recorded with
    answered: str  # the model its response names


CALLS = {
    "openai": Call(openai_json, ask_openai, False, "gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
    "openai-stream": Call(openai_stream, ask_openai, True, "gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
    "anthropic": Call(anthropic_json, ask_anthropic, False, "claude-x", "claude-x"),
    "anthropic-stream": Call(anthropic_stream, ask_anthropic, True, "claude-x", "claude-x"),
}


@dataclass(frozen=True)
class Edit:
    """A command line that edits a cassette in place (the file is added at its end), given
    the recorded model; and the model the client asks for, and is answered with, after."""

    args: Callable[[str], list[str]]
    renames: dict[str, str] = field(default_factory=dict)  # old model -> new


EDITS = {
    "normalize": Edit(lambda model: ["normalize", "--in-place"]),
    "retime": Edit(lambda model: ["retime", "--shift", "+2h", "--in-place"]),
    "retime-start": Edit(lambda model: ["retime", "--start", "2030-06-01T12:00:00Z", "--in-place"]),
    "rename-model": Edit(
        lambda model: ["rename-model", "--match", "glob", f"{model}*", "zz-renamed", "--in-place"],
        {"gpt-4o-mini": "zz-renamed", "claude-x": "zz-renamed"},
    ),
}


def write(path: Path, value: dict) -> Path:
    from vcr.serializers import yamlserializer

    path.write_text(yamlserializer.serialize(value), encoding="utf-8")  # VCR.py's own writer
    return path


def replay(path: Path, call: Call, model: str) -> tuple[str, str]:
    import vcr

    with vcr.use_cassette(str(path), record_mode="none"):
        return call.ask(model, call.stream)


def shown_answer(path: Path) -> str:
    result = run("show", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    return json.loads(line)["response"]["choices"][0]["text"]


@pytest.mark.parametrize("edit_name", list(EDITS))
@pytest.mark.parametrize("call_name", list(CALLS))
def test_an_edited_cassette_replays_the_same_answer(
    tmp_path: Path, call_name: str, edit_name: str
) -> None:
    call, edit = CALLS[call_name], EDITS[edit_name]
    path = write(
        tmp_path / f"{call_name}.yaml", {"interactions": [call.cassette(call.model)], "version": 1}
    )
    assert replay(path, call, call.model) == (ANSWER, call.answered)
    before = path.read_bytes()
    result = run(*edit.args(call.model), path)
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() != before, "the edit changed nothing"
    model = edit.renames.get(call.model, call.model)
    answered = edit.renames.get(call.model, call.answered)
    assert replay(path, call, model) == (ANSWER, answered)
    assert shown_answer(path) == ANSWER


def test_normalize_removed_the_noise(tmp_path: Path) -> None:
    import yaml

    path = write(tmp_path / "o.yaml", {"interactions": [openai_json("gpt-4o-mini")], "version": 1})
    assert run("normalize", path, "--in-place").exit_code == 0
    kept = yaml.safe_load(path.read_text())["interactions"][0]["response"]["headers"]
    assert sorted(kept) == ["Content-Encoding", "Content-Length", "Content-Type"]


def test_a_renamed_gzip_body_keeps_its_coding_and_length(tmp_path: Path) -> None:
    import yaml

    path = write(tmp_path / "o.yaml", {"interactions": [openai_json("gpt-4o-mini")], "version": 1})
    assert run("rename-model", "gpt-4o-mini-2024-07-18", "zz", path, "--in-place").exit_code == 0
    response = yaml.safe_load(path.read_text())["interactions"][0]["response"]
    body = response["body"]["string"]
    assert json.loads(gzip.decompress(body))["model"] == "zz"
    assert response["headers"]["Content-Length"] == [str(len(body))]
    assert response["headers"]["Content-Encoding"] == ["gzip"]
