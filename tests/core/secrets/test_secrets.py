from __future__ import annotations

import base64
import random
import string
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.core import secrets
from cli.core.secrets import find_in_text, mask, redact_text

# Fakes are built here from a seeded generator, never written out, so that no file in the
# repository holds anything that looks like a real key.
_rng = random.Random(20251003)
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        value = "".join(_rng.choice(alphabet) for _ in range(n))
        # keep fakes realistic: generated keys hold digits and both cases
        if alphabet == ALNUM and not (
            any(c.isdigit() for c in value)
            and any(c.isupper() for c in value)
            and any(c.islower() for c in value)
        ):
            continue
        return value


def jwt() -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(b'{"sub":"1234567890","iat":1516239022}').rstrip(b"=")
    return f"{header}.{payload.decode()}.{rand(43, URLSAFE)}"


PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    + "\n".join(rand(64, ALNUM + "+/") for _ in range(4))
    + "\n-----END RSA PRIVATE KEY-----"
)

FAKES: dict[str, list[str]] = {
    "openai-key": [
        "sk-" + rand(48),
        "sk-proj-" + rand(74, URLSAFE) + "T3BlbkFJ" + rand(74, URLSAFE),
        "sk-svcacct-" + rand(60, URLSAFE) + "7Q",
        "sk-admin-" + rand(60, URLSAFE) + "3a",
        "sk-" + rand(32, HEX),  # OpenAI-compatible providers (DeepSeek style)
    ],
    "anthropic-key": [
        "sk-ant-api03-" + rand(93, URLSAFE) + "-AA",
        "sk-ant-admin01-" + rand(93, URLSAFE) + "-AA",
    ],
    "openrouter-key": ["sk-or-v1-" + rand(64, HEX)],
    "google-api-key": ["AIza" + rand(35, URLSAFE)],
    "aws-access-key-id": ["AKIA" + rand(16, UPPER_DIGITS), "ASIA" + rand(16, UPPER_DIGITS)],
    "github-token": [p + rand(36) for p in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")],
    "github-pat": ["github_pat_" + rand(22) + "_" + rand(59)],
    "slack-token": [
        "xoxb-" + rand(11, string.digits) + "-" + rand(13, string.digits) + "-" + rand(24),
        "xoxp-" + rand(11, string.digits) + "-" + rand(12, string.digits) + "-" + rand(32),
    ],
    "slack-webhook": [
        "https://hooks.slack.com/services/T"
        + rand(8, UPPER_DIGITS)
        + "/B"
        + rand(10, UPPER_DIGITS)
        + "/"
        + rand(24)
    ],
    "huggingface-token": ["hf_" + rand(34, string.ascii_letters)],
    "groq-key": ["gsk_" + rand(52)],
    "databricks-token": ["dapi" + rand(32, HEX), "dapi" + rand(32, HEX) + "-2"],
    "tavily-key": ["tvly-" + rand(32), "tvly-dev-" + rand(32)],
    "nvidia-key": ["nvapi-" + rand(64, URLSAFE) + "9z"],
    "xai-key": ["xai-" + rand(80)],
    "perplexity-key": ["pplx-" + rand(48)],
    "replicate-token": ["r8_" + rand(37)],
    "jwt": [jwt()],
    "private-key": [PEM, PEM.replace("RSA ", ""), PEM.replace("RSA", "OPENSSH")],
}
ALL_FAKES = [(kind, fake) for kind, fakes in FAKES.items() for fake in fakes]
CONTEXTS = ["{}", 'key="{}".', "OPENAI_API_KEY={}\n", "export TOKEN='{}'", "({})", "`{}`"]


def kinds(text: str) -> list[str]:
    return [m.kind for m in find_in_text(text)]


# the table -----------------------------------------------------------------


def test_every_format_has_a_fake() -> None:
    assert {f.kind for f in secrets.KEY_FORMATS} == set(FAKES)


@pytest.mark.parametrize(("kind", "fake"), ALL_FAKES)
@pytest.mark.parametrize("context", CONTEXTS)
def test_each_format_matches_a_realistic_fake(kind: str, fake: str, context: str) -> None:
    text = context.format(fake)
    matches = find_in_text(text)
    assert [(m.kind, m.value) for m in matches] == [(kind, fake)]
    assert text[matches[0].start : matches[0].end] == fake


def test_aws_key_in_a_credential_scope() -> None:
    key = "AKIA" + rand(16, UPPER_DIGITS)
    assert kinds(f"Credential={key}/20250101/us-east-1/s3/aws4_request") == ["aws-access-key-id"]


def test_truncated_private_key_is_redacted_to_the_end() -> None:
    text = "cert:\n" + PEM.split("-----END")[0]
    (match,) = find_in_text(text)
    assert match.kind == "private-key" and match.end == len(text)


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        ("Authorization: Bearer abcdef0123456789xyz", "bearer-token", "abcdef0123456789xyz"),
        ("authorization: bearer a1b2c3d4e5f6g7h8i9==", "bearer-token", "a1b2c3d4e5f6g7h8i9=="),
        (
            "Authorization: Basic " + base64.b64encode(b"user:correct-horse").decode(),
            "basic-auth",
            base64.b64encode(b"user:correct-horse").decode(),
        ),
    ],
)
def test_context_formats_redact_only_the_credential(text: str, kind: str, secret: str) -> None:
    (match,) = find_in_text(text)
    assert (match.kind, match.value) == (kind, secret)
    redacted, _ = redact_text(text)
    assert redacted == text.replace(secret, f"<REDACTED:{kind}>")


def test_a_known_key_behind_bearer_keeps_its_own_kind() -> None:
    key = FAKES["openai-key"][1]
    assert kinds(f"Authorization: Bearer {key}") == ["openai-key"]
    assert kinds(f"Bearer {jwt()}") == ["jwt"]


# near misses ---------------------------------------------------------------

NEAR_MISSES = [
    "Please ask-questions-about-the-architecture-of-this-system before you start.",
    "A risk-based-approach-to-security-engineering is described in the risk-register.",
    "Create a task-list-for-the-sprint-planning-meeting and a desk-organization plan.",
    "We use sk-learn (scikit-learn) for the baseline; sk-learn-compatible-estimators too.",
    "sk-internationalization-localization-2024",  # a word run with no random part
    "The bearer of bad news arrived; Bearer token authentication is described in RFC 6750.",
    "Bearer internationalization",  # 16+ letters, no digit: prose
    "Basic understanding of internationalization helps.",
    "Basic dGhpcyBpcyBub3QgY3JlZHM=",  # base64 of 'this is not creds': no colon
    "Call hf_hub_download(repo_id=...) and xoxo-hugs; ghost_protocol; dapi is a word.",
    "hf_" + "a" * 40,  # one case only: not a generated token
    "AKIA" + "1234567890",  # too short
    "AKIA" + rand(20, UPPER_DIGITS),  # too long: runs on
    "file_search tool found 1 chunks:\nBEGIN of file_search tool results.",
    "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----",
    "<BEGIN CONVERSATION>\n\nUser: hello",
    # the shape of a real corpus string: `sk-` inside a URL parameter, after a letter
    "https://www.wsj.com/tech/ai?gaa_at=eafs&gaa_n=AWEtsqfBqYB1hWsk-"
    + rand(60, URLSAFE)
    + "&gaa_ts=69b98f44",
    "chatcmpl-tool-52543da3e42a4dee83901fc943dd4797 rec-0123456789ab call_XfLmsGJjv7qRJuQ2JQYHtksY",
    "341550ba-d7f2-4a70-ac3c-02386582264d",
    "0a109f422b47e3a30ba2b10eca18548e944e8a23073ee3f3e947efcf3c45e59f",
    "sha256:" + "".join(_rng.choice(HEX) for _ in range(64)),
    "accounts/fireworks/models/llama-v3p3-70b-instruct meta-llama/Llama-3.2-1B-Instruct",
    "eyJhbGciOiJIUzI1NiJ9",  # a JWT header alone is not a token
    "<REDACTED:openai-key> and <REDACTED:bearer-token>",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_do_not_match(text: str) -> None:
    assert find_in_text(text) == []


def test_base64_image_data_does_not_match() -> None:
    """Key-like runs inside a data: URL are preceded by base64 characters: no boundary."""
    inner = [
        "AKIA" + rand(16, UPPER_DIGITS),
        "ASIA" + rand(16, UPPER_DIGITS),
        "AIza" + rand(35),
        "dapi" + rand(32, HEX),
        "hf_" + rand(34, string.ascii_letters),
        "eyJ" + rand(20) + "." + rand(20) + "." + rand(20),
        "ghp_" + rand(36),
        "gsk_" + rand(52),
    ]
    blob = "".join(rand(97, ALNUM + "+/") + piece for piece in inner) + rand(50) + "=="
    for prefix in ("data:image/png;base64,", ""):
        assert find_in_text(prefix + blob) == []
    # the same runs standing alone are found
    assert len(find_in_text(" ".join(inner))) == len(inner) - 1  # the eyJ run is no JWT
    assert find_in_text(" ".join(inner)[-100:] + " " + jwt())[-1].kind == "jwt"


# extra patterns and literals ----------------------------------------------


def test_extra_patterns_and_literals() -> None:
    text = "id=ACME-12345678 pw=hunter2hunter2 team=acme"
    matches = find_in_text(
        text,
        extra_patterns=[r"ACME-\d{8}", ("password", r"pw=(\S+)")],
        literals=["acme", ""],
    )
    assert [(m.kind, m.value) for m in matches] == [
        ("custom", "ACME-12345678"),
        ("password", "hunter2hunter2"),
        ("literal", "acme"),
    ]


def test_extra_pattern_kinds_must_fit_in_a_marker() -> None:
    with pytest.raises(ValueError, match="secret kind"):
        find_in_text("x", extra_patterns=[("my kind>", "x")])


def test_overlapping_matches_merge_so_no_tail_is_left() -> None:
    key = "AKIA" + rand(16, UPPER_DIGITS)
    redacted, matches = redact_text(f"x {key} y", literals=[key[10:] + " y"])
    assert redacted == "x <REDACTED:aws-access-key-id>"
    assert [(m.kind, m.value) for m in matches] == [("aws-access-key-id", f"{key} y")]
    redacted, _ = redact_text(f"x {key} y", literals=["x " + key[:10]])
    assert redacted == "<REDACTED:literal> y"


def test_a_key_that_stands_at_a_boundary_only_once_its_neighbour_is_redacted() -> None:
    key = FAKES["openai-key"][0]
    text = PEM + key  # "-----sk-": no boundary before sk-, until the PEM block is redacted
    redacted, matches = redact_text(text)
    assert redacted == "<REDACTED:private-key><REDACTED:openai-key>"
    assert [(m.kind, m.value) for m in matches] == [("private-key", PEM), ("openai-key", key)]
    assert [text[m.start : m.end] for m in matches] == [PEM, key]


def test_markers_are_never_matched() -> None:
    text = "token <REDACTED:openai-key> done"
    assert find_in_text(text, extra_patterns=["REDACTED", r"<[^>]+>"], literals=["open"]) == []


# redaction -----------------------------------------------------------------


def test_redact_text_replaces_each_secret() -> None:
    a, b = FAKES["openai-key"][0], FAKES["groq-key"][0]
    text = f"first {a}, then {b}."
    redacted, matches = redact_text(text)
    assert redacted == "first <REDACTED:openai-key>, then <REDACTED:groq-key>."
    assert [m.value for m in matches] == [a, b]
    assert redact_text("nothing here") == ("nothing here", [])


pieces = st.one_of(
    st.text(max_size=12),
    st.sampled_from([fake for _, fake in ALL_FAKES]),
    st.sampled_from(["Bearer ", "Basic ", "<REDACTED:", ">", "sk-", "=", "/", "-", "_", " "]),
    st.text(alphabet=URLSAFE + "+/=.", min_size=1, max_size=30),
)


@given(st.lists(pieces, max_size=8).map("".join))
def test_redaction_is_idempotent(text: str) -> None:
    once, _ = redact_text(text)
    twice, matches = redact_text(once)
    assert twice == once
    assert matches == []


@given(st.lists(pieces, max_size=8).map("".join), st.lists(st.text(min_size=1), max_size=3))
def test_redaction_with_literals_is_idempotent(text: str, literals: list[str]) -> None:
    once, _ = redact_text(text, literals=literals)
    assert redact_text(once, literals=literals)[0] == once


# mask ----------------------------------------------------------------------


def test_mask_examples() -> None:
    key = "sk-proj-" + "A1b2" * 10 + "XyZ9"
    assert mask(key) == "sk-p…XyZ9"
    assert mask("abcdefghijklmnop") == "ab…op"
    assert mask("abcdefg") == "a…g"
    assert mask("abc") == "…"


@given(st.text(max_size=300))
def test_mask_never_reveals_more_than_eight_characters(secret: str) -> None:
    masked = mask(secret)
    shown = len(masked) - 1  # all but the ellipsis
    assert shown <= 8
    assert shown <= len(secret) // 3


# headers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "proxy-authorization",
        "X-Api-Key",
        "api-key",
        "x-goog-api-key",
        "Cookie",
        "Set-Cookie",
        "OpenAI-Organization",
        "openai-project",
        "anthropic-organization-id",
        "X-Amz-Security-Token",
        "X-Auth-Token",
        "x-client-secret",
        "X-Custom-Api-Key",
    ],
)
def test_sensitive_headers(name: str) -> None:
    assert secrets.is_sensitive_header(name)


@pytest.mark.parametrize(
    "name", ["Content-Type", "Date", "Server", "Vary", "x-request-id", "Alt-Svc", "tokens"]
)
def test_ordinary_headers(name: str) -> None:
    assert not secrets.is_sensitive_header(name)


def test_header_extra_and_keep() -> None:
    assert secrets.is_sensitive_header("X-Tenant", extra=["x-tenant"])
    assert secrets.is_sensitive_header("X-Acme-Auth", extra=["x-*-auth"])
    assert not secrets.is_sensitive_header("Cookie", keep=["COOKIE"])
    assert not secrets.is_sensitive_header("X-Csrf-Token", keep=["x-csrf-*"])


# URLs ----------------------------------------------------------------------


def test_url_secrets() -> None:
    url = "https://user:hunter2@example.com:8443/v1/x?api_key=abc&foo=1&X-Amz-Signature=dead#f"
    assert secrets.url_secrets(url) == [
        ("password", "hunter2"),
        ("query:api_key", "abc"),
        ("query:X-Amz-Signature", "dead"),
    ]
    redacted, parts = secrets.redact_url(url)
    assert redacted == (
        "https://user:<REDACTED:url-password>@example.com:8443/v1/x"
        "?api_key=<REDACTED:url-query>&foo=1&X-Amz-Signature=<REDACTED:url-query>#f"
    )
    assert parts == ["password", "query:api_key", "query:X-Amz-Signature"]
    assert secrets.redact_url(redacted) == (redacted, [])


@pytest.mark.parametrize(
    ("url", "found"),
    [
        ("https://x.com/a?KEY=v", [("query:KEY", "v")]),
        ("https://x.com/a?Token=v&sig=s", [("query:Token", "v"), ("query:sig", "s")]),
        ("https://x.com/a?api%5Fkey=v%2F1", [("query:api%5Fkey", "v%2F1")]),
        ("https://x.com/cb#access_token=abc&state=1", [("fragment:access_token", "abc")]),
        ("https://x.com/a?key=", []),  # nothing to hide
        ("https://x.com/a?keys=1&monkey=2", []),
        ("https://x.com/a?x-amz-date=20250101T000000Z", [("query:x-amz-date", "20250101T000000Z")]),
        ("https://x.com/a?key=%3CREDACTED%3Aurl-query%3E", []),
        ("ssh://git@github.com/org/repo", []),  # a plain username is not a secret
        ("http://localhost:8000/v1/v1/chat/completions", []),
        ("__databricks__/serving-endpoints/v1/chat/completions", []),
        ("vertexai:///generate_content_stream", []),
        ("https://x.com/path@not-userinfo", []),
    ],
)
def test_url_secret_cases(url: str, found: list[tuple[str, str]]) -> None:
    assert secrets.url_secrets(url) == found


def test_every_x_amz_parameter_of_a_presigned_url() -> None:
    key_id = "AKIA" + rand(16, UPPER_DIGITS)
    params = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{key_id}%2F20250101%2Fus-east-1%2Fs3%2Faws4_request",
        "X-Amz-Date": "20250101T000000Z",
        "X-Amz-Expires": "3600",
        "X-Amz-Security-Token": rand(40),
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": rand(64, HEX),
    }
    url = "https://bucket.s3.amazonaws.com/file.pdf?versionId=3&" + "&".join(
        f"{name}={value}" for name, value in params.items()
    )
    assert secrets.url_secrets(url) == [(f"query:{n}", v) for n, v in params.items()]
    redacted, _ = secrets.redact_url(url)
    assert redacted.startswith("https://bucket.s3.amazonaws.com/file.pdf?versionId=3&X-Amz-Algo")
    assert redacted.count("<REDACTED:url-query>") == len(params)
    assert secrets.is_credential_param("x-AMZ-anything") and not secrets.is_credential_param("amz")


def test_token_as_username() -> None:
    token = FAKES["github-token"][0]
    assert secrets.url_secrets(f"https://{token}@github.com/org/repo.git") == [("username", token)]
    redacted, _ = secrets.redact_url(f"https://{token}@github.com/org/repo.git")
    assert redacted == "https://<REDACTED:url-username>@github.com/org/repo.git"


@given(
    st.sampled_from(["https://", "http://u:p4ss@", "https://tok@"]),
    st.text(alphabet=string.ascii_lowercase + ".-", min_size=1, max_size=10),
    st.lists(
        st.tuples(
            st.sampled_from(["key", "q", "Token", "sig", "x", "api_key", "X-Amz-Credential"]),
            st.text(alphabet=ALNUM + "%-._~", max_size=8),
        ),
        max_size=4,
    ),
)
def test_redact_url_keeps_everything_else(
    start: str, host: str, params: list[tuple[str, str]]
) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    url = f"{start}{host}/p?{query}#frag"
    redacted, parts = secrets.redact_url(url)
    values = iter([value for _, value in secrets.url_secrets(url)])
    # Putting each value back where its marker is gives back the URL byte for byte.
    assert secrets.MARKER_PATTERN.sub(lambda _: next(values), redacted) == url
    assert len(parts) == len(secrets.url_secrets(url))
    assert secrets.redact_url(redacted) == (redacted, [])


# JSON walking --------------------------------------------------------------


def test_iter_strings_pointers_in_document_order() -> None:
    value = {
        "request": {"body": {"messages": [{"role": "user", "content": "hi"}], "n": 2}},
        "a/b": {"c~d": ["x", 1, None, ["y"]]},
        "": "empty key",
    }
    assert list(secrets.iter_strings(value)) == [
        ("/request/body/messages/0/role", "user"),
        ("/request/body/messages/0/content", "hi"),
        ("/a~1b/c~0d/0", "x"),
        ("/a~1b/c~0d/3/0", "y"),
        ("/", "empty key"),
    ]
    assert list(secrets.iter_strings("top")) == [("", "top")]
    assert list(secrets.iter_strings(["a"], "/response/body")) == [("/response/body/0", "a")]


def test_iter_headers_at_any_depth() -> None:
    value = {
        "request": {"headers": {"Authorization": "x"}, "body": {}},
        "response": {
            "body": [
                {"__data__": {"sdk_http_response": {"Headers": {"Date": "today"}}}},
                {"headers": ["not", "an", "object"]},
            ]
        },
    }
    assert list(secrets.iter_headers(value)) == [
        ("/request/headers", {"Authorization": "x"}),
        ("/response/body/0/__data__/sdk_http_response/Headers", {"Date": "today"}),
    ]


# the corpus ----------------------------------------------------------------


@pytest.mark.corpus
def test_corpus_has_no_secrets(corpus_dir: Path) -> None:
    """Every string, header object and request URL of every corpus file. The scan finds
    nothing: the corpus holds no secrets, and none of its text is mistaken for one (it has
    `sk-` inside a news URL, `dapi` and `xox` runs inside base64 images, and 126 `BEGIN`
    markers of prompts)."""
    files = sorted(corpus_dir.rglob("*.json"))
    assert len(files) == 524
    found = []
    strings = headers = 0
    for path in files:
        value = orjson.loads(path.read_bytes())
        for pointer, text in secrets.iter_strings(value):
            strings += 1
            found += [(path.name, pointer, m.kind, mask(m.value)) for m in find_in_text(text)]
        for pointer, object_ in secrets.iter_headers(value):
            headers += 1
            found += [
                (path.name, pointer, name) for name in object_ if secrets.is_sensitive_header(name)
            ]
        url = value.get("request", {}).get("url")
        if isinstance(url, str):
            found += [(path.name, "/request/url", part) for part, _ in secrets.url_secrets(url)]
    assert strings > 30_000 and headers > 500
    assert found == []


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        (
            "see https://x.io/a?b=1. Then (ftp://h/p), or <https://y.io>",
            ["https://x.io/a?b=1", "ftp://h/p", "https://y.io"],
        ),
        (
            'json "http://localhost:8000/v1/v1/chat" and 1http://z.io',
            ["http://localhost:8000/v1/v1/chat", "http://z.io"],
        ),
        ("https://a.io/?k=<REDACTED:url-query>&s=2", ["https://a.io/?k="]),
        ("no scheme ://x.io, __databricks__/serving-endpoints", []),
    ],
)
def test_find_urls(text: str, urls: list[str]) -> None:
    assert [text[start:end] for start, end in secrets.find_urls(text)] == urls


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://u:p@Res.OpenAI.azure.com:443/x?y#z", "Res.OpenAI.azure.com"),
        ("http://[::1]:8000/v1", "[::1]"),
        ("https://h.io", "h.io"),
        ("vertexai:///generate_content_stream", None),
        ("__databricks__/serving-endpoints", None),
    ],
)
def test_host_span(url: str, host: str | None) -> None:
    span = secrets.host_span(url)
    assert (url[span[0] : span[1]] if span else None) == host


@given(st.lists(st.lists(pieces, max_size=6).map("".join), max_size=4))
def test_may_hold_secrets_never_misses_what_find_in_text_finds(texts: list[str]) -> None:
    """The quick test on texts joined with newlines says yes wherever one text alone has a
    secret (scrub relies on this to skip files)."""
    if any(find_in_text(text) for text in texts):
        assert secrets.may_hold_secrets("\n".join(texts))
    literal = "hunter2"
    if any(find_in_text(text, literals=[literal]) for text in texts):
        assert secrets.may_hold_secrets("\n".join(texts), [literal])
