"""Every per-file rule of `validate`: a cassette built to break it (a mutation of a good
sample) is flagged with its code, and the unbroken copy is not."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli.core.rules import Finding, Settings, all_rules, check_path
from tests.commands.helpers import SAMPLES

OPENAI_KEY = "sk-proj-Xk3d9Qm2Lp7Rt5Vw8Yz1Ab4Cd6Ef0Gh2Jk5Mn8Pq"
GOOGLE_KEY = "AIzaSyD3x9Qm2Lp7Rt5Vw8Yz1Ab4Cd6Ef0Gh2J"

Data = dict[str, Any]


def sample(name: str) -> Data:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def check(tmp_path: Path, content: Data | bytes, name: str = "cassette.json") -> list[Finding]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = content if isinstance(content, bytes) else json.dumps(content, indent=2).encode()
    path.write_bytes(raw)
    findings, _ = check_path(path, Settings())
    return findings


def codes(findings: list[Finding]) -> set[str]:
    return {finding.code for finding in findings}


def chunks(data: Data) -> list[Data]:
    return [item["__data__"] for item in data["response"]["body"]]


# mutations -------------------------------------------------------------------

SOL = "databricks-chat-stream-sol.json"  # seed 000: one choice, usage on every chunk
N2 = "vllm-chat-stream-n2.json"  # seed 001: n = 2
TOOL = "vllm-chat-stream-tool-call.json"  # seed 003: a streamed tool call
EXCEPTION = "exception-context-length.json"
WHOLE = "openai-chat-nonstream.json"
SSE = "anthropic-messages-sse.json"  # llama-stack's raw SSE passthrough of Anthropic


def _cut_sse(data: Data) -> None:
    body = data["response"]["body"]
    data["response"]["body"] = body[: body.index("event: message_stop")]


def _fix_url(data: Data) -> None:
    data["request"]["url"] = data["request"]["url"].replace("/v1/v1/", "/v1/")


def _append_chunk(data: Data, content: str | None, finish: str | None) -> None:
    extra = copy.deepcopy(data["response"]["body"][-1])
    extra["__data__"]["choices"][0]["delta"]["content"] = content
    extra["__data__"]["choices"][0]["finish_reason"] = finish
    data["response"]["body"].append(extra)


def _no_tool_head(data: Data) -> None:
    call = chunks(data)[2]["choices"][0]["delta"]["tool_calls"][0]
    call["id"] = None
    call["function"]["name"] = None


def _usage(data: Data) -> None:
    chunks(data)[0]["usage"]["total_tokens"] += 1


def _wrapper_without_data(data: Data) -> None:
    del data["response"]["body"][0]["__data__"]


def _secret_header(data: Data) -> None:
    data["request"]["headers"] = {"Authorization": f"Bearer {OPENAI_KEY}"}


def _secret_url(data: Data) -> None:
    data["request"]["url"] += f"?key={GOOGLE_KEY}"


def _secret_body(data: Data) -> None:
    data["request"]["body"]["messages"][0]["content"] += f" (my key is {OPENAI_KEY})"


Mutation = Callable[[Data], None]
# code -> (sample, how to break it, how to clean the sample first)
CASES: dict[str, tuple[str, Mutation, Mutation | None]] = {
    "S003": (SOL, lambda d: d.pop("response"), None),
    "S004": (SOL, lambda d: d["request"].pop("url"), None),
    "S005": (SOL, lambda d: d.update(request={"comment": "no shape"}), None),
    "S006": (SOL, lambda d: d["response"].update(is_streaming="yes"), None),
    "S007": (SOL, _wrapper_without_data, None),
    "C001": (SOL, lambda d: d["response"].update(body=d["response"]["body"][0]), None),
    "C002": (SOL, lambda d: d["request"]["body"].update(stream=False), None),
    "C003": (SOL, lambda d: d["request"].update(model="another-model"), None),
    "C004": (SOL, lambda d: d["request"].update(endpoint="/v1/embeddings"), None),
    "C005": (SOL, lambda d: d["request"].update(url="http://x/v1/v1/chat/completions"), _fix_url),
    "C006": (SOL, lambda d: chunks(d)[2].update(id="chatcmpl_other"), None),
    "C007": (SOL, lambda d: chunks(d)[2].update(model="another-model"), None),
    "C008": (SOL, lambda d: chunks(d)[2].update(object="chat.completion"), None),
    "C009": (SOL, lambda d: chunks(d)[2].update(created=chunks(d)[1]["created"] - 60), None),
    "T001": (SOL, lambda d: d["response"].update(body=[]), None),
    "T002": (N2, lambda d: d["request"]["body"].update(n=1), None),
    "T003": (SOL, lambda d: chunks(d)[-1]["choices"][0].update(finish_reason=None), None),
    "T004": (SOL, lambda d: _append_chunk(d, "", "stop"), None),
    "T005": (SOL, lambda d: _append_chunk(d, " And more.", None), None),
    "T006": (TOOL, _no_tool_head, None),
    "T007": (
        TOOL,
        lambda d: chunks(d)[7]["choices"][0]["delta"]["tool_calls"][0]["function"].update(
            arguments=" CA"
        ),
        None,
    ),
    "T008": (SOL, _usage, None),
    "T009": (EXCEPTION, lambda d: d["response"].pop("exception_data"), None),
    "T010": (SSE, _cut_sse, None),
    "K001": (SOL, _secret_header, None),
    "K002": (SOL, _secret_url, None),
    "K003": (SOL, _secret_body, None),
    "K004": (
        SOL,
        lambda d: d["request"].update(body="grant_type=x&client_secret=s3cr3tV4lue"),
        None,
    ),
    "K005": (
        SOL,
        lambda d: d["request"].update(headers={"openai-organization": "org-4f9a2b7c1d8e"}),
        None,
    ),
}


def test_every_per_file_rule_has_a_case() -> None:
    # L: cross-file; V: VCR cassettes (tests/core/rules/test_rules_vcr.py)
    per_file = {code for code in all_rules() if code[0] not in "LV"} - {"S001", "S002"}
    assert per_file == set(CASES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_broken_copy_is_flagged(code: str, tmp_path: Path) -> None:
    name, mutate, clean = CASES[code]
    data = sample(name)
    if clean:
        clean(data)
    mutate(data)
    findings = check(tmp_path, data)
    assert code in codes(findings), findings
    finding = next(f for f in findings if f.code == code)
    assert finding.severity == all_rules()[code].severity
    assert finding.path == str(tmp_path / "cassette.json")
    assert finding.message and "\n" not in finding.message


@pytest.mark.parametrize("code", sorted(CASES))
def test_clean_copy_is_not_flagged(code: str, tmp_path: Path) -> None:
    name, _, clean = CASES[code]
    data = sample(name)
    if clean:
        clean(data)
    assert code not in codes(check(tmp_path, data))


# structure details -------------------------------------------------------------


def test_truncated_file_is_s001_with_line_and_column(tmp_path: Path) -> None:
    raw = (SAMPLES / TOOL).read_bytes()
    findings = check(tmp_path, raw[: len(raw) // 2])
    assert [f.code for f in findings] == ["S001"]
    assert findings[0].line == 1  # the seeds are one collapsed line
    assert "column" in findings[0].message
    pretty = json.dumps(sample(TOOL), indent=2).encode()
    findings = check(tmp_path, pretty.replace(b'"stream": true', b'"stream": tru', 1))
    line = pretty[: pretty.index(b'"stream": true')].count(b"\n") + 1
    assert (findings[0].code, findings[0].line) == ("S001", line)


@pytest.mark.parametrize("raw", [b"", b"\xff\xfe{}", b"{} {}"])
def test_empty_or_undecodable_file_is_s001(raw: bytes, tmp_path: Path) -> None:
    assert codes(check(tmp_path, raw)) == {"S001"}


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"null", b"42"])
def test_top_level_not_an_object_is_s002(raw: bytes, tmp_path: Path) -> None:
    findings = check(tmp_path, raw)
    assert codes(findings) == {"S002"}


def test_each_request_shape_has_its_required_fields(tmp_path: Path) -> None:
    tool = {
        "test_id": "t.py::test_a",
        "request": {"test_id": "t.py::test_a", "provider": "tavily", "tool_name": "web_search"},
        "response": {"body": {}, "is_streaming": False},
    }
    findings = check(tmp_path, tool)
    assert [(f.code, f.pointer) for f in findings] == [("S004", "/request/kwargs")]
    assert "tool invocation" in findings[0].message
    tool["request"]["kwargs"] = {"query": "x"}
    assert not check(tmp_path, tool)
    raw_http = {
        "request": {"url": "http://x/v1/messages", "method": "POST", "payload": {}},
        "response": {"body": {}, "is_streaming": False, "status": 200},
    }
    assert not check(tmp_path, raw_http)
    del raw_http["request"]["method"]
    assert [f.pointer for f in check(tmp_path, raw_http)] == ["/request/method"]


def test_is_streaming_missing_and_body_missing(tmp_path: Path) -> None:
    data = sample(WHOLE)
    del data["response"]["is_streaming"]
    del data["response"]["body"]
    pointers = {(f.code, f.pointer) for f in check(tmp_path, data) if f.code[0] == "S"}
    assert pointers == {("S006", "/response/is_streaming"), ("S004", "/response/body")}


def test_data_without_type_is_s007(tmp_path: Path) -> None:
    data = sample(WHOLE)
    del data["response"]["body"]["__type__"]
    findings = [f for f in check(tmp_path, data) if f.code == "S007"]
    assert [f.pointer for f in findings] == ["/response/body"]


# consistency details -----------------------------------------------------------


def test_endpoint_placeholders_and_doubled_prefix_fit(tmp_path: Path) -> None:
    data = sample(SOL)  # url: __databricks__/serving-endpoints/v1/chat/completions
    assert not codes(check(tmp_path, data)) & {"C004", "C005"}
    for url, endpoint in [
        ("vertexai:///generate_content", "/generate_content"),
        ("http://localhost:8000/v1/v1/chat/completions", "/v1/chat/completions"),
        ("https://x.azure.com/openai/v1/v1/embeddings", "/v1/embeddings"),
        ("http://localhost:11434/v1/chat/completions", "/chat/completions"),
    ]:
        data["request"].update(url=url, endpoint=endpoint)
        assert "C004" not in codes(check(tmp_path, data)), url


def test_model_lists_are_non_streamed_lists(tmp_path: Path) -> None:
    assert "C001" not in codes(check(tmp_path, sample("openai-model-list.json")))
    data = sample(SOL)
    data["response"]["is_streaming"] = False
    data["request"]["body"]["stream"] = False
    assert "C001" in codes(check(tmp_path, data))


def test_recorded_exceptions_skip_the_stream_flag_check(tmp_path: Path) -> None:
    data = sample(EXCEPTION)
    data["request"]["body"]["stream"] = True  # llama-stack records exceptions unstreamed
    assert "C002" not in codes(check(tmp_path, data))


def test_azure_and_tgi_empty_chunk_fields_are_not_mixed(tmp_path: Path) -> None:
    data = sample(SOL)
    chunks(data)[0].update(id="", model="", object="")  # Azure's prompt_filter_results chunk
    assert not codes(check(tmp_path, data)) & {"C006", "C007", "C008"}


def test_a_raw_item_in_a_typed_stream_is_c008(tmp_path: Path) -> None:
    data = sample(SOL)
    data["response"]["body"][2] = data["response"]["body"][2]["__data__"]
    assert "C008" in codes(check(tmp_path, data))


# stream details -----------------------------------------------------------------


def test_tgi_tool_call_streams_end_without_finish_reason(tmp_path: Path) -> None:
    data = sample(TOOL)
    data["response"]["body"].pop()  # the chunk with finish_reason and no arguments
    assert "T003" not in codes(check(tmp_path, data))
    chunks(data)[-1]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] = " C"
    assert {"T003", "T007"} <= codes(check(tmp_path, data))


def test_exception_cuts_a_stream_short_without_findings(tmp_path: Path) -> None:
    data = sample(SOL)
    chunks(data)[-1]["choices"][0]["finish_reason"] = None
    data["response"].update(is_exception=True, exception_data={"type": "APIError"})
    assert not codes(check(tmp_path, data)) & {"T001", "T003"}
    data["response"]["body"] = []
    assert not codes(check(tmp_path, data)) & {"T001", "T003"}


def test_whole_message_tool_arguments_must_be_json(tmp_path: Path) -> None:
    data = sample(WHOLE)
    message = data["response"]["body"]["__data__"]["choices"][0]["message"]
    message["tool_calls"] = [
        {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{x"}}
    ]
    findings = [f for f in check(tmp_path, data) if f.code == "T007"]
    assert len(findings) == 1 and "{x" in findings[0].message


def test_tool_arguments_in_messages_never_show_a_secret(tmp_path: Path) -> None:
    data = sample(TOOL)
    piece = chunks(data)[7]["choices"][0]["delta"]["tool_calls"][0]["function"]
    piece["arguments"] = f' CA", "key": "{OPENAI_KEY}"'
    findings = check(tmp_path, data)
    assert "T007" in codes(findings)
    assert all(OPENAI_KEY not in f.message for f in findings)


def test_each_choice_is_judged_on_its_own(tmp_path: Path) -> None:
    data = sample(N2)
    assert not codes(check(tmp_path, data)) & {"T002", "T003", "T004", "T005"}
    last = [c for c in chunks(data) if c["choices"] and c["choices"][0]["index"] == 1][-1]
    last["choices"][0]["finish_reason"] = None
    findings = [f for f in check(tmp_path, data) if f.code == "T003"]
    assert len(findings) == 1 and "choice 1" in findings[0].message


# secrets details ----------------------------------------------------------------


def test_secrets_are_masked_in_every_message(tmp_path: Path) -> None:
    data = sample(SOL)
    for mutate in (_secret_header, _secret_url, _secret_body):
        mutate(data)
    findings = check(tmp_path, data)
    assert {"K001", "K002", "K003"} <= codes(findings)
    for finding in findings:
        assert OPENAI_KEY not in finding.message and GOOGLE_KEY not in finding.message
    header = next(f for f in findings if f.code == "K001")
    assert header.pointer == "/request/headers/Authorization"
    assert header.message.startswith("header Authorization holds a credential (Bearer sk-p")


def test_headers_at_any_depth_any_case(tmp_path: Path) -> None:
    data = sample(WHOLE)
    payload = data["response"]["body"]["__data__"]
    payload["sdk_http_response"] = {"headers": {"X-GOOG-API-KEY": GOOGLE_KEY, "Vary": "Origin"}}
    findings = [f for f in check(tmp_path, data) if f.code.startswith("K")]
    assert [(f.code, f.pointer) for f in findings] == [
        ("K001", "/response/body/__data__/sdk_http_response/headers/X-GOOG-API-KEY")
    ]


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("openai-organization", "user-abc123def456", "K005"),
        ("Anthropic-Organization-Id", "b3206a3e-1c4f-4f5e-9d1a-0a1b2c3d4e5f", "K005"),
        ("set-cookie", "__cf_bm=Zx9.aB3-1700000000-1.0.1.1; path=/; HttpOnly", "K005"),
        ("Cookie", "__cf_bm=Zx9aB3; _cfuvid=Qq7.Lm2-17000", "K005"),
        ("Cookie", "__cf_bm=Zx9aB3; session=eyJhbGciOi9", "K001"),  # a session beside it
        ("set-cookie", "sessionid=8f2k3l4m5n6b7v; path=/", "K001"),
        ("x-api-key", "k3y-of-s0me-kind", "K001"),
    ],
)
def test_identifying_headers_are_info_credentials_are_errors(
    tmp_path: Path, name: str, value: str, code: str
) -> None:
    """An account id or a CDN's session cookie grants no access: K005, info, counted;
    any header that may authenticate stays K001. Both are what scrub removes."""
    data = sample(SOL)
    data["request"]["headers"] = {name: value}
    findings = [f for f in check(tmp_path, data) if f.code in ("K001", "K005")]
    assert [(f.code, f.pointer) for f in findings] == [(code, f"/request/headers/{name}")]
    assert value not in findings[0].message
    assert (findings[0].severity == "info") == (code == "K005")


def test_urls_in_bodies_and_userinfo(tmp_path: Path) -> None:
    data = sample(WHOLE)
    data["request"]["url"] = "https://bob:hunter2-secret@api.example.com/v1/chat/completions"
    data["request"]["body"]["messages"][1]["content"] = [
        {"type": "image_url", "image_url": {"url": "https://cdn.example.com/a.png?token=abc123"}}
    ]
    findings = {(f.code, f.pointer) for f in check(tmp_path, data) if f.code.startswith("K")}
    assert findings == {
        ("K002", "/request/url"),
        ("K002", "/request/body/messages/1/content/0/image_url/url"),
    }


def test_redacted_and_harmless_values_are_clean(tmp_path: Path) -> None:
    data = sample(WHOLE)
    data["request"]["headers"] = {
        "Authorization": "Bearer <REDACTED:bearer-token>",
        "Content-Type": "application/json",
        "x-api-key": "",
    }
    data["request"]["url"] += "?key=<REDACTED:url-query>&page=2"
    data["request"]["body"]["messages"][0]["content"] = "Use sk-learn; ask-questions-freely."
    assert not {f.code for f in check(tmp_path, data) if f.code.startswith("K")}


def test_a_key_in_base64_image_data_is_not_a_key(tmp_path: Path) -> None:
    data = sample(WHOLE)
    blob = "iVBORw0KGgo" * 300 + "AKIAIOSFODNN7EXAMPLE" + "AAAA" * 300
    data["request"]["body"]["messages"][1]["content"] = [
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{blob}"}}
    ]
    assert "K003" not in codes(check(tmp_path, data))
    data["request"]["body"]["messages"][0]["content"] = "AKIAIOSFODNN7EXAMPLE"
    assert "K003" in codes(check(tmp_path, data))


def test_ignored_families_are_not_run(tmp_path: Path) -> None:
    data = sample(SOL)
    _secret_body(data)
    path = tmp_path / "cassette.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    findings, _ = check_path(path, Settings(select=("K",)))
    assert codes(findings) == {"K003"}
    findings, _ = check_path(path, Settings(ignore=("K", "C005")))
    assert not findings
