"""request: what was asked, in every provider's request shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.model import Interaction
from cli.core.transcript.request import view_request
from tests.core.transcript.vcr_bodies import Entry


def view(body: dict[str, Any], url: str = "https://example.com/v1/chat/completions"):
    request = {"method": "POST", "url": url, "body": body}
    return view_request(Interaction(Path("mem.yaml"), {"request": request, "response": {}}))


def texts(message) -> list[str]:
    return [part.text for part in message.parts if part.kind == "text"]


def kinds(message) -> list[str]:
    return [part.kind for part in message.parts]


# the corpus: roles, texts and tools of every request, read independently -------------------


def _anthropic_texts(content: Any) -> list[str]:
    """Text blocks, and the text a tool result holds, in order."""
    if isinstance(content, str):
        return [content]
    found = []
    for block in content:
        if block.get("type") == "text":
            found.append(block["text"])
        elif block.get("type") == "tool_result":
            found += _anthropic_texts(block.get("content") or [])
    return found


def _bedrock_texts(content: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in content:
        if "text" in block:
            found.append(block["text"])
        elif "toolResult" in block:
            for item in block["toolResult"]["content"]:
                if "json" in item:
                    found.append(json.dumps(item["json"], ensure_ascii=False))
                elif "text" in item:
                    found.append(item["text"])
    return found


@pytest.mark.corpus
def test_corpus_anthropic_requests(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if "api.anthropic.com/v1/messages" in e.url]
    seen_kinds: set[str] = set()
    for entry in entries:
        body = entry.interaction.request_body
        got = view_request(entry.interaction)
        messages = got.messages
        if "system" in body:
            system, *messages = messages
            assert (system.role, texts(system)) == ("system", _anthropic_texts(body["system"]))
        assert [m.role for m in messages] == [m["role"] for m in body["messages"]], entry.name
        for message, raw in zip(messages, body["messages"], strict=True):
            assert texts(message) == _anthropic_texts(raw["content"]), entry.name
            seen_kinds.update(kinds(message))
            blocks = raw["content"] if isinstance(raw["content"], list) else []
            uses = [
                b for b in blocks if b["type"] in ("tool_use", "server_tool_use", "mcp_tool_use")
            ]
            calls = [p.text for p in message.parts if p.kind == "tool_call"]
            assert calls == [
                f"{b['name']}({json.dumps(b['input'], ensure_ascii=False)})" for b in uses
            ]
        assert [t.name for t in got.tools] == [t["name"] for t in body.get("tools") or []]
        assert "max_tokens" in got.params and "messages" not in got.params
    assert {"text", "image", "tool_call", "tool_result", "reasoning"} <= seen_kinds


@pytest.mark.corpus
def test_corpus_gemini_requests(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if "GenerateContent" in e.url.replace(":g", ":G")]
    assert len(entries) >= 30
    seen_kinds: set[str] = set()
    for entry in entries:
        body = entry.interaction.request_body
        got = view_request(entry.interaction)
        messages = got.messages
        if "systemInstruction" in body:
            system, *messages = messages
            expected = [p["text"] for p in body["systemInstruction"]["parts"]]
            assert (system.role, texts(system)) == ("system", expected)
        contents = body["contents"]
        assert [m.role for m in messages] == [c.get("role", "user") for c in contents]
        for message, raw in zip(messages, contents, strict=True):
            expected = [p["text"] for p in raw["parts"] if "text" in p and not p.get("thought")]
            assert texts(message) == expected, entry.name
            calls = [p for p in raw["parts"] if "functionCall" in p or "function_call" in p]
            assert kinds(message).count("tool_call") == len(calls)
            for part, kind in zip(raw["parts"], kinds(message), strict=True):
                if "inlineData" in part:  # the kind follows the MIME type
                    mime = part["inlineData"]["mimeType"].split("/")[0]
                    assert kind == (mime if mime in ("image", "audio", "video") else "file")
            seen_kinds.update(kinds(message))
        declared = [
            d["name"]
            for tool in body.get("tools") or []
            for d in tool.get("functionDeclarations", [])
        ]
        assert [
            t.name for t in got.tools if t.name[0].islower() and "Search" not in t.name
        ] == declared
        assert "contents" not in got.params and "systemInstruction" not in got.params
    assert {"text", "audio", "tool_call", "tool_result"} <= seen_kinds


@pytest.mark.corpus
def test_corpus_bedrock_converse_requests(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if "bedrock-runtime" in e.url and "/converse" in e.url]
    assert len(entries) >= 12
    for entry in entries:
        body = entry.interaction.request_body
        got = view_request(entry.interaction)
        messages = got.messages
        if body.get("system"):
            system, *messages = messages
            assert texts(system) == [b["text"] for b in body["system"] if "text" in b]
        assert [m.role for m in messages] == [m["role"] for m in body["messages"]]
        for message, raw in zip(messages, body["messages"], strict=True):
            assert texts(message) == _bedrock_texts(raw["content"])
            assert kinds(message).count("tool_call") == sum("toolUse" in b for b in raw["content"])
            assert kinds(message).count("tool_result") == sum(
                "toolResult" in b for b in raw["content"]
            )
        specs = [
            t["toolSpec"]["name"]
            for t in (body.get("toolConfig") or {}).get("tools", [])
            if "toolSpec" in t
        ]
        assert [t.name for t in got.tools] == specs
        assert "toolConfig" not in got.params or "tools" not in got.params["toolConfig"]
        assert got.params.get("inferenceConfig") == body.get("inferenceConfig")


@pytest.mark.corpus
def test_corpus_responses_requests(vcr_corpus: list[Entry]) -> None:
    entries = [
        e for e in vcr_corpus if e.url.split("?")[0].endswith(("/responses", "/responses/compact"))
    ]
    assert len(entries) >= 40
    for entry in entries:
        body = entry.interaction.request_body
        got = view_request(entry.interaction)
        messages = got.messages
        if body.get("instructions") is not None:
            system, *messages = messages
            assert (system.role, texts(system)) == ("system", [body["instructions"]])
        items = (
            body["input"]
            if isinstance(body["input"], list)
            else [{"role": "user", "content": body["input"]}]
        )
        assert len(messages) == len(items), entry.name
        for message, item in zip(messages, items, strict=True):
            kind = item.get("type", "message")
            if kind == "message":
                assert message.role == item["role"]
                content = item["content"]
                expected = (
                    [content]
                    if isinstance(content, str)
                    else [p["text"] for p in content if "text" in p]
                )
                assert texts(message) == expected
            elif kind == "function_call":
                assert message.parts[0].text == f"{item['name']}({item['arguments']})"
            elif kind == "function_call_output":
                assert (
                    message.role == "tool"
                    and message.parts[0].text == f"[result of {item['call_id']}]"
                )
            elif kind == "reasoning":
                assert kinds(message) == ["reasoning"]
        assert "input" not in got.params and "instructions" not in got.params


# handmade ---------------------------------------------------------------------------------


def test_anthropic_blocks() -> None:
    image = {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": "A" * 4096},
    }
    document = {
        "type": "document",
        "title": "report.pdf",
        "source": {"type": "base64", "media_type": "application/pdf", "data": "A" * 8192},
    }
    text_document = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "Notes"},
    }
    body = {
        "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        "messages": [
            {
                "role": "user",
                "content": [{"type": "text", "text": "Look"}, image, document, text_document],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "Hmm.", "signature": "s"},
                    {"type": "redacted_thinking", "data": "x"},
                    {"type": "tool_use", "id": "t1", "name": "read", "input": {"page": 1}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "t1",
                        "content": [{"type": "text", "text": "Page 1"}],
                    },
                    {
                        "type": "tool_result",
                        "tool_use_id": "t2",
                        "content": "plain",
                        "is_error": True,
                    },
                ],
            },
        ],
    }
    system, user, assistant, result = view(body).messages
    assert (system.role, texts(system)) == ("system", ["Be brief."])
    assert [p.text for p in user.parts] == [
        "Look",
        "[image: image/png, 3 KB]",
        "[file: report.pdf, application/pdf, 6 KB]",
        "Notes",
    ]
    assert [(p.kind, p.text) for p in assistant.parts] == [
        ("reasoning", "Hmm."),
        ("reasoning", "[redacted thinking]"),
        ("tool_call", 'read({"page": 1})'),
    ]
    assert [(p.kind, p.text) for p in result.parts] == [
        ("tool_result", "[tool_result of t1]"),
        ("text", "Page 1"),
        ("tool_result", "[tool_result of t2]"),
        ("text", "plain"),
    ]


def test_gemini_rest_request() -> None:
    body = {
        "systemInstruction": {"parts": [{"text": "You are terse."}]},
        "contents": [
            {
                "role": "user",
                "parts": [
                    {"text": "What is this?"},
                    {"inlineData": {"mimeType": "application/pdf", "data": "A" * 2048}},
                    {"fileData": {"mimeType": "video/mp4", "fileUri": "gs://b/v.mp4"}},
                ],
            },
            {
                "role": "model",
                "parts": [
                    {"text": "Let me think", "thought": True},
                    {"functionCall": {"name": "f", "args": {"a": 1}}},
                ],
            },
            {
                "role": "user",
                "parts": [{"functionResponse": {"name": "f", "response": {"ok": True}}}],
            },
        ],
        "tools": [
            {
                "functionDeclarations": [
                    {
                        "name": "f",
                        "description": "F.",
                        "parameters": {
                            "type": "OBJECT",
                            "properties": {"a": {"type": "INTEGER"}},
                            "required": ["a"],
                        },
                    }
                ]
            },
            {"googleSearch": {}},
            {"codeExecution": {}},
        ],
        "generationConfig": {"temperature": 0},
    }
    got = view(
        body,
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
    )
    system, user, model, response = got.messages
    assert texts(system) == ["You are terse."]
    assert [(p.kind, p.text) for p in user.parts] == [
        ("text", "What is this?"),
        ("file", "[file: application/pdf, 2 KB]"),
        ("video", "[video: video/mp4, gs://b/v.mp4]"),
    ]
    assert [(p.kind, p.text) for p in model.parts] == [
        ("reasoning", "Let me think"),
        ("tool_call", 'f({"a": 1})'),
    ]
    assert [(p.kind, p.text) for p in response.parts] == [("tool_result", 'f: {"ok": true}')]
    assert [t.name for t in got.tools] == ["f", "googleSearch", "codeExecution"]
    assert [(p.name, p.type, p.required) for p in got.tools[0].parameters] == [
        ("a", "INTEGER", True)
    ]
    assert got.params == {"generationConfig": {"temperature": 0}}


def test_bedrock_converse_request() -> None:
    body = {
        "system": [{"text": "Answer in French."}, {"cachePoint": {"type": "default"}}],
        "messages": [
            {
                "role": "user",
                "content": [
                    {"text": "Describe"},
                    {"image": {"format": "png", "source": {"bytes": "A" * 1400}}},
                    {"document": {"format": "pdf", "name": "doc", "source": {"bytes": "A" * 1400}}},
                    {"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://b/v.mp4"}}}},
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"reasoningContent": {"reasoningText": {"text": "Think.", "signature": "s"}}},
                    {"toolUse": {"toolUseId": "t1", "name": "lookup", "input": {"q": "x"}}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "toolResult": {
                            "toolUseId": "t1",
                            "content": [{"json": {"r": 1}}, {"text": "done"}],
                        }
                    }
                ],
            },
        ],
        "toolConfig": {
            "tools": [
                {
                    "toolSpec": {
                        "name": "lookup",
                        "description": "Look up.",
                        "inputSchema": {
                            "json": {"type": "object", "properties": {"q": {"type": "string"}}}
                        },
                    }
                }
            ],
            "toolChoice": {"auto": {}},
        },
        "inferenceConfig": {"maxTokens": 100},
    }
    got = view(body, "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse")
    system, user, assistant, result = got.messages
    assert [(p.kind, p.text) for p in system.parts] == [("text", "Answer in French.")]
    assert [(p.kind, p.text) for p in user.parts] == [
        ("text", "Describe"),
        ("image", "[image: png, 1 KB]"),
        ("file", "[file: doc, pdf, 1 KB]"),
        ("video", "[video: mp4, s3://b/v.mp4]"),
    ]
    assert [(p.kind, p.text) for p in assistant.parts] == [
        ("reasoning", "Think."),
        ("tool_call", 'lookup({"q": "x"})'),
    ]
    assert [(p.kind, p.text) for p in result.parts] == [
        ("tool_result", "[result of t1]"),
        ("text", '{"r": 1}'),
        ("text", "done"),
    ]
    assert [(t.name, [p.name for p in t.parameters]) for t in got.tools] == [("lookup", ["q"])]
    assert got.params == {
        "toolConfig": {"toolChoice": {"auto": {}}},
        "inferenceConfig": {"maxTokens": 100},
    }


def test_responses_request_items() -> None:
    body = {
        "model": "gpt-5",
        "instructions": "Be kind.",
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "Hi"},
                    {"type": "input_image", "image_url": "https://x/y.png"},
                    {
                        "type": "input_file",
                        "filename": "a.pdf",
                        "file_data": "data:application/pdf;base64," + "A" * 2048,
                    },
                ],
            },
            {
                "type": "reasoning",
                "id": "rs",
                "summary": [{"type": "summary_text", "text": "Plan."}],
                "encrypted_content": "gAAA",
            },
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": '{"a":1}'},
            {"type": "function_call_output", "call_id": "c1", "output": "42"},
            {
                "type": "web_search_call",
                "id": "ws",
                "status": "completed",
                "action": {"type": "search", "query": "q"},
            },
            {"type": "item_reference", "id": "msg_1"},
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Done"}],
            },
        ],
        "tools": [
            {
                "type": "function",
                "name": "f",
                "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}},
            },
            {"type": "web_search"},
        ],
        "reasoning": {"effort": "low"},
    }
    got = view(body, "https://api.openai.com/v1/responses")
    assert [(m.role, [(p.kind, p.text) for p in m.parts]) for m in got.messages] == [
        ("system", [("text", "Be kind.")]),
        (
            "user",
            [
                ("text", "Hi"),
                ("image", "[image: https://x/y.png]"),
                ("file", "[file: a.pdf, application/pdf, 2 KB]"),
            ],
        ),
        ("assistant", [("reasoning", "Plan.")]),
        ("assistant", [("tool_call", 'f({"a":1})')]),
        ("tool", [("tool_result", "[result of c1]"), ("text", "42")]),
        ("assistant", [("tool_call", 'web_search({"action": {"type": "search", "query": "q"}})')]),
        ("assistant", [("other", "[item msg_1]")]),
        ("assistant", [("text", "Done")]),
    ]
    assert [t.name for t in got.tools] == ["f", "web_search"]
    assert got.params == {"reasoning": {"effort": "low"}}


def test_cohere_v1_request() -> None:
    body = {
        "message": "And now?",
        "preamble": "You are a pirate.",
        "chat_history": [{"role": "USER", "message": "Hi"}, {"role": "CHATBOT", "message": "Arr"}],
        "tools": [
            {
                "name": "db",
                "description": "Query.",
                "parameter_definitions": {"table": {"type": "str", "required": True}},
            }
        ],
        "temperature": 0.3,
    }
    got = view(body, "https://api.cohere.com/v1/chat")
    assert [(m.role, texts(m)) for m in got.messages] == [
        ("system", ["You are a pirate."]),
        ("user", ["Hi"]),
        ("assistant", ["Arr"]),
        ("user", ["And now?"]),
    ]
    assert [(p.name, p.type, p.required) for p in got.tools[0].parameters] == [
        ("table", "str", True)
    ]
    assert got.params == {"temperature": 0.3}


@pytest.mark.parametrize(
    ("body", "role", "expected"),
    [
        (
            {"inputText": "Once upon", "textGenerationConfig": {"maxTokenCount": 10}},
            "prompt",
            ["Once upon"],
        ),  # Titan
        (
            {"texts": ["a", "b"], "input_type": "search_document"},
            "input",
            ["a", "b"],
        ),  # Cohere embed
        (
            {"content": {"parts": [{"text": "embed me"}]}},
            "input",
            ["embed me"],
        ),  # Gemini embedContent
        (
            {"requests": [{"model": "m", "content": {"parts": [{"text": "x"}]}}]},
            "input",
            ["x"],
        ),  # batch
        (
            {"prompt": "<s>[INST] Hi [/INST]", "max_gen_len": 20},
            "prompt",
            ["<s>[INST] Hi [/INST]"],
        ),  # Llama
    ],
)
def test_prompts_of_non_chat_calls(body: dict[str, Any], role: str, expected: list[str]) -> None:
    (message,) = view(body).messages
    assert (message.role, texts(message)) == (role, expected)


def test_openai_chat_media_parts() -> None:
    content = [
        {"type": "input_audio", "input_audio": {"data": "A" * 4096, "format": "wav"}},
        {
            "type": "file",
            "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64," + "A" * 1024},
        },
        {"type": "file", "file": {"file_id": "file-123"}},
    ]
    (message,) = view({"messages": [{"role": "user", "content": content}]}).messages
    assert [p.text for p in message.parts] == [
        "[audio: wav, 3 KB]",
        "[file: a.pdf, application/pdf, 1 KB]",
        "[file: file-123]",
    ]


def test_nesting_too_deep_to_walk_gives_an_empty_view() -> None:
    content: Any = "deep"
    for _ in range(5000):
        content = [{"type": "tool_result", "tool_use_id": "t", "content": content}]
    got = view({"messages": [{"role": "user", "content": content}]})
    assert got.messages == [] and got.tools == []


@pytest.mark.parametrize(
    ("body", "part"),
    [
        (
            {"__media__": {"content_type": "image/png", "bytes": 12345}},
            ("image", "[image: image/png, 12 KB]"),
        ),
        (
            {"__media__": {"content_type": "application/x-protobuf", "bytes": 300}},
            ("file", "[file: application/x-protobuf, 300 bytes]"),
        ),
        ({"__encoded__": {"encoding": "br", "bytes": 2048}}, ("other", "[br-encoded, 2 KB]")),
    ],
)
def test_a_body_the_reader_summarized(body: dict[str, Any], part: tuple[str, str]) -> None:
    got = view(body)
    assert [(m.role, [(p.kind, p.text) for p in m.parts]) for m in got.messages] == [
        ("input", [part])
    ]
    assert got.params == {}


_REQUEST_KEYS = st.sampled_from(
    [
        "messages",
        "contents",
        "system",
        "systemInstruction",
        "input",
        "instructions",
        "tools",
        "toolConfig",
        "toolSpec",
        "functionDeclarations",
        "parts",
        "content",
        "role",
        "type",
        "text",
        "source",
        "image",
        "document",
        "toolUse",
        "toolResult",
        "functionCall",
        "functionResponse",
        "inlineData",
        "fileData",
        "tool_calls",
        "function",
        "arguments",
        "chat_history",
        "message",
        "preamble",
        "tool_results",
        "texts",
        "requests",
        "summary",
        "output",
        "call_id",
        "name",
        "parameters",
        "input_schema",
        "inputSchema",
        "json",
        "reasoningContent",
        "thinking",
        "tool_use_id",
        "image_url",
        "file",
        "data",
        "bytes",
    ]
)
_REQUEST_VALUES = st.sampled_from(
    [
        "text",
        "image",
        "tool_use",
        "tool_result",
        "function_call",
        "function_call_output",
        "reasoning",
        "message",
        "input_file",
        "document",
        "user",
        "data:image/png;base64,AAAA",
        "",
    ]
)
_REQUEST_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _REQUEST_VALUES,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(_REQUEST_KEYS, children, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(body=st.dictionaries(_REQUEST_KEYS, _REQUEST_JSON, max_size=6), responses=st.booleans())
def test_request_shaped_junk_never_raises(body: dict[str, Any], responses: bool) -> None:
    got = view(body, "https://api.openai.com/v1/responses" if responses else "https://x/v1/chat")
    for message in got.messages:
        assert isinstance(message.role, str)
        assert all(isinstance(part.text, str) for part in message.parts)
    assert all(isinstance(tool.name, str) for tool in got.tools)


def test_a_required_list_of_odd_values_names_only_its_strings() -> None:
    """`{"required": [[1], {"x": 1}, 2, "a"]}` from a damaged file: no traceback (a list
    can't be looked up as a name); the one name it holds is still required."""
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "f",
                    "parameters": {
                        "type": "object",
                        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                        "required": [[1], {"x": 1}, 2, "a"],
                    },
                },
            }
        ],
    }
    got = view(body, "http://localhost/v1/chat/completions")
    assert [(p.name, p.required) for p in got.tools[0].parameters] == [("a", True), ("b", False)]
