"""cli.core.edit.rename: where a model is renamed, what is left alone, and A -> B -> A identity."""

from __future__ import annotations

import copy
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cli.core.edit.pipeline import Bound, Mode, run
from cli.core.edit.rename import check_names, rename_in_test_id, rename_model
from cli.core.formats.llamastack import codec, hashing
from cli.errors import UsageError

OLD, NEW = "llama3.2:3b-instruct-fp16", "llama3.2:3b"
CHUNK = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"
MODEL = "openai.types.model.Model"


def chat_stream(model: str = OLD, chunks: int = 3) -> dict[str, Any]:
    return {
        "request": {
            "method": "POST",
            "url": "http://localhost:11434/v1/v1/chat/completions",
            "headers": {},
            "body": {"model": model, "messages": [{"role": "user", "content": "hi"}]},
            "endpoint": "/v1/chat/completions",
            "model": model,
        },
        "response": {
            "body": [
                {"__type__": CHUNK, "__data__": {"id": "c", "created": 1, "model": model}}
                for _ in range(chunks)
            ],
            "is_streaming": True,
        },
    }


def model_list(*ids: str) -> dict[str, Any]:
    return {
        "request": {
            "method": "POST",
            "url": "http://localhost:11434/v1/v1/models",
            "headers": {},
            "body": {},
            "endpoint": "/v1/models",
            "model": "",
        },
        "response": {
            "body": [
                {"__type__": MODEL, "__data__": {"id": i, "created": 5, "object": "model"}}
                for i in ids
            ],
            "is_streaming": False,
        },
    }


def test_renames_request_body_and_every_chunk_with_one_line_per_field() -> None:
    data = chat_stream()
    changes = rename_model(data, old=OLD, new=NEW)
    assert data["request"]["model"] == data["request"]["body"]["model"] == NEW
    assert all(item["__data__"]["model"] == NEW for item in data["response"]["body"])
    assert [c.description for c in changes] == [
        f"/request/model: {OLD} -> {NEW}",
        f"/request/body/model: {OLD} -> {NEW}",
        f"/response/body/*/__data__/model: {OLD} -> {NEW} (3 chunks)",
    ]
    assert changes[2].pointer == "/response/body/0/__data__/model"


def test_a_single_response_object_is_named_by_its_own_pointer() -> None:
    data = chat_stream(chunks=1)
    data["response"]["body"] = data["response"]["body"][0]
    changes = rename_model(data, old=OLD, new=NEW, scope="response")
    assert [c.description for c in changes] == [f"/response/body/__data__/model: {OLD} -> {NEW}"]
    assert data["request"]["model"] == OLD  # scope response leaves the request


def test_scope_request_leaves_the_response() -> None:
    data = chat_stream()
    rename_model(data, old=OLD, new=NEW, scope="request")
    assert data["request"]["body"]["model"] == NEW
    assert {item["__data__"]["model"] for item in data["response"]["body"]} == {OLD}


def test_raw_passthrough_payload_raw_body_and_sse_lines_are_renamed() -> None:
    """Since issue 13 the JSON inside `data:` lines is a response item too: the model in
    a raw passthrough's SSE lines is renamed, each line keeping its own JSON style."""
    data = {
        "request": {"url": "http://x/v1/messages", "method": "POST", "payload": {"model": OLD}},
        "response": {
            "body": [
                "event: message_start",
                f'data: {{"type":"message_start","message":{{"model":"{OLD}"}}}}  ',
                "",
                f'data: {{"model": "{OLD}", "n": 1}}',
                "data: [DONE]",
                {"model": OLD},
            ]
        },
    }
    changes = rename_model(data, old=OLD, new=NEW)
    assert data["request"]["payload"]["model"] == NEW
    assert data["response"]["body"] == [
        "event: message_start",
        f'data: {{"type":"message_start","message":{{"model":"{NEW}"}}}}  ',
        "",
        f'data: {{"model": "{NEW}", "n": 1}}',
        "data: [DONE]",
        {"model": NEW},
    ]
    assert any("/response/body/1/message/model" in change.description for change in changes)


def test_glob_match_renames_every_matching_model_and_nothing_else() -> None:
    data = chat_stream("meta-llama/Llama-3.2-1B")
    other = chat_stream("gpt-4o")
    rename_model(data, old="meta-llama/*", new="local", match="glob")
    assert rename_model(other, old="meta-llama/*", new="local", match="glob") == []
    assert data["request"]["model"] == "local"


def test_model_lists_change_only_when_asked() -> None:
    data = model_list(OLD, "all-minilm:l6-v2")
    assert rename_model(data, old=OLD, new=NEW) == []
    changes = rename_model(data, old=OLD, new=NEW, include_model_lists=True)
    assert [c.description for c in changes] == [f"/response/body/0/__data__/id: {OLD} -> {NEW}"]
    assert data["response"]["body"][0]["__data__"]["created"] == 5


def test_ollama_model_list_entries_rename_model_and_name() -> None:
    entry = {"model": OLD, "name": OLD, "digest": "d"}
    data = {
        "request": {
            "url": "http://x/api/tags",
            "method": "POST",
            "body": {},
            "endpoint": "/api/tags",
        },
        "response": {
            "body": {"__type__": "ollama._types.ListResponse", "__data__": {"models": [entry]}}
        },
    }
    assert rename_model(copy.deepcopy(data), old=OLD, new=NEW) == []
    rename_model(data, old=OLD, new=NEW, include_model_lists=True)
    assert data["response"]["body"]["__data__"]["models"][0] == {
        "model": NEW,
        "name": NEW,
        "digest": "d",
    }


@pytest.mark.parametrize(
    ("old", "new", "match"), [("", "x", "exact"), ("x", "", "exact"), ("x", "x", "exact")]
)
def test_impossible_renames_are_usage_errors(old: str, new: str, match: str) -> None:
    with pytest.raises(UsageError):
        check_names(old, new, match)  # type: ignore[arg-type]


def test_a_model_list_name_follows_its_ids_and_comes_back(tmp_path: Path) -> None:
    data = model_list(OLD, "all-minilm:l6-v2")
    digest = hashing.request_hash(data, "2025")
    name = f"models-{digest[:12]}-{hashing.model_list_digest(data)}.json"
    (tmp_path / name).write_bytes(codec.dump(data))
    there = Bound(rename_model, {"old": OLD, "new": NEW, "include_model_lists": True})
    [result] = run(there, [tmp_path], Mode("in_place"))
    renamed = tmp_path / result.renamed_to
    assert hashing.model_digest_matches(codec.read(renamed)[0], renamed.name) is True
    back = Bound(rename_model, {"old": NEW, "new": OLD, "include_model_lists": True})
    list(run(back, [tmp_path], Mode("in_place")))
    assert [p.name for p in tmp_path.iterdir()] == [name]


# A -> B -> A is the identity, for files and names -----------------------------------


def _library(corpus_dir: Path, sample_dir: Path) -> list[Path]:
    """A few hash-named corpus files of both layouts that use OLD, and the samples."""
    chosen = []
    for layout, count in (("llama-stack-2025-09", 4), ("llama-stack-2026-05-sample", 2)):
        matching = [
            path
            for path in sorted((corpus_dir / layout).rglob("*.json"))
            if f'"model": "{OLD}"'.encode() in path.read_bytes()
            and hashing.name_matches(codec.read(path)[0], path.name)
        ]
        chosen += matching[:count]
    return chosen + sorted(sample_dir.glob("*.json"))


def _models(paths: list[Path]) -> set[str]:
    """Models named by requests, and every string that sits in any `"model"` field."""
    found = set()
    for path in paths:
        request = codec.read(path)[0]["request"]
        for holder in (request, request.get("body"), request.get("payload")):
            if isinstance(holder, dict) and isinstance(holder.get("model"), str):
                found.add(holder["model"])
        for line in path.read_text().split('"model": "')[1:]:
            found.add(line.split('"', 1)[0])
    return found


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_rename_there_and_back_is_byte_identical(
    data: st.DataObject, tmp_path: Path, corpus_dir: Path, sample_dir: Path, copy_writable, snapshot
) -> None:
    sources = _library(corpus_dir, sample_dir)
    models = _models(sources)
    requested = {codec.read(path)[0]["request"].get("model") for path in sources}
    others = st.sampled_from(sorted(requested - {"", None}))
    old = data.draw(st.one_of(st.just(OLD), others), label="old")  # OLD: the hash-named files
    new = data.draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789-.:/_", min_size=1, max_size=30))
    assume(new not in models)
    with tempfile.TemporaryDirectory(dir=tmp_path) as work:
        library = Path(work)
        for index, source in enumerate(sources):
            copy_writable(source, library / str(index) / source.name)
        before = snapshot(library)
        forward = list(run(partial(rename_model, old=old, new=new), [library], Mode("in_place")))
        assert not [r.error for r in forward if r.status == "failed"]
        assert any(r.status == "changed" for r in forward)
        list(run(partial(rename_model, old=new, new=old), [library], Mode("in_place")))
        assert snapshot(library) == before


# the model in test ids (issue 10, case 7) -------------------------------------------

TEST_ID = "tests/integration/agents/test_a.py::test_b[openai_client-txt=ollama/{}-False]"
MIXED = (
    "t.py::f[client_with_models-txt=azure/gpt-4o:emb=sentence-transformers/"
    "nomic-ai/nomic-embed-text-v1.5:dim=768-llama_experts_pdf]"
)


@pytest.mark.parametrize(
    ("test_id", "names", "others", "expected"),
    [
        (TEST_ID.format(OLD), {OLD}, set(), TEST_ID.format(NEW)),
        (TEST_ID.format(OLD), {"llama3.2"}, set(), TEST_ID.format(OLD)),  # not a whole value
        (TEST_ID.format(OLD), {"llama3.2:3b-instruct"}, {OLD}, TEST_ID.format(OLD)),
        (MIXED, {"gpt-4o"}, set(), MIXED.replace("azure/gpt-4o", f"azure/{NEW}")),
        (
            MIXED,
            {"nomic-ai/nomic-embed-text-v1.5"},
            set(),
            MIXED.replace("nomic-ai/nomic-embed-text-v1.5", NEW),
        ),
        (
            "t.py::f[txt=vllm/Qwen/Qwen3-0.6B]",
            {"Qwen3-0.6B"},
            set(),
            "t.py::f[txt=vllm/Qwen/Qwen3-0.6B]",
        ),
        (f"t.py::test_{OLD}", {OLD}, set(), f"t.py::test_{OLD}"),  # not a parameter
    ],
)
def test_the_model_is_renamed_where_it_is_a_parameter_value(
    test_id: str, names: set[str], others: set[str], expected: str
) -> None:
    assert rename_in_test_id(test_id, names, NEW, others) == expected


def test_rename_model_renames_the_test_id_with_the_request() -> None:
    data = chat_stream()
    data["test_id"] = TEST_ID.format(OLD)
    changes = rename_model(data, old=OLD, new=NEW)
    assert data["test_id"] == TEST_ID.format(NEW)
    assert changes[-1].description == f"/test_id: {TEST_ID.format(OLD)} -> {TEST_ID.format(NEW)}"
    untouched = chat_stream()
    untouched["test_id"] = TEST_ID.format(OLD)
    rename_model(untouched, old=OLD, new=NEW, scope="response")
    assert untouched["test_id"] == TEST_ID.format(OLD)


def test_a_renamed_model_list_entry_beside_new_is_dropped() -> None:
    data = model_list(OLD, NEW, "all-minilm:l6-v2")
    changes = rename_model(data, old=OLD, new=NEW, include_model_lists=True)
    assert [item["__data__"]["id"] for item in data["response"]["body"]] == [
        NEW,
        "all-minilm:l6-v2",
    ]
    assert changes[-1].description == (
        f"/response/body/0/__data__: {NEW} -> (dropped: the list already has it)"
    )
    two = model_list("a-1", "a-2")
    rename_model(two, old="a-*", new="a", match="glob", include_model_lists=True)
    assert [item["__data__"]["id"] for item in two["response"]["body"]] == ["a"]


# the model in a URL's path (VCR cassettes) ------------------------------------------------


@pytest.mark.parametrize(
    ("url", "old", "new", "expected"),
    [
        (
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            "gemini-2.5-flash",
            "gemini-x",
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-x:streamGenerateContent?alt=sse",
        ),
        (
            "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent",
            "gemini-2.0-flash",
            "gemini-y",
            "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-y:generateContent",
        ),
        (
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3%3A0/invoke",
            "anthropic.claude-3:0",
            "anthropic.claude-4:1",
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-4%3A1/invoke",
        ),
        (
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.amazon.nova-micro-v1%3a0/converse-stream",
            "us.amazon.nova-micro-v1:0",
            "a/b:c",
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/a%2fb%3ac/converse-stream",
        ),
        (
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-text-express-v1/converse",
            "amazon.titan-text-express-v1",
            "x:1",
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/x%3A1/converse",
        ),
    ],
    ids=["gemini", "vertex", "bedrock-encoded", "bedrock-lowercase-escapes", "bedrock-plain"],
)
def test_the_model_in_a_url_path_is_renamed_and_back(
    url: str, old: str, new: str, expected: str
) -> None:
    data = {"request": {"method": "POST", "url": url, "body": {}}, "response": {}}
    rename_model(data, old=old, new=new)
    assert data["request"]["url"] == expected
    rename_model(data, old=new, new=old)
    assert data["request"]["url"] == url


@pytest.mark.parametrize(
    "url",
    [
        "https://api.openai.com/v1/models",  # a model list names no model
        "https://x.openai.azure.com/openai/deployments/gpt-4o/chat/completions",  # a deployment
        "https://example.com/v1/search?path=/models/gpt-4o:x",  # a query, not the path
    ],
)
def test_urls_that_name_no_model_in_their_path_stay(url: str) -> None:
    data = {"request": {"method": "POST", "url": url, "body": {}}, "response": {}}
    assert rename_model(data, old="gpt-4o", new="other") == []
    assert data["request"]["url"] == url
