"""ollama: the native API recorded by VCR, whole or as a JSON-lines stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli.core.model import Interaction
from cli.core.transcript.model import OLLAMA
from cli.core.transcript.reassemble import transcribe
from tests.core.transcript.vcr_bodies import Entry


def cassette(body: Any) -> Interaction:
    request = {"method": "POST", "url": "http://localhost:11434/api/chat", "body": {}}
    response = {"status": 200, "headers": {}, "body": body}
    return Interaction(Path("mem.yaml"), {"request": request, "response": response})


@pytest.mark.corpus
def test_corpus_ollama_replies(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if ":11434/api/" in e.url]
    assert len(entries) == 2
    for entry in entries:
        body = entry.body
        text = body["message"]["content"] if "message" in body else body["response"]
        transcript = transcribe(entry.interaction)
        assert (transcript.kind, transcript.choices[0].text) == (OLLAMA, text)
        assert transcript.choices[0].finish_reason == body["done_reason"]
        assert transcript.usage.output_tokens == body["eval_count"]


def test_a_json_lines_stream_as_recorded_text() -> None:
    lines = [
        {
            "model": "llama3",
            "created_at": "2025-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": "Hel"},
            "done": False,
        },
        {
            "model": "llama3",
            "created_at": "2025-01-01T00:00:01Z",
            "message": {"role": "assistant", "content": "lo"},
            "done": False,
        },
        {
            "model": "llama3",
            "created_at": "2025-01-01T00:00:02Z",
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "prompt_eval_count": 5,
            "eval_count": 2,
        },
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\n"
    transcript = transcribe(cassette(body))
    assert (transcript.kind, transcript.choices[0].text, transcript.chunk_count) == (
        OLLAMA,
        "Hello",
        3,
    )
    assert (transcript.usage.input_tokens, transcript.usage.output_tokens) == (5, 2)
    assert transcript.created_last - transcript.created_first == 2


@pytest.mark.parametrize("count", [3, 4, 64, 65, 200])
def test_the_last_time_is_the_newest_that_reads_as_one(count: int) -> None:
    """Times as text are read at the stream's end, newest first: one that isn't a time
    (or a number's time after them) decides as if each had been read in turn."""

    def line(created: Any) -> dict[str, Any]:
        return {"model": "m", "created_at": created, "response": "a", "done": False}

    lines = [line(f"2025-01-01T00:{i // 60:02}:{i % 60:02}Z") for i in range(count)]
    lines[1]["created_at"] = "soon"
    lines[-1]["created_at"] = "not a time"
    transcript = transcribe(cassette(lines))
    assert transcript.created_first == 1735689600
    assert transcript.created_last == 1735689600 + (count - 2 if count > 3 else 0)
    lines.append(line(7))  # a number, newest
    assert transcribe(cassette(lines)).created_last == 7
    lines += [line(True), line("Wed, 01 Jan 2025 00:00:09 GMT"), line(None)]
    assert transcribe(cassette(lines)).created_last == 1735689609
