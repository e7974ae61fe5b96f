"""The detector's parts that VCR cassettes brought: placeholders already redacted, a SigV4
`Authorization` redacted in its parts, form-encoded credentials, AWS STS XML, and SSE
`data:` lines read by their decoded strings."""

from __future__ import annotations

import random
import string

import pytest

from cli.core import secrets
from cli.core.secrets import (
    find_in_text,
    form_secrets,
    is_placeholder,
    is_placeholder_cookie,
    iter_strings,
    redact_form,
    redact_header,
    stream_fields,
    url_secrets,
)

_rng = random.Random(1313)


def fake(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n - 2)) + "k9"


KEY_ID = "AKIA" + fake(16, string.ascii_uppercase + string.digits).upper()
SIGNATURE = fake(64, "0123456789abcdef")
SIGV4 = (
    f"AWS4-HMAC-SHA256 Credential={KEY_ID}/20250311/us-east-1/bedrock/aws4_request, "
    f"SignedHeaders=content-type;host;x-amz-date, Signature={SIGNATURE}"
)


@pytest.mark.parametrize(
    "value",
    [
        "AUTHORIZATION-XXX",
        "X-API-KEY-XXX",
        "REDACTED",
        "[FILTERED]",
        "<redacted>",
        "DUMMY",
        "sk-DUMMY",
        "dummy-key",
        "Bearer REDACTED",
        "********",
        "<REDACTED:header>",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)
    assert redact_header("authorization", value) == value


@pytest.mark.parametrize(
    "value",
    ["traceloop", "user-r3e61fpak04cbaokp5buoae4", "b320df16-c763-4455-b901-3f7d54e9a012", ""],
)
def test_values_that_are_no_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_a_value_with_a_digit_is_never_a_placeholder() -> None:
    assert not is_placeholder("REDACTED1x")  # a generated key has digits, words don't


def test_cookies_of_placeholders() -> None:
    assert is_placeholder_cookie("__cf_bm=REDACTED; _cfuvid=REDACTED")
    assert is_placeholder_cookie("__cf_bm=REDACTED; path=/; HttpOnly; Secure")
    assert not is_placeholder_cookie(f"__cf_bm={fake(30)}; _cfuvid=REDACTED")
    assert redact_header("cookie", "__cf_bm=REDACTED; _cfuvid=REDACTED").startswith("__cf")
    assert redact_header("Set-Cookie", f"__cf_bm={fake(30)}; path=/") == "<REDACTED:header>"


def test_sigv4_keeps_its_structure() -> None:
    redacted = redact_header("Authorization", SIGV4)
    assert redacted == (
        "AWS4-HMAC-SHA256 Credential=<REDACTED:aws-access-key-id>/20250311/us-east-1/bedrock/"
        "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
        "Signature=<REDACTED:aws-signature>"
    )
    assert redact_header("Authorization", redacted) == redacted  # idempotent
    assert KEY_ID not in redacted and SIGNATURE not in redacted


def test_other_authorization_values_become_one_marker() -> None:
    assert redact_header("authorization", f"Bearer sk-{fake(40)}") == "<REDACTED:header>"
    assert redact_header("x-api-key", "   ") == "   "  # nothing to redact


def test_form_bodies() -> None:
    secret, token = fake(30), fake(40)
    body = f"grant_type=refresh_token&client_id=abc&client_secret={secret}&refresh_token={token}"
    assert form_secrets(body) == [("form:client_secret", secret), ("form:refresh_token", token)]
    redacted, parts = redact_form(body)
    assert redacted == (
        "grant_type=refresh_token&client_id=abc&client_secret=<REDACTED:form-param>"
        "&refresh_token=<REDACTED:form-param>"
    )
    assert parts == ["form:client_secret", "form:refresh_token"]
    assert form_secrets(redacted) == [] and redact_form(redacted) == (redacted, [])
    assistant = (
        f"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={token}"
    )
    assert [part for part, _ in form_secrets(assistant)] == ["form:assertion"]


@pytest.mark.parametrize(
    "text",
    [
        '{"client_secret": "x"}',  # JSON, not a form
        "client_secret is what you need",  # prose
        "client_secret=REDACTED&refresh_token=DUMMY",  # placeholders
    ],
)
def test_what_is_no_form_credential(text: str) -> None:
    assert form_secrets(text) == []


def test_url_placeholders_are_no_findings() -> None:
    assert url_secrets("https://x.test/v1?key=REDACTED&alt=sse") == []
    assert url_secrets(f"https://x.test/v1?key={fake(39)}") != []


def test_sts_xml_credentials() -> None:
    key_id = "ASIA" + fake(16, string.ascii_uppercase + string.digits).upper()
    secret, token = fake(40, string.ascii_letters + string.digits + "/+"), fake(120)
    xml = (
        f"<Credentials><AccessKeyId>{key_id}</AccessKeyId><SecretAccessKey>{secret}"
        f"</SecretAccessKey><SessionToken>{token}</SessionToken></Credentials>"
    )
    found = {(m.kind, m.value) for m in find_in_text(xml)}
    assert found == {
        ("aws-access-key-id", key_id),
        ("aws-secret-access-key", secret),
        ("aws-session-token", token),
    }


def test_sse_lines_are_walked_by_their_decoded_strings() -> None:
    key = "sk-proj-" + fake(44)
    line = 'data: {"choices":[{"index":0,"delta":{"content":"here:\\n' + key + '"}}]}'
    assert find_in_text(line) == []  # `\n` as written leaves no boundary before the key
    strings = dict(iter_strings({"response": {"body": ["event: x", line, ""]}}))
    pointer = "/response/body/1/choices/0/delta/content"
    assert strings[pointer] == "here:\n" + key
    assert [m.value for m in find_in_text(strings[pointer])] == [key]


def test_sse_events_group_by_their_own_index() -> None:
    """Anthropic's content blocks and OpenAI's choices are told apart when joined."""
    lines = [
        'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}',
        'data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"b"}}',
        'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"c"}}',
    ]
    groups = stream_fields({"response": {"body": lines}})
    assert [[path for _, _, path in slots] for slots in groups] == [
        [("response", "body", 0, "delta", "text"), ("response", "body", 2, "delta", "text")]
    ]
    line, inside, _ = groups[0][1]
    assert line[inside] == "c"
    line[inside] = "C"
    assert lines[2].endswith('"text":"C"}}') and secrets.MARKER_PREFIX not in lines[2]
