"""cli.core.edit.scrub: what is redacted where, what is reported, and that a second scrub
changes nothing."""

from __future__ import annotations

import copy
import itertools
import json
import re
from typing import Any
from unittest import mock

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core import secrets
from cli.core.edit.scrub import ScrubOptions, _Need, scrub
from cli.core.formats.llamastack import codec
from cli.core.secrets.streams import stream_fields
from tests.core.secrets.test_secrets import ALL_FAKES, FAKES, URLSAFE, rand

KEY = FAKES["openai-key"][1]
GROQ = FAKES["groq-key"][0]


def doc(**request: Any) -> dict[str, Any]:
    base = {"method": "POST", "url": "http://localhost:8000/v1/chat/completions", "headers": {}}
    return {"request": {**base, **request}, "response": {"body": {}, "is_streaming": False}}


def chunk(content: str | None = None, index: int = 0, **delta: Any) -> dict[str, Any]:
    if content is not None:
        delta["content"] = content
    choice = {"index": index, "delta": delta, "finish_reason": None}
    return {"__type__": "openai.ChatCompletionChunk", "__data__": {"choices": [choice]}}


def stream(*chunks: dict[str, Any]) -> dict[str, Any]:
    data = doc(body={"model": "m", "messages": []})
    data["response"] = {"body": list(chunks), "is_streaming": True}
    return data


def dumped(data: Any) -> str:
    return orjson.dumps(data).decode()


def leftovers(data: dict[str, Any]) -> list[str]:
    """Every detectable secret still in `data`: in one string, or across stream chunks."""
    found = [m.value for _, text in secrets.iter_strings(data) for m in secrets.find_in_text(text)]
    for slots in stream_fields(data):
        found += [m.value for m in secrets.find_in_text("".join(p[k] for p, k, _ in slots))]
    return found


# headers -------------------------------------------------------------------


def test_headers_redacted_in_request_response_and_nested_any_case() -> None:
    data = doc(headers={"AUTHORIZATION": f"Bearer {KEY}", "x-API-key": GROQ, "Accept": "json"})
    data["response"] = {
        "body": {
            "__data__": {"sdk_http_response": {"headers": {"X-Goog-Api-Key": "AIza-plain"}}},
        },
        "headers": {"Set-Cookie": ["a=1", "<REDACTED:header>", "b=2"], "Date": "today"},
    }
    changes = scrub(data)
    assert data["request"]["headers"] == {
        "AUTHORIZATION": "<REDACTED:header>",
        "x-API-key": "<REDACTED:header>",
        "Accept": "json",
    }
    nested = data["response"]["body"]["__data__"]["sdk_http_response"]["headers"]
    assert nested == {"X-Goog-Api-Key": "<REDACTED:header>"}
    assert data["response"]["headers"]["Set-Cookie"] == ["<REDACTED:header>"] * 3
    assert data["response"]["headers"]["Date"] == "today"
    assert [c.pointer for c in changes] == [
        "/request/headers/AUTHORIZATION",
        "/request/headers/x-API-key",
        "/response/headers/Set-Cookie/0",
        "/response/headers/Set-Cookie/2",
        "/response/body/__data__/sdk_http_response/headers/X-Goog-Api-Key",
    ]
    assert changes[0].description == "/request/headers/AUTHORIZATION: header Bear…" + KEY[-4:]
    assert changes[0].secret == f"Bearer {KEY}"


def test_header_options_add_keep_and_remove() -> None:
    headers = {"X-Tenant": "acme-42", "Cookie": "session=1", "X-Csrf-Token": "t0k3n"}
    data = doc(headers=dict(headers))
    scrub(data, options=ScrubOptions(headers=("x-tenant",), keep_headers=("cookie", "x-csrf-*")))
    assert data["request"]["headers"] == {**headers, "X-Tenant": "<REDACTED:header>"}
    data = doc(headers=dict(headers))
    changes = scrub(data, options=ScrubOptions(remove_headers=True))
    assert data["request"]["headers"] == {"X-Tenant": "acme-42"}
    assert [c.description.split(": ", 1)[1] for c in changes] == [
        "header removed: s…1",
        "header removed: …",
    ]


# URLs ----------------------------------------------------------------------


def test_url_userinfo_and_credential_parameters() -> None:
    url = "https://bot:hunter2hunter2@api.example.com/v1?api_key=abc123&model=x&X-Amz-Date=20250101"
    data = doc(url=url)
    changes = scrub(data)
    assert data["request"]["url"] == (
        "https://bot:<REDACTED:url-password>@api.example.com/v1"
        "?api_key=<REDACTED:url-query>&model=x&X-Amz-Date=<REDACTED:url-query>"
    )
    assert [c.description for c in changes] == [
        "/request/url: url-password hu…r2",
        "/request/url: url-query:api_key a…3",
        "/request/url: url-query:X-Amz-Date 2…1",
    ]


def test_placeholder_request_url_and_urls_inside_text() -> None:
    prose = "see https://x.io/f?sig=abc123xyz. Thanks"
    data = doc(url="__databricks__/chat?token=s3cr3tvalue", body={"prompt": prose})
    scrub(data)
    assert data["request"]["url"] == "__databricks__/chat?token=<REDACTED:url-query>"
    assert (
        data["request"]["body"]["prompt"] == "see https://x.io/f?sig=<REDACTED:url-query>. Thanks"
    )


def test_host_rewrite_keeps_port_path_and_userinfo() -> None:
    hosts = (("*.openai.azure.com", "__azure__"),)
    data = doc(url="https://u@myres.OpenAI.azure.com:443/openai/deployments/gpt?x=1")
    data["response"]["body"] = {"error": "cannot reach https://myres.openai.azure.com/x"}
    changes = scrub(data, options=ScrubOptions(hosts=hosts))
    assert data["request"]["url"] == "https://u@__azure__:443/openai/deployments/gpt?x=1"
    assert data["response"]["body"]["error"] == "cannot reach https://__azure__/x"
    assert changes[0].description == "/request/url: host my…om -> __azure__"
    assert scrub(data, options=ScrubOptions(hosts=hosts)) == []


# text ----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "fake"), ALL_FAKES)
def test_each_format_in_prompts_tool_arguments_and_responses(kind: str, fake: str) -> None:
    arguments = json.dumps({"api_key": fake, "city": "Paris"})
    data = doc(
        body={
            "messages": [
                {"role": "system", "content": f"You may use {fake} for the API."},
                {"role": "user", "content": [{"type": "text", "text": f"my key: {fake}"}]},
                {"role": "assistant", "tool_calls": [{"function": {"arguments": arguments}}]},
            ]
        }
    )
    data["response"]["body"] = {"choices": [{"message": {"content": f"Saved {fake}."}}]}
    changes = scrub(data)
    assert fake not in dumped(data) and json.dumps(fake)[1:-1] not in dumped(data)
    assert dumped(data).count(f"<REDACTED:{kind}>") == 4
    assert {c.description.split(": ", 1)[1].split()[0] for c in changes} == {kind}
    assert all(fake not in c.description for c in changes)


def test_context_formats_and_user_patterns_and_literals() -> None:
    basic = "dXNlcjpjb3JyZWN0LWhvcnNl"  # user:correct-horse
    text = f"curl -H 'Authorization: Basic {basic}' -H 'X: Bearer abc123def456ghi789' ACME-1234"
    data = doc(body={"prompt": text, "note": "team hunter2 rules"})
    options = ScrubOptions(patterns=(("acme", r"ACME-\d+"),), literals=("hunter2",))
    scrub(data, options=options)
    assert data["request"]["body"] == {
        "prompt": "curl -H 'Authorization: Basic <REDACTED:basic-auth>' "
        "-H 'X: Bearer <REDACTED:bearer-token>' <REDACTED:acme>",
        "note": "team <REDACTED:literal> rules",
    }


def test_prose_and_base64_images_are_left_alone() -> None:
    image = "data:image/png;base64," + rand(4000, URLSAFE.replace("-", "+").replace("_", "/"))
    prose = "We use sk-learn; ask-questions-about-the-architecture; Bearer of bad news."
    data = doc(body={"messages": [{"content": [{"image_url": {"url": image}}, {"text": prose}]}]})
    before = copy.deepcopy(data)
    assert scrub(data) == [] and data == before


# streams -------------------------------------------------------------------


def test_a_key_split_over_chunks_is_redacted_where_it_starts() -> None:
    pieces = ["Here: ", KEY[:2], KEY[2:9], KEY[9:30], KEY[30:] + " done", "!"]
    data = stream(chunk("Hi", index=1), *[chunk(p) for p in pieces], chunk("x", index=1))
    changes = scrub(data)
    contents = [c["__data__"]["choices"][0]["delta"]["content"] for c in data["response"]["body"]]
    assert contents == ["Hi", "Here: ", "<REDACTED:openai-key>", "", "", " done", "!", "x"]
    assert changes[0].description == (
        f"/response/body/2/__data__/choices/0/delta/content: openai-key sk-p…{KEY[-4:]}"
        " (split over 4 chunks)"
    )
    assert [c.secret for c in changes] == [KEY[:2], KEY[2:9], KEY[9:30], KEY[30:] + " done"]
    assert leftovers(data) == [] and scrub(data) == []


def test_tool_call_arguments_split_over_chunks_interleaved_by_index() -> None:
    arguments = json.dumps({"token": GROQ})
    cut = [0, 5, 20, 40, len(arguments)]
    chunks = []
    for start, end in itertools.pairwise(cut):
        for call in (0, 1):
            tool = {"index": call, "function": {"arguments": arguments[start:end]}}
            chunks.append(chunk(tool_calls=[tool]))
    data = stream(*chunks)
    scrub(data)
    joined = {0: "", 1: ""}
    for item in data["response"]["body"]:
        tool = item["__data__"]["choices"][0]["delta"]["tool_calls"][0]
        joined[tool["index"]] += tool["function"]["arguments"]
    assert joined[0] == joined[1] == '{"token": "<REDACTED:groq-key>"}'


# reports -------------------------------------------------------------------


def test_changes_mask_secrets_and_keep_them_out_of_descriptions() -> None:
    data = doc(headers={"Authorization": f"Bearer {KEY}"}, body={"prompt": f"k={GROQ}"})
    changes = scrub(data)
    assert [c.secret for c in changes] == [f"Bearer {KEY}", GROQ]
    for change in changes:
        assert change.secret not in change.description
        assert KEY[8:-8] not in change.description and GROQ[4:-4] not in change.description


# properties ----------------------------------------------------------------

FAKE_VALUES = [fake for _, fake in ALL_FAKES]
pieces = st.one_of(
    st.text(max_size=8),
    st.sampled_from(FAKE_VALUES),
    st.sampled_from(["Bearer ", " ", "-", "sk-", "https://u:pw@h.io/p?key=", "&sig=", "\n", "é"]),
    st.text(alphabet=URLSAFE, min_size=1, max_size=24),
)
texts = st.lists(pieces, max_size=5).map("".join)


@st.composite
def split_stream(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Chunks of two interleaved choices; some text holds a key cut at random places."""
    text = draw(texts) + draw(st.sampled_from(FAKE_VALUES)) + draw(texts)
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    noise = draw(st.lists(texts, max_size=3))
    chunks = [chunk(part) for part in parts] + [chunk(n, index=1) for n in noise]
    return draw(st.permutations(chunks)) if draw(st.booleans()) else chunks


documents = st.builds(
    lambda url, headers, prompt, reply, chunks: {
        "request": {"url": url, "headers": headers, "body": {"prompt": prompt}},
        "response": {"body": chunks or {"text": reply}, "headers": headers},
    },
    st.one_of(texts, st.sampled_from(["https://a:b@h.io/x?token=t&X-Amz-Date=1", "__x__/y?key=k"])),
    st.dictionaries(st.sampled_from(["Authorization", "cookie", "Date", "X-Api-Key"]), texts),
    texts,
    texts,
    st.one_of(st.just([]), split_stream()),
)
OPTIONS = [
    ScrubOptions(),
    ScrubOptions(remove_headers=True, hosts=(("h.io", "__h__"),), literals=("ab",)),
    ScrubOptions(patterns=(r"\d{3,}",), headers=("date",)),
]


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from(OPTIONS))
def test_scrubbing_twice_gives_the_same_bytes_as_once(data: dict[str, Any], options) -> None:
    once = copy.deepcopy(data)
    scrub(once, options=options)
    twice = copy.deepcopy(once)
    assert scrub(twice, options=options) == []
    assert codec.dump(twice) == codec.dump(once)
    if not options.literals and not options.patterns:
        assert leftovers(once) == []


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from(OPTIONS))
def test_the_quick_look_never_skips_a_file_the_full_pass_would_change(data, options) -> None:
    quick, full = copy.deepcopy(data), copy.deepcopy(data)
    scrub(quick, options=options)
    everything = _Need(headers=True, strings=True)
    with mock.patch("cli.core.edit.scrub._needs_scrub", return_value=everything):
        scrub(full, options=options)
    assert quick == full


def test_markers_survive_and_are_never_rescrubbed() -> None:
    text = "key <REDACTED:openai-key> and url https://h.io/?key=<REDACTED:url-query>"
    data = doc(body={"prompt": text}, headers={"Cookie": "<REDACTED:header>"})
    assert scrub(data) == []
    assert re.search("REDACTED", dumped(data))
