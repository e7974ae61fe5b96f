"""cassette scrub on VCR.py cassettes (issue 13): secrets planted in every place they are
seen in these suites, in copies of real cassettes of each writer's style, are all gone
after `scrub --in-place`, and nothing else moves.

Planted: request and response headers (any case, lists of values, a SigV4
`Authorization`, an `X-Amz-Security-Token`), a `?key=` in the `uri`, keys in the JSON
request body (text or pydantic-ai's `parsed_body`), in a response body (JSON text,
gzip-compressed, `parsed_body`), split across two SSE events, a form-encoded body
(`client_secret`, `refresh_token`, `assertion`) and an AWS STS XML answer. The first three
kinds of body go in through the VCR writer (the file's own style); headers and the two
extra interactions are inserted as text.
"""

from __future__ import annotations

import difflib
import json
import random
import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.core import formats
from cli.core.transcript.reassemble import transcribe
from cli.core.wire.sse_data import DataLine, payload
from tests.commands.helpers import run

pytestmark = [pytest.mark.corpus, pytest.mark.usefixtures("cli_env")]

STYLES = {  # writer style -> a real cassette in it
    "vcr-default": "simonw+llm/tests/cassettes/test_openai_responses/"
    "test_responses_tool_use_streaming.yaml",
    "pydantic-ai": "pydantic+pydantic-ai/tests/models/cassettes/test_crusoe/"
    "test_crusoe_model_streaming.yaml",
    "pydantic-ai-json": "pydantic+pydantic-ai/tests/models/cassettes/"
    "test_multimodal_tool_returns/test_vendor_metadata_detail.yaml",
    "crewai": "crewAIInc+crewAI/lib/crewai/tests/cassettes/llms/openai/"
    "test_openai_async_streaming_returns_usage_metrics.yaml",
    "openllmetry-gzip": "traceloop+openllmetry/packages/opentelemetry-instrumentation-mistralai/"
    "tests/cassettes/test_chat/test_mistralai_chat_legacy.yaml",
    "llm-gemini-gzip": "simonw+llm-gemini/tests/cassettes/test_gemini/test_prompt.yaml",
    "llm-anthropic-sse": "simonw+llm-anthropic/tests/cassettes/test_anthropic/test_prompt.yaml",
}

# Keys are made here from a seeded generator, as tests/core/secrets does: no file of the
# repository holds anything that looks like a real key.
_rng = random.Random(13)
ALNUM = string.ascii_letters + string.digits


def _fake(n: int, alphabet: str = ALNUM) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n - 2)) + "q7"


OPENAI_KEY = "sk-proj-" + _fake(44)
ANTHROPIC_KEY = "sk-ant-api03-" + _fake(70) + "AA"
GOOGLE_HEADER_KEY = "AIza" + _fake(35)
GOOGLE_URL_KEY = "AIza" + _fake(35)
COOKIE = _fake(34)
SET_COOKIES = (_fake(32), _fake(32))
ORGANIZATION = "org-" + _fake(24)
PROJECT = "proj_" + _fake(24)
ANTHROPIC_ORG = "b320df16-c763-4455-b901-3f7d54e9a012"  # a uuid; the header makes it secret
REQUEST_BODY_KEY = "sk-proj-" + _fake(40)
RESPONSE_BODY_KEY = "ghp_" + _fake(36)
SPLIT_KEY = "sk-ant-api03-" + _fake(70) + "AA"
CLIENT_SECRET = "GOCSPX-" + _fake(28)
REFRESH_TOKEN = "1%2F%2F0g" + _fake(36)  # as a form writes 1//0g...
ASSERTION = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4QHkuaWFtIn0." + _fake(43)
SIGV4_KEY_ID = "AKIA" + _fake(16, string.ascii_uppercase + string.digits).upper()
SIGV4_SIGNATURE = _fake(64, "0123456789abcdef")
SESSION_TOKEN = "IQoJb3JpZ2luX2Vj" + _fake(40)
STS_KEY_ID = "ASIA" + _fake(16, string.ascii_uppercase + string.digits).upper()
STS_SECRET = _fake(40, ALNUM + "/+")
STS_TOKEN = "FwoGZXIvYXdzEJr//////////wEa" + _fake(40)

SECRETS = [
    OPENAI_KEY,
    ANTHROPIC_KEY,
    GOOGLE_HEADER_KEY,
    GOOGLE_URL_KEY,
    COOKIE,
    *SET_COOKIES,
    ORGANIZATION,
    PROJECT,
    ANTHROPIC_ORG,
    REQUEST_BODY_KEY,
    RESPONSE_BODY_KEY,
    SPLIT_KEY[:30],
    SPLIT_KEY[30:],
    CLIENT_SECRET,
    REFRESH_TOKEN,
    ASSERTION,
    SIGV4_KEY_ID,
    SIGV4_SIGNATURE,
    SESSION_TOKEN,
    STS_KEY_ID,
    STS_SECRET,
    STS_TOKEN,
]

REQUEST_HEADERS = [
    ("authorization", f"Bearer {OPENAI_KEY}"),
    ("X-Api-Key", ANTHROPIC_KEY),
    ("x-goog-api-key", GOOGLE_HEADER_KEY),
    ("Cookie", f"__cf_bm={COOKIE}"),
]
RESPONSE_HEADERS = [
    ("Set-Cookie", [f"__cf_bm={v}; path=/; HttpOnly" for v in SET_COOKIES]),
    ("OpenAI-Organization", ORGANIZATION),
    ("openai-project", PROJECT),
    ("anthropic-organization-id", ANTHROPIC_ORG),
]
SIGV4 = (
    f"AWS4-HMAC-SHA256 Credential={SIGV4_KEY_ID}/20250311/us-east-1/sts/aws4_request, "
    f"SignedHeaders=host;x-amz-date;x-amz-security-token, Signature={SIGV4_SIGNATURE}"
)
STS_XML = (
    '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
    f"<Credentials><AccessKeyId>{STS_KEY_ID}</AccessKeyId>"
    f"<SecretAccessKey>{STS_SECRET}</SecretAccessKey>"
    f"<SessionToken>{STS_TOKEN}</SessionToken>"
    "<Expiration>2025-03-11T09:34:23Z</Expiration></Credentials>"
    "</AssumeRoleResult></AssumeRoleResponse>"
)
EXTRA = [
    {
        "request": {
            "body": "grant_type=refresh_token&client_id=123.apps.googleusercontent.com"
            f"&client_secret={CLIENT_SECRET}&refresh_token={REFRESH_TOKEN}",
            "headers": {"Content-Type": ["application/x-www-form-urlencoded"]},
            "method": "POST",
            "uri": "https://oauth2.googleapis.com/token",
        },
        "response": {
            "body": {"string": '{"token_type": "Bearer", "expires_in": 3599}'},
            "headers": {"Content-Type": ["application/json"]},
            "status": {"code": 200, "message": "OK"},
        },
    },
    {
        "request": {
            "body": "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
            f"&assertion={ASSERTION}",
            "headers": {
                "Authorization": [SIGV4],
                "X-Amz-Security-Token": [SESSION_TOKEN],
                "Content-Type": ["application/x-www-form-urlencoded"],
            },
            "method": "POST",
            "uri": "https://sts.amazonaws.com/",
        },
        "response": {
            "body": {"string": STS_XML},
            "headers": {"Content-Type": ["text/xml"]},
            "status": {"code": 200, "message": "OK"},
        },
    },
]

# planting ---------------------------------------------------------------------------

_TEXT_KEYS = ("content", "text", "input", "prompt")
_SSE_TEXT = (("choices", 0, "delta", "content"), ("delta", "text"), ("delta",))


def _text_leaf(value: Any, path: tuple = ()) -> tuple | None:
    """The path of the first string under a text-like key (a message's content...)."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in _TEXT_KEYS and isinstance(child, str) and child:
                return (*path, key)
            found = _text_leaf(child, (*path, key))
            if found:
                return found
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found = _text_leaf(child, (*path, index))
            if found:
                return found
    return None


def _append(root: Any, path: tuple, text: str) -> None:
    for key in path[:-1]:
        root = root[key]
    root[path[-1]] += text


def _split_into_events(lines: list[str]) -> bool:
    """Plant SPLIT_KEY over two consecutive text events of one kind; False if none."""
    for inside in _SSE_TEXT:
        events = []
        for index, line in enumerate(lines):
            try:
                text = DataLine(lines, index)[inside] if payload(line) is not None else None
            except (KeyError, IndexError, TypeError):
                text = None
            if isinstance(text, str) and text:
                events.append(index)
        if len(events) >= 2:
            first, second = DataLine(lines, events[0]), DataLine(lines, events[1])
            first[inside] = first[inside] + " key " + SPLIT_KEY[:30]
            second[inside] = SPLIT_KEY[30:] + " ok " + second[inside]
            return True
    return False


def _plant_values(path: Path) -> tuple[bytes, dict[str, bool]]:
    """The cassette with keys in its URL and bodies, written by the VCR writer."""
    raw = path.read_bytes()
    file = formats.load(raw, path)
    planted = {"url": False, "request": False, "response": False, "split": False}
    for interaction in file.interactions:
        request, response = interaction.data["request"], interaction.data["response"]
        if not planted["url"]:
            url = request["url"]
            request["url"] = f"{url}{'&' if '?' in url else '?'}key={GOOGLE_URL_KEY}"
            planted["url"] = True
        leaf = _text_leaf(request["body"])
        if not planted["request"] and leaf:
            _append(request["body"], leaf, f" (my key is {REQUEST_BODY_KEY})")
            planted["request"] = True
        body = response.get("body")
        if isinstance(body, list) and body and all(isinstance(x, str) for x in body):
            planted["split"] = planted["split"] or _split_into_events(body)
        elif not planted["response"] and (leaf := _text_leaf(body)):
            _append(body, leaf, f" (token {RESPONSE_BODY_KEY})")
            planted["response"] = True
    new_raw, exact = formats.dump(file)
    assert exact
    return new_raw, planted


def _headers_node(root: yaml.Node, side: str) -> yaml.MappingNode:
    """The first non-empty block `headers` mapping of a request or response."""
    (interactions,) = [v for k, v in root.value if k.value == "interactions"]
    for entry in interactions.value:
        (mapping,) = [v for k, v in entry.value if k.value == side]
        for key, value in mapping.value:
            if key.value == "headers" and value.value and not value.flow_style:
                return value
    raise AssertionError(f"no {side} headers")


def _insert_headers(text: str) -> str:
    """Headers at the top of the first request's and the first response's headers, in
    their mappings' own indentation."""
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    lines = text.splitlines(keepends=True)
    places = []
    for side, headers in (("request", REQUEST_HEADERS), ("response", RESPONSE_HEADERS)):
        node = _headers_node(root, side)
        first_key, first_value = node.value[0]
        key = " " * first_key.start_mark.column
        item = " " * first_value.start_mark.column
        taken = {k.value for k, _ in node.value}
        block = []
        for name, values in headers:
            # a name the file has already would be a duplicate key (the last one wins)
            name = next(
                n for n in (name, name.lower(), name.title(), name.upper()) if n not in taken
            )
            block.append(f"{key}{name}:\n")
            block += [
                f"{item}- '{v}'\n" for v in (values if isinstance(values, list) else [values])
            ]
        places.append((first_key.start_mark.line, block))
    for line, block in sorted(places, reverse=True):
        lines[line:line] = block
    return "".join(lines)


def _append_interactions(text: str) -> str:
    """The form and STS interactions at the end of `interactions:`, in its indentation."""
    indent = re.search(r"^( *)- request:", text, re.MULTILINE).group(1)
    dumped = yaml.safe_dump(EXTRA, default_flow_style=False, width=1000)
    block = "".join(indent + line if line.strip() else line for line in dumped.splitlines(True))
    version = re.search(r"^version:", text, re.MULTILINE)
    at = version.start() if version else len(text)
    return text[:at] + block + text[at:]


def plant(source: Path, target: Path) -> dict[str, bool]:
    raw, planted = _plant_values(source)
    text = _append_interactions(_insert_headers(raw.decode("utf-8")))
    target.write_text(text, encoding="utf-8")
    data = [i.data for i in formats.read(target).interactions]  # it still reads
    assert len(data) == len(formats.read(source).interactions) + 2
    return planted


# checks -------------------------------------------------------------------------------


def decoded(path: Path) -> str:
    """Everything the cassette holds, decoded (gzip undone, SSE lines, parsed bodies), and
    each streamed answer reassembled."""
    file = formats.read(path)
    answers = [transcribe(i) for i in file.interactions]
    texts = [c.text for t in answers for c in t.choices]
    return json.dumps([i.data for i in file.interactions], ensure_ascii=False) + "\n".join(texts)


def multi_line_scalars(text: str) -> list[tuple[int, int]]:
    """(first, last) 0-based lines of each scalar that spans several lines."""
    spans, todo = [], [yaml.compose(text, Loader=yaml.CSafeLoader)]
    while todo:
        node = todo.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.end_mark.line > node.start_mark.line:
                spans.append((node.start_mark.line, node.end_mark.line))
        elif isinstance(node, yaml.MappingNode):
            todo.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
    return spans


def lines_move_only_inside_multi_line_scalars(before: str, after: str) -> bool:
    """Every change that adds or removes lines is made of lines of multi-line scalars
    (two multi-line set-cookie values in a row become two lines); other changes replace
    lines one for one."""
    inside = {line for first, last in multi_line_scalars(before) for line in range(first, last + 1)}
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or i2 - i1 == j2 - j1:
            continue
        lines = range(i1 - 1, i1 + 1) if i1 == i2 else range(i1, i2)
        if not all(line in inside for line in lines):
            return False
    return True


@pytest.mark.parametrize("style", sorted(STYLES))
def test_scrub_removes_every_planted_secret(corpus_dir: Path, tmp_path: Path, style: str):
    source = corpus_dir / "vcr" / STYLES[style]
    path = tmp_path / "planted.yaml"
    planted = plant(source, path)
    assert planted["url"] and planted["request"] and (planted["split"] or planted["response"])
    before = path.read_text(encoding="utf-8")
    content = decoded(path)
    skipped = {
        "split": (SPLIT_KEY[:30], SPLIT_KEY[30:]),
        "response": (RESPONSE_BODY_KEY,),
    }
    expected = [
        secret
        for secret in SECRETS
        if not any(secret in values and not planted[kind] for kind, values in skipped.items())
    ]
    assert [secret for secret in expected if secret not in content] == []

    report = json.loads(run("validate", path, "--select", "K", "--format", "json").stdout)
    found = {f["code"] for f in report["findings"]}  # K005: the recordings' own org ids
    assert found - {"K005"} == {"K001", "K002", "K003", "K004"}
    assert run("scrub", path, "--check").exit_code == 1

    scrubbed = run("scrub", path, "--in-place")
    assert scrubbed.exit_code == 0, scrubbed.stdout + scrubbed.stderr
    after = path.read_text(encoding="utf-8")
    content = decoded(path)
    left = [secret for secret in SECRETS if secret in content or secret in after]
    assert left == []
    assert "AWS4-HMAC-SHA256 Credential=<REDACTED:aws-access-key-id>/20250311/us-east-1/sts/" in (
        content
    )
    assert "Signature=<REDACTED:aws-signature>" in content
    assert "<SecretAccessKey>&lt;REDACTED:aws-secret-access-key&gt;</SecretAccessKey>" in content
    if planted["split"]:
        assert "<REDACTED:anthropic-key>" in content

    assert lines_move_only_inside_multi_line_scalars(before, after)
    placeholders = re.compile(r"- [A-Z-]+-XXX$", re.MULTILINE)  # crewAI's, left alone
    assert placeholders.findall(after) == placeholders.findall(before)
    assert run("scrub", path, "--check").exit_code == 0
    assert run("validate", path, "--select", "K").exit_code == 0
    again = run("scrub", path, "--in-place")
    assert again.exit_code == 0 and path.read_text(encoding="utf-8") == after
    assert "0 changed" in again.stdout + again.stderr


def test_placeholders_are_left_as_they_are(corpus_dir: Path, tmp_path: Path) -> None:
    """crewAI's `*-XXX` stand-ins are no findings and never rewritten."""
    path = tmp_path / "crew.yaml"
    path.write_bytes((corpus_dir / "vcr" / STYLES["crewai"]).read_bytes())
    before = path.read_bytes()
    assert before.count(b"AUTHORIZATION-XXX") == 1 and b"COOKIE-XXX" in before
    assert run("validate", path, "--select", "K").exit_code == 0
    assert run("scrub", path, "--check").exit_code == 0
    assert run("scrub", path, "--in-place").exit_code == 0
    assert path.read_bytes() == before


@pytest.mark.parametrize("style", ["crewai", "vcr-default", "llm-gemini-gzip"])
def test_github_annotations_sit_on_the_yaml_line_of_what_they_redact(
    corpus_dir: Path, tmp_path: Path, style: str
) -> None:
    path = tmp_path / "planted.yaml"
    plant(corpus_dir / "vcr" / STYLES[style], path)
    result = run("scrub", path, "--check", "--format", "github")
    assert result.exit_code == 1
    annotations = result.stdout.splitlines()
    assert annotations
    text = path.read_text().splitlines()
    for annotation in annotations:
        assert annotation.startswith(f"::error file={path.as_posix()},line="), annotation
        line = int(annotation.split(",line=")[1].split(",")[0])
        pointer = annotation.split("::")[2].split(": ")[0]
        steps = pointer.split("/")
        named = steps[-2] if steps[-1].isdigit() else steps[-1]
        if "/body" in pointer or pointer.endswith("/url"):
            continue  # inside a scalar: its first line, checked by the reader's own tests
        near = "\n".join(text[max(0, line - 3) : line])  # a header's key, or its item
        assert named.lower() in near.lower(), annotation
