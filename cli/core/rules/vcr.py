"""VCR cassette rules (V): does a VCR.py cassette read, decode and replay as recorded?

Rules:
- V001 and V002 end a file's checks: YAML that can't be read safely (the reader's own
  one-line reason, with line and column), or a YAML value that is no cassette (named on
  the command line; a walk passes such a file over).
- Per interaction, from the bodies as the reader decoded them (`cassette.Cassette.bodies`):
  a body whose Content-Encoding can't be undone, or whose AWS event-stream frames are
  broken (V003; a coding no installed library decodes, br or zstd, is not the file's
  fault and not judged); a body whose Content-Type is JSON and whose text isn't (V004).
- V005: a response's Content-Length against the bytes VCR.py replays: the recorded body
  (`body.string`, text as UTF-8 or `!!binary` bytes as they are), or `json.dumps` of
  pydantic-ai's `parsed_body`. Not judged where no body is due (HEAD, 1xx, 204, 304) or
  where Transfer-Encoding rules the length. A request's is harmless (VCR.py never replays
  request headers) and not judged.
- V006 (warning): with pytest-recording's layout, a cassette whose test is gone
  (`pytest_names`).
- Stream truncation is the stream rules' (T): T003 (a choice never finishes) and T010
  (a stream without its last event) run on VCR interactions too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cli.core.pointer import escape
from cli.core.rules.base import ERROR, WARNING, Context, Rule
from cli.errors import NotACassette, ReadError

RULES = (
    Rule(
        "V001",
        "yaml-unreadable",
        ERROR,
        "The YAML can't be read safely: not YAML (line and column given), anchors or "
        "aliases, a `!!python` tag, nesting too deep, or bytes that aren't UTF-8.",
        why="replay cannot load it, so every test that uses it fails",
    ),
    Rule(
        "V002",
        "not-a-vcr-cassette",
        ERROR,
        "The YAML is no VCR cassette: not a mapping with an `interactions` list of "
        "`request`/`response` mappings.",
        why="replay cannot read it as a recording",
    ),
    Rule(
        "V003",
        "body-not-decodable",
        ERROR,
        "A body can't be decoded as its Content-Encoding says (damaged gzip or deflate), "
        "or its AWS event-stream frames are broken.",
        why="the client fails to decode the body VCR.py replays",
    ),
    Rule(
        "V004",
        "json-body-not-json",
        ERROR,
        "A body's Content-Type is JSON but its text is not JSON.",
        why="the client fails when it parses the replayed body",
    ),
    Rule(
        "V005",
        "content-length-mismatch",
        ERROR,
        "A response's Content-Length disagrees with the body VCR.py replays: a client that "
        "checks the length fails.",
        why="a client that checks the length fails on replay",
    ),
    Rule(
        "V006",
        "orphaned-cassette",
        WARNING,
        "A pytest-recording cassette (`<dir>/cassettes/<module>/<test>.yaml`) whose test no "
        "longer exists in `<dir>/<module>.py`.",
        why="nothing replays it, and it still holds what was recorded",
    ),
)

_NO_BODY_STATUS = frozenset({204, 304})


def unreadable(ctx: Context, error: ReadError) -> None:
    """V001 from the reader's one-line reason (it names line and column)."""
    ctx.report("V001", "", error.message, error.line)


def not_a_cassette(ctx: Context, error: NotACassette) -> None:
    ctx.report("V002", "", error.message, 1)


def check(ctx: Context) -> None:
    """The per-interaction rules, from the bodies the reader decoded."""
    from cli.core.formats.vcr.cassette import Cassette

    document = ctx.file.document if ctx.file is not None else None
    if not isinstance(document, Cassette) or ctx.index >= len(document.bodies):
        return
    request_body, response_body = document.bodies[ctx.index]
    for side, body in (("request", request_body), ("response", response_body)):
        pointer = f"/{side}/body"
        if ctx.wants("V003"):
            _undecodable(ctx, pointer, body)
        if ctx.wants("V004"):
            _not_json(ctx, pointer, body)
    if ctx.wants("V005"):
        _content_length(ctx, response_body)


def check_file(ctx: Context) -> None:
    """V006 on the file as a whole."""
    from cli.core.rules import pytest_names

    if not ctx.wants("V006"):
        return
    path = Path(ctx.path)
    module = pytest_names.module_for(path)
    if module is None or not pytest_names.is_orphan(path, module):
        return
    test = path.stem.split("[", 1)[0]
    ctx.report(
        "V006",
        "",
        f"no test {test} in {module.name} records to this cassette (pytest-recording's "
        "layout): the test was renamed or removed",
        fix="delete the cassette or rename it",
    )


def _undecodable(ctx: Context, pointer: str, body: Any) -> None:
    from cli.core.wire import body as bodies
    from cli.core.wire import encoding

    if not body.problem or body.kind not in (bodies.ENCODED, bodies.EVENTS, bodies.MEDIA):
        return
    if body.kind == bodies.ENCODED:
        coding = body.value.get("__encoded__", {}).get("encoding", "")
        if not encoding.available(coding):
            return  # no decoder installed here: not the cassette's fault
    ctx.report("V003", pointer, f"the body can't be decoded: {body.problem}")


def _not_json(ctx: Context, pointer: str, body: Any) -> None:
    from cli.core.wire import body as bodies
    from cli.core.wire import media

    if body.kind != bodies.TEXT or not media.is_json(body.media_type):
        return
    text = body.value if isinstance(body.value, str) else ""
    if not text.strip():
        return
    shown = " ".join(text.split())
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    ctx.report(
        "V004",
        pointer,
        f"the Content-Type is {body.media_type} but the body is not JSON: {shown!r}",
    )


def _content_length(ctx: Context, body: Any) -> None:
    from cli.core.formats.vcr.cassette import header
    from cli.core.wire import body as bodies

    response, request = ctx.interaction.response, ctx.interaction.request
    headers = response.get("headers") or {}
    declared = header(headers, "content-length")
    status = response.get("status")
    if declared is None or header(headers, "transfer-encoding") is not None:
        return
    if request.get("method") == "HEAD" or status in _NO_BODY_STATUS:
        return
    if isinstance(status, int) and status < 200:
        return
    try:
        expected = int(declared.strip())
    except ValueError:
        return
    if body.recorded_as == "parsed_body":
        size = len(json.dumps(body.value).encode("utf-8"))
    elif body.kind == bodies.NONE:
        size = 0
    else:
        size = body.size
    if size == expected:
        return
    name = next(key for key in headers if key.lower() == "content-length")
    ctx.report(
        "V005",
        f"/response/headers/{escape(name)}",
        f"Content-Length is {expected} but the recorded body is {size} bytes",
    )
