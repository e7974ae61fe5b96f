"""bedrock: converse, converse-stream (AWS event-stream frames) and the native invoke bodies."""

from __future__ import annotations

import base64
import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.model import Interaction
from cli.core.transcript.bedrock import decode_chunk
from cli.core.transcript.model import ANTHROPIC, BEDROCK, COMPLETION, ERROR
from cli.core.transcript.reassemble import transcribe
from tests.core.transcript.vcr_bodies import Entry, binary_chunk

HOST = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/"


def cassette(body: Any, status: int = 200, operation: str = "converse-stream") -> Interaction:
    request = {"method": "POST", "url": HOST + operation, "body": {}}
    response = {"status": status, "headers": {}, "body": body, "is_streaming": True}
    return Interaction(Path("mem.yaml"), {"request": request, "response": response})


def text_delta(text: str, index: int = 0) -> dict[str, Any]:
    return {"contentBlockDelta": {"contentBlockIndex": index, "delta": {"text": text}}}


def metadata(inputs: int, outputs: int) -> dict[str, Any]:
    usage = {"inputTokens": inputs, "outputTokens": outputs, "totalTokens": inputs + outputs}
    return {"metadata": {"usage": usage, "metrics": {"latencyMs": 100}}}


# the corpus --------------------------------------------------------------------------------


def _converse(entry: Entry) -> bool:
    return "bedrock-runtime" in entry.url and entry.url.endswith("/converse") and entry.status < 400


@pytest.mark.corpus
def test_every_corpus_converse_matches_its_raw_body(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if _converse(e)]
    assert len(entries) >= 9
    for entry in entries:
        content = entry.body["output"]["message"]["content"]
        transcript = transcribe(entry.interaction)
        choice = transcript.choices[0]
        assert transcript.kind == BEDROCK, entry.name
        assert choice.text == "".join(block["text"] for block in content if "text" in block)
        reasoning = [
            b["reasoningContent"]["reasoningText"]["text"]
            for b in content
            if "reasoningContent" in b
        ]
        assert choice.reasoning == "".join(reasoning), entry.name
        tools = [(b["toolUse"]["name"], b["toolUse"]["input"]) for b in content if "toolUse" in b]
        assert [(c.name, c.arguments_json) for c in choice.tool_calls] == tools, entry.name
        assert choice.finish_reason == entry.body["stopReason"]
        usage = entry.body["usage"]
        assert (transcript.usage.input_tokens, transcript.usage.output_tokens) == (
            usage["inputTokens"],
            usage["outputTokens"],
        )


@pytest.mark.corpus
def test_corpus_converse_stream_matches_its_frames(vcr_corpus: list[Entry]) -> None:
    (entry,) = [e for e in vcr_corpus if e.url.endswith("/converse-stream") and e.status < 400]
    frames = entry.body  # decoded from the AWS event-stream bytes by the tests' own helper
    text = "".join(
        f["contentBlockDelta"]["delta"].get("text", "") for f in frames if "contentBlockDelta" in f
    )
    (stop,) = [f["messageStop"] for f in frames if "messageStop" in f]
    (meta,) = [f["metadata"] for f in frames if "metadata" in f]
    transcript = transcribe(entry.interaction)
    assert (transcript.kind, transcript.choices[0].text) == (BEDROCK, text)
    assert transcript.choices[0].finish_reason == stop["stopReason"]
    assert transcript.usage.total_tokens == meta["usage"]["totalTokens"]
    assert transcript.chunk_count == len(frames)


@pytest.mark.corpus
def test_corpus_titan_invoke_streams_match_their_chunks(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if e.url.endswith("/invoke-with-response-stream")]
    assert len(entries) == 2
    for entry in entries:
        chunks = [json.loads(base64.b64decode(frame["chunk"]["bytes"])) for frame in entry.body]
        transcript = transcribe(entry.interaction)
        choice = transcript.choices[0]
        assert transcript.kind == BEDROCK
        assert choice.text == "".join(c["outputText"] for c in chunks)
        assert choice.finish_reason == chunks[-1]["completionReason"]
        assert transcript.usage.input_tokens == int(chunks[0]["inputTextTokenCount"])
        assert transcript.usage.output_tokens == int(chunks[-1]["totalOutputTextTokenCount"])


@pytest.mark.corpus
def test_corpus_invoke_bodies_go_to_their_family(vcr_corpus: list[Entry]) -> None:
    invoked = {
        e.url.split("/model/")[1].split("/")[0]: e for e in vcr_corpus if e.url.endswith("/invoke")
    }
    llama = invoked["meta.llama2-13b-chat-v1"]
    transcript = transcribe(llama.interaction)
    assert (transcript.kind, transcript.choices[0].text) == (BEDROCK, llama.body["generation"])
    assert transcript.choices[0].finish_reason == llama.body["stop_reason"]
    assert (transcript.usage.input_tokens, transcript.usage.output_tokens) == (
        llama.body["prompt_token_count"],
        llama.body["generation_token_count"],
    )
    claude = invoked["anthropic.claude-3-haiku-20240307-v1%3A0"]
    transcript = transcribe(claude.interaction)
    assert transcript.kind == ANTHROPIC
    assert transcript.choices[0].text == claude.body["content"][0]["text"]
    imported = next(e for k, e in invoked.items() if k.startswith("arn"))
    transcript = transcribe(imported.interaction)  # a custom model that answers like OpenAI
    assert (transcript.kind, transcript.choices[0].text) == (
        COMPLETION,
        imported.body["choices"][0]["text"],
    )


@pytest.mark.corpus
def test_corpus_bedrock_errors_give_the_message(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if "bedrock-runtime" in e.url and e.status >= 400]
    assert len(entries) >= 3
    for entry in entries:
        transcript = transcribe(entry.interaction)
        assert transcript.kind == ERROR
        assert (transcript.error.status, transcript.error.message) == (
            entry.status,
            entry.body["message"],
        )


# handmade ---------------------------------------------------------------------------------


def test_converse_stream_with_reasoning_and_a_split_tool_input() -> None:
    body = [
        {"messageStart": {"role": "assistant"}},
        {
            "contentBlockDelta": {
                "contentBlockIndex": 0,
                "delta": {"reasoningContent": {"text": "Hmm, "}},
            }
        },
        {
            "contentBlockDelta": {
                "contentBlockIndex": 0,
                "delta": {"reasoningContent": {"text": "weather."}},
            }
        },
        {
            "contentBlockDelta": {
                "contentBlockIndex": 0,
                "delta": {"reasoningContent": {"signature": "x"}},
            }
        },
        {"contentBlockStop": {"contentBlockIndex": 0}},
        text_delta("Let me check.", 1),
        {
            "contentBlockStart": {
                "contentBlockIndex": 2,
                "start": {"toolUse": {"toolUseId": "t1", "name": "weather"}},
            }
        },
        {"contentBlockDelta": {"contentBlockIndex": 2, "delta": {"toolUse": {"input": '{"city"'}}}},
        {
            "contentBlockDelta": {
                "contentBlockIndex": 2,
                "delta": {"toolUse": {"input": ': "Oslo"}'}},
            }
        },
        {"contentBlockStop": {"contentBlockIndex": 2}},
        {"messageStop": {"stopReason": "tool_use"}},
        metadata(20, 15),
    ]
    transcript = transcribe(cassette(body))
    choice = transcript.choices[0]
    assert (choice.role, choice.reasoning, choice.text) == (
        "assistant",
        "Hmm, weather.",
        "Let me check.",
    )
    assert [(c.id, c.name, c.arguments_json) for c in choice.tool_calls] == [
        ("t1", "weather", {"city": "Oslo"})
    ]
    assert (choice.finish_reason, transcript.usage.total_tokens) == ("tool_use", 35)


def test_an_exception_frame_ends_the_stream_with_an_error() -> None:
    body = [
        {"messageStart": {"role": "assistant"}},
        text_delta("Par"),
        {"throttlingException": {"message": "Too many requests, please wait."}},
    ]
    transcript = transcribe(cassette(body))
    assert transcript.kind == ERROR
    assert (transcript.error.type, transcript.error.message) == (
        "throttlingException",
        "Too many requests, please wait.",
    )
    assert transcript.choices[0].text == "Par"
    assert transcript.usage is None  # no metadata frame


def test_converse_with_citations_and_no_usage() -> None:
    content = [
        {"citationsContent": {"content": [{"text": "Paris is the capital."}], "citations": []}},
        {"toolUse": {"toolUseId": "t", "name": "f", "input": {}}},
    ]
    body = {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "end_turn",
    }
    transcript = transcribe(cassette(body, operation="converse"))
    assert transcript.choices[0].text == "Paris is the capital."
    call = transcript.choices[0].tool_calls[0]
    assert (call.arguments, call.arguments_json) == ("{}", {})
    assert transcript.usage is None


def test_nova_invoke_stream_reads_like_converse_stream() -> None:
    events = [
        {"messageStart": {"role": "assistant"}},
        text_delta("Hi"),
        text_delta("!"),
        {"messageStop": {"stopReason": "end_turn"}},
    ]
    transcript = transcribe(
        cassette([binary_chunk(e) for e in events], operation="invoke-with-response-stream")
    )
    assert (transcript.kind, transcript.choices[0].text) == (BEDROCK, "Hi!")


def test_llama_invoke_stream_chunks_with_invocation_metrics() -> None:
    chunks = [
        {
            "generation": "Hello",
            "prompt_token_count": 9,
            "generation_token_count": 1,
            "stop_reason": None,
        },
        {
            "generation": " world",
            "prompt_token_count": None,
            "generation_token_count": 2,
            "stop_reason": None,
        },
        {
            "generation": "",
            "prompt_token_count": None,
            "generation_token_count": 3,
            "stop_reason": "stop",
            "amazon-bedrock-invocationMetrics": {
                "inputTokenCount": 9,
                "outputTokenCount": 3,
                "invocationLatency": 5,
            },
        },
    ]
    transcript = transcribe(
        cassette([binary_chunk(c) for c in chunks], operation="invoke-with-response-stream")
    )
    assert (transcript.choices[0].text, transcript.choices[0].finish_reason) == (
        "Hello world",
        "stop",
    )
    assert (transcript.usage.input_tokens, transcript.usage.output_tokens) == (9, 3)
    assert transcript.usage.details == {"invocationLatency": 5}


@pytest.mark.parametrize(
    ("body", "texts", "finish"),
    [
        ({"outputs": [{"text": "Bonjour", "stop_reason": "stop"}]}, ["Bonjour"], "stop"),  # Mistral
        (
            {
                "id": 1234,
                "prompt": {"text": "Hi", "tokens": [{}, {}]},
                "completions": [
                    {
                        "data": {"text": "Hey", "tokens": [{}]},
                        "finishReason": {"reason": "endoftext"},
                    }
                ],
            },
            ["Hey"],
            "endoftext",
        ),  # AI21 Jurassic
        (
            {
                "inputTextTokenCount": 3.0,
                "results": [{"tokenCount": 2.0, "outputText": "Yo", "completionReason": "FINISH"}],
            },
            ["Yo"],
            "FINISH",
        ),  # Titan, counts written as floats
    ],
)
def test_native_invoke_bodies(body: dict[str, Any], texts: list[str], finish: str) -> None:
    transcript = transcribe(cassette(body, operation="invoke"))
    assert transcript.kind == BEDROCK
    assert [c.text for c in transcript.choices] == texts
    assert transcript.choices[-1].finish_reason == finish


def test_titan_usage_from_float_counts() -> None:
    body = {"inputTextTokenCount": 3.0, "results": [{"tokenCount": 2.0, "outputText": "Yo"}]}
    usage = transcribe(cassette(body, operation="invoke")).usage
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (3, 2, 5)


def test_a_chunk_that_does_not_decode_is_left_as_it_is() -> None:
    frame = {"chunk": {"bytes": "not base64 json!"}}
    assert decode_chunk(frame) is frame
    assert transcribe(cassette([frame])).kind == "other"


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=1, max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=8),
)
def test_any_chunking_gives_the_same_text_and_input(text: str, cuts: list[int]) -> None:
    arguments = json.dumps({"q": text})
    bounds = sorted({0, len(text), *[c % (len(text) + 1) for c in cuts]})
    arg_bounds = sorted({0, len(arguments), *[c % (len(arguments) + 1) for c in cuts]})
    frames = [text_delta(text[a:b]) for a, b in pairwise(bounds)]
    frames.append(
        {
            "contentBlockStart": {
                "contentBlockIndex": 1,
                "start": {"toolUse": {"toolUseId": "t", "name": "f"}},
            }
        }
    )
    for a, b in pairwise(arg_bounds):
        frames.append(
            {
                "contentBlockDelta": {
                    "contentBlockIndex": 1,
                    "delta": {"toolUse": {"input": arguments[a:b]}},
                }
            }
        )
    choice = transcribe(cassette(frames)).choices[0]
    assert choice.text == text
    assert choice.tool_calls[0].arguments_json == {"q": text}
