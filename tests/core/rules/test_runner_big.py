"""validate on a big cassette (read a part at a time by `lazy`): the same findings, codes
and pointers, as reading it whole, for problems planted late in the stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli.core.formats.llamastack import lazy
from cli.core.rules import Finding, Settings, check_path, validate
from tests.core.rules.test_rules import OPENAI_KEY

CHUNK_TYPE = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"
CHUNKS = 2_000
BIG = 16 * 1024  # the threshold these tests run under: every file here is "big"


def chunk(number: int, content: str | None = None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": f"w{number} " if content is None else content}
    return {
        "__type__": CHUNK_TYPE,
        "__data__": {
            "id": "chatcmpl-8f2a",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            "created": 1_759_000_000 + number,
            "model": "llama-3.3-70b",
            "object": "chat.completion.chunk",
        },
    }


def cassette(body: list[Any], streaming: bool = True, **after: Any) -> dict[str, Any]:
    """The layout recorders write: the request, then the body, then `is_streaming` (which
    the streamed read only knows once it has read past the body)."""
    request = {
        "method": "POST",
        "url": "http://localhost:8000/v1/chat/completions",
        "headers": {},
        "body": {"model": "llama-3.3-70b", "messages": [], "stream": streaming},
        "endpoint": "/v1/chat/completions",
        "model": "llama-3.3-70b",
    }
    return {"request": request, "response": {"body": body, "is_streaming": streaming, **after}}


def finished() -> list[Any]:
    """A long stream without a problem."""
    return [chunk(n, finish="stop" if n == CHUNKS - 1 else None) for n in range(CHUNKS)]


def planted() -> list[Any]:
    """A long stream with problems near its end: a finish twice (T004), content after the
    finish (T005), a key in a delta (K003), a secret header in an item (K001), a URL with
    a credential (K002), usage that doesn't add up (T008), another id (C006)."""
    body = [chunk(number) for number in range(CHUNKS)]
    body[-40] = chunk(CHUNKS - 40, finish="stop")
    body[-30] = chunk(CHUNKS - 30, content=f"the key is {OPENAI_KEY}")
    body[-20]["__data__"]["sdk_http_response"] = {"headers": {"Authorization": "Bearer abc123"}}
    body[-15] = chunk(CHUNKS - 15, content="https://user:hunter2@example.com/x")
    body[-10]["__data__"]["id"] = "chatcmpl-other"
    body[-1] = chunk(CHUNKS - 1, content="", finish="stop")
    body[-1]["__data__"]["usage"] = {
        "prompt_tokens": 3,
        "completion_tokens": 4,
        "total_tokens": 9,
    }
    return body


def findings(path: Path, big: bool, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    monkeypatch.setattr(lazy, "BIG_FILE", BIG if big else 1 << 40)
    found, _ = check_path(path, Settings())
    return found


def located(found: list[Finding]) -> list[tuple[str, str]]:
    return sorted((finding.code, finding.pointer) for finding in found)


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_bytes(json.dumps(data, separators=(",", ":")).encode())
    assert path.stat().st_size > BIG
    return path


def split_key() -> list[Any]:
    """A stream that writes a key over three chunks, and another whose first chunk alone
    already looks like a key (issue 10, case 3)."""
    body = [chunk(number) for number in range(CHUNKS)]
    third = len(OPENAI_KEY) // 3
    body[1500] = chunk(1500, content=f"my key is {OPENAI_KEY[:third]}")
    body[1501] = chunk(1501, content=OPENAI_KEY[third : 2 * third])
    body[1502] = chunk(1502, content=OPENAI_KEY[2 * third :] + " ok")
    body[1800] = chunk(1800, content=f"and {OPENAI_KEY[:40]}")
    body[1801] = chunk(1801, content=OPENAI_KEY[40:] + " ok")
    body[-1] = chunk(CHUNKS - 1, finish="stop")
    return body


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("planted", cassette(planted())),
        ("split-key", cassette(split_key())),
        ("clean", cassette(finished())),
        ("not-streaming", cassette([chunk(n) for n in range(CHUNKS)], streaming=False)),
        ("exception", cassette([chunk(n) for n in range(CHUNKS)], is_exception=True)),
    ],
)
def test_big_file_gives_the_findings_of_the_whole_read(
    name: str, data: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / f"{name}.json", data)
    whole = findings(path, big=False, monkeypatch=monkeypatch)
    streamed = findings(path, big=True, monkeypatch=monkeypatch)
    assert located(streamed) == located(whole)
    assert sorted(f.message for f in streamed) == sorted(f.message for f in whole)
    assert all(finding.line is None for finding in streamed)  # proof it was streamed
    if name == "planted":
        assert {code for code, _ in located(streamed)} >= {
            "C006",
            "K001",
            "K002",
            "K003",
            "T004",
            "T005",
            "T008",
        }
        assert all(f.line is not None for f in whole)
    if name == "split-key":
        assert [(f.code, f.pointer.split("/")[3]) for f in streamed] == [
            ("K003", "1500"),
            ("K003", "1800"),
        ]


def test_a_big_file_broken_late_is_s001(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "cut.json", cassette(planted()))
    path.write_bytes(path.read_bytes()[:-1000])
    found = findings(path, big=True, monkeypatch=monkeypatch)
    assert [finding.code for finding in found] == ["S001"]


def test_library_rules_see_big_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lazy, "BIG_FILE", BIG)
    data = cassette(finished())
    one, two = write(tmp_path / "one.json", data), write(tmp_path / "two.json", data)
    results = dict(validate(iter([one, two]), Settings(select=("L",))))
    assert results[one] == []
    assert [(f.code, f.message) for f in results[two]] == [
        (
            "L003",
            f"records the same request as {one}; replay can only ever return one of them",
        )
    ]
