"""Structure rules (S): is the file a cassette, in the shape llama-stack writes?

Rules:
- S001 and S002 end a file's checks: without a JSON object nothing else can be judged.
- These are llama-stack's rules: a VCR cassette has its own (`rules.vcr`, V).
- A request's shape is told by its distinctive field (`body` or `endpoint`: inference;
  `payload`: raw HTTP; `tool_name` or `kwargs`: tool invocation; `api` or `file_id`: file
  processor), so a missing field is reported as missing from that shape.
- Required fields are the ones llama-stack's recorder always writes and that replay,
  hashing or this tool read (recording-format.md, "request: four shapes"). Optional
  fields (`headers`, `provider_metadata`) are checked only for their type.
- `__type__`/`__data__` pairs are checked where the recorder writes them: the body, and
  each item of a list body.
"""

from __future__ import annotations

from typing import Any

from cli.core.rules.base import ERROR, Context, Rule
from cli.errors import ReadError

RULES = (
    Rule(
        "S001",
        "not-json",
        ERROR,
        "The file cannot be read, or is not valid JSON.",
        why="replay cannot load this file",
    ),
    Rule(
        "S002",
        "not-an-object",
        ERROR,
        "The top-level JSON value is not an object.",
        why="replay cannot read it as a recording",
    ),
    Rule(
        "S003",
        "missing-request-or-response",
        ERROR,
        "`request` or `response` is missing, or is not an object.",
        why="replay cannot read it as a recording",
    ),
    Rule(
        "S004",
        "missing-field",
        ERROR,
        "A field the request's shape requires, or `response.body`, is missing or of the "
        "wrong type.",
        why="replay, or the request hash it finds files by, reads this field",
    ),
    Rule(
        "S005",
        "unknown-request-shape",
        ERROR,
        "The request has none of the fields that tell its shape (`body`, `payload`, "
        "`tool_name`, `api`).",
        why="replay cannot tell which kind of call it records",
    ),
    Rule(
        "S006",
        "bad-is-streaming",
        ERROR,
        "`response.is_streaming` is missing or not a boolean.",
        why="replay reads it to know whether to answer with a stream",
    ),
    Rule(
        "S007",
        "broken-type-wrapper",
        ERROR,
        "A response item has `__type__` without `__data__` or the reverse, or a "
        "`__type__` that is not a string.",
        why="replay rebuilds each response object from its __type__ and __data__",
    ),
)

# (JSON kind name, Python types) of each field, by request shape.
_STR = ("a string", (str,))
_OBJECT = ("an object", (dict,))
_SHAPES: dict[str, dict[str, tuple[str, tuple[type, ...]]]] = {
    "inference": {
        "method": _STR,
        "url": _STR,
        "body": _OBJECT,
        "endpoint": _STR,
        "model": _STR,
    },
    "raw HTTP": {"method": _STR, "url": _STR, "payload": ("a JSON value", (dict, list))},
    "tool invocation": {"provider": _STR, "tool_name": _STR, "kwargs": _OBJECT},
    "file processor": {"provider": _STR, "api": _STR, "file_id": _STR},
}
_OPTIONAL = {"headers": _OBJECT, "provider_metadata": _OBJECT}


def unreadable(ctx: Context, error: ReadError) -> None:
    """S001 from the reader's own one-line reason (it names line and column)."""
    ctx.report("S001", "", error.message, error.line)


def check_top(ctx: Context, value: Any) -> bool:
    """S002; keep the value when it is an object. False: nothing more to check."""
    if not isinstance(value, dict):
        kind = {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
        ctx.report(
            "S002",
            "",
            f"the top-level JSON value is {kind.get(type(value), 'a number')}; a cassette "
            'is an object with "request" and "response"',
            1,
        )
        return False
    ctx.data = value
    return True


def shape_of(request: dict[str, Any]) -> str | None:
    if "body" in request or "endpoint" in request:
        return "inference"
    if "payload" in request:
        return "raw HTTP"
    if "tool_name" in request or "kwargs" in request:
        return "tool invocation"
    if "api" in request or "file_id" in request:
        return "file processor"
    return None


def check(ctx: Context) -> None:
    data = ctx.data
    for key in ("request", "response"):
        if not isinstance(data.get(key), dict):
            problem = "is missing" if key not in data else "is not an object"
            ctx.report(
                "S003", f"/{key}", f'"{key}" {problem}; a cassette has "request" and "response"'
            )
    if isinstance(data.get("request"), dict):
        _check_request(ctx, data["request"])
    if isinstance(data.get("response"), dict):
        _check_response(ctx, data["response"])


def _check_request(ctx: Context, request: dict[str, Any]) -> None:
    shape = shape_of(request)
    if shape is None:
        ctx.report(
            "S005",
            "/request",
            "the request has none of body (inference), payload (raw HTTP), tool_name (tool "
            "invocation) or api (file processor)",
            fix="recording-format.md lists the four shapes",
        )
        return
    for key, (kind, types) in _SHAPES[shape].items():
        if key not in request:
            ctx.report("S004", f"/request/{key}", f'{shape} request has no "{key}" ({kind})')
        elif not isinstance(request[key], types):
            ctx.report("S004", f"/request/{key}", f'"{key}" should be {kind}')
    for key, (kind, types) in _OPTIONAL.items():
        if key in request and not isinstance(request[key], types):
            ctx.report("S004", f"/request/{key}", f'"{key}" should be {kind}')


def _check_response(ctx: Context, response: dict[str, Any]) -> None:
    if ctx.body_kind == "missing":
        ctx.report(
            "S004", "/response/body", 'the response has no "body" (null when nothing came back)'
        )
    streaming = response.get("is_streaming")
    if "is_streaming" not in response:
        ctx.report("S006", "/response/is_streaming", 'the response has no "is_streaming"')
    elif not isinstance(streaming, bool):
        ctx.report(
            "S006",
            "/response/is_streaming",
            f'"is_streaming" should be true or false, not {_render(streaming)}',
        )
    for pointer, item in ctx.body:
        if not isinstance(item, dict) or ("__type__" not in item and "__data__" not in item):
            continue
        if "__data__" not in item:
            ctx.report("S007", pointer, 'has "__type__" but no "__data__"')
        elif "__type__" not in item:
            ctx.report("S007", pointer, 'has "__data__" but no "__type__"')
        elif not isinstance(item["__type__"], str) or not item["__type__"]:
            ctx.report("S007", f"{pointer}/__type__", '"__type__" should be a class name')


def _render(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 20 else text[:17] + "..."
