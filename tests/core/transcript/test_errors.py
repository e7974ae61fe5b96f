"""errors: HTTP errors in each provider's words, other shapes, and never raising."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.model import Interaction
from cli.core.transcript.model import ERROR, OTHER
from cli.core.transcript.reassemble import transcribe
from cli.core.transcript.request import view_request
from tests.core.transcript.vcr_bodies import Entry


def cassette(body: Any, status: int = 200, headers: dict[str, Any] | None = None) -> Interaction:
    request = {"method": "POST", "url": "https://example.com/v1/x", "body": {}}
    response = {"status": status, "headers": headers or {}, "body": body}
    return Interaction(Path("mem.yaml"), {"request": request, "response": response})


def _message_of(body: Any) -> Any:
    """The provider's message, read independently: `error.message`, `error`, `message`."""
    if isinstance(body, list):
        body = body[0]
    error = body.get("error")
    if isinstance(error, dict):
        return error.get("message")
    return error if isinstance(error, str) else body.get("message")


@pytest.mark.corpus
def test_every_corpus_error_status_gives_the_providers_message(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if e.status >= 400]
    assert len(entries) >= 9  # OpenAI, Azure, Bedrock (converse and converse-stream), crewAI
    for entry in entries:
        transcript = transcribe(entry.interaction)
        assert transcript.kind == ERROR, entry.name
        assert transcript.error.status == entry.status
        assert transcript.error.message == _message_of(entry.body), entry.name


@pytest.mark.corpus
def test_every_corpus_interaction_transcribes_and_views_without_raising(
    vcr_corpus: list[Entry],
) -> None:
    kinds = {}
    for entry in vcr_corpus:
        kinds[entry.name] = transcribe(entry.interaction).kind
        view_request(entry.interaction)
    # what is left as `other` is not a model's answer: media downloads, telemetry, the
    # Assistants API, Weaviate, file stores, token counting
    not_answers = (
        "/v1/threads",
        "/v1/assistants",
        "fileSearchStores",
        "/count-tokens",
        "localhost:8080",
        "crewai.com",
        "agno.com",
        "pypi.org",
    )
    media = ("image/", "audio/", "video/", "application/pdf", "application/octet-stream")
    others = [e for e in vcr_corpus if kinds[e.name] == OTHER]
    unexplained = [
        e.name
        for e in others
        if not any(part in e.url for part in not_answers) and not e.content_type.startswith(media)
    ]
    assert not unexplained
    assert len(others) < len(vcr_corpus) // 5


@pytest.mark.parametrize(
    ("body", "headers", "kind", "message"),
    [
        (
            {"error": {"message": "Invalid key", "type": "invalid_request_error", "code": "x"}},
            {},
            "invalid_request_error",
            "Invalid key",
        ),  # OpenAI and compatibles
        (
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
            {},
            "overloaded_error",
            "Overloaded",
        ),  # Anthropic
        (
            {"error": {"code": 400, "message": "API key not valid", "status": "INVALID_ARGUMENT"}},
            {},
            "INVALID_ARGUMENT",
            "API key not valid",
        ),  # Gemini
        (
            [{"error": {"code": 429, "message": "Quota", "status": "RESOURCE_EXHAUSTED"}}],
            {},
            "RESOURCE_EXHAUSTED",
            "Quota",
        ),  # Gemini stream
        (
            {"message": "The security token is invalid."},
            {"x-amzn-ErrorType": ["UnrecognizedClientException:http://internal.amazon.com/"]},
            "UnrecognizedClientException",
            "The security token is invalid.",
        ),  # Bedrock
        (
            {"Message": "User is not authorized"},
            {},
            None,
            "User is not authorized",
        ),  # Bedrock, older
        ({"id": "1", "message": "invalid api token"}, {}, None, "invalid api token"),  # Cohere
        (
            {
                "object": "error",
                "message": "Unauthorized",
                "type": "invalid_request_message_error",
                "code": "1000",
            },
            {},
            "invalid_request_message_error",
            "Unauthorized",
        ),  # Mistral
        ({"error": "Model is overloaded"}, {}, None, "Model is overloaded"),  # Hugging Face
        (
            {"detail": "Provided API key is invalid."},
            {},
            None,
            "Provided API key is invalid.",
        ),  # Voyage
        (
            {"detail": [{"loc": ["body", "model"], "msg": "field required", "type": "missing"}]},
            {},
            None,
            "field required",
        ),  # FastAPI servers
        (
            {
                "errors": [{"key": "fail.unauthorized", "description": "Unauthorized"}],
                "tpe": "FailResponse",
            },
            {},
            None,
            "Unauthorized",
        ),  # Writer
        (
            {"statusCode": 401, "message": "Access denied"},
            {},
            None,
            "Access denied",
        ),  # Azure gateway
        ("Bad Gateway", {}, None, None),  # not JSON: the status says it all
        (None, {}, None, None),
    ],
)
def test_provider_error_bodies(
    body: Any, headers: dict[str, Any], kind: str | None, message: str | None
) -> None:
    transcript = transcribe(cassette(body, 400, headers))
    assert transcript.kind == ERROR
    assert (transcript.error.status, transcript.error.type, transcript.error.message) == (
        400,
        kind,
        message,
    )


def test_a_200_body_with_a_message_field_is_not_an_error() -> None:
    assert transcribe(cassette({"message": "hello", "id": "x"})).kind == OTHER


def test_media_and_undecodable_bodies_are_other() -> None:
    for body in (
        {"__media__": {"content_type": "image/png", "bytes": 1234}},
        {"__encoded__": {"encoding": "br", "bytes": 9}},
        "plain text",
    ):
        transcript = transcribe(cassette(body))
        assert (transcript.kind, transcript.raw) == (OTHER, body)


_KEYS = st.sampled_from(
    [
        "output",
        "message",
        "messageStart",
        "contentBlockDelta",
        "contentBlockStart",
        "metadata",
        "delta",
        "toolUse",
        "text",
        "type",
        "event_type",
        "generation",
        "results",
        "outputText",
        "embeddings",
        "embedding",
        "values",
        "candidates",
        "content",
        "choices",
        "status",
        "error",
        "usage",
        "index",
        "chunk",
        "bytes",
        "completion",
        "stop_reason",
        "finish_reason",
        "id",
        "generations",
        "outputs",
        "predictions",
        "tool_calls",
        "response",
        "item",
        "summary",
    ]
)
_VALUES = st.sampled_from(
    [
        "message_start",
        "response.output_text.delta",
        "content-delta",
        "text-generation",
        "stream-end",
        "response",
        "message",
        "function_call",
        "x",
        "",
        "response.completed",
        "tool_use",
    ]
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _VALUES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(body=_JSON, status=st.sampled_from([200, 400, 500]), as_sse=st.booleans())
def test_provider_shaped_junk_never_raises(body: Any, status: int, as_sse: bool) -> None:
    import json

    if as_sse and isinstance(body, list):
        body = [f"data: {json.dumps(item)}" for item in body] + [""]
    interaction = cassette(body, status)
    interaction.data["request"]["body"] = body if isinstance(body, dict) else {"messages": body}
    transcript = transcribe(interaction)
    assert transcript.kind
    view_request(interaction)


@pytest.mark.parametrize(
    ("lines", "kind", "message"),
    [
        (
            ['data: {"error": {"message": "Rate limited", "type": "rate_limit"}}'],
            "rate_limit",
            "Rate limited",
        ),
        (
            [
                "event: error",
                'data: {"type": "error", "error": {"type": "overloaded_error", "message": "Busy"}}',
            ],
            "overloaded_error",
            "Busy",
        ),
        (
            ["event: error", 'data: {"code": "server_error", "message": "Oops"}'],
            "server_error",
            "Oops",
        ),
    ],
)
def test_a_stream_of_nothing_but_an_error(lines: list[str], kind: str, message: str) -> None:
    transcript = transcribe(cassette([*lines, ""]))
    assert (transcript.kind, transcript.error.type, transcript.error.message) == (
        ERROR,
        kind,
        message,
    )
