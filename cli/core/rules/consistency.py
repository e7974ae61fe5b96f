"""Consistency rules (C): do the parts of one cassette agree with each other?

Rules:
- Only what the file itself shows is compared; a field that is absent or of the wrong
  type (already reported by the S rules) is simply not compared.
- `is_streaming` against the body: true needs a list (or null: nothing arrived), false
  with a list is wrong only when the items are stream chunks (a model list is a
  non-streamed list). Against the request's `stream`: skipped for recorded exceptions,
  which llama-stack records as non-streaming whatever was asked.
- `endpoint` must be the end of the URL's path: that allows placeholders
  (`__databricks__/serving-endpoints/v1/chat/completions`, `vertexai:///generate_content`)
  and the doubled prefix (`/v1/v1/chat/completions`), which has its own (info) rule.
- Chunk agreement (ids, models, kinds, `created`) is judged within one streamed body,
  over the items that are JSON objects; SSE string lines are not chunks here. Empty
  strings are absent values: Azure's first chunk (`prompt_filter_results`) has `id`,
  `model` and `object` all "", and TGI sends every chunk with `id` "".
"""

from __future__ import annotations

import re
from typing import Any

from cli.core.model import url_path
from cli.core.rules.base import ERROR, INFO, WARNING, Context, Rule
from cli.core.transcript.common import timestamp

RULES = (
    Rule(
        "C001",
        "streaming-flag-vs-body",
        ERROR,
        "`is_streaming` disagrees with the body: true with one object, or false with a "
        "list of stream chunks.",
        why="replay answers with one object where the client expects a stream, or the reverse",
    ),
    Rule(
        "C002",
        "streaming-flag-vs-request",
        ERROR,
        "`is_streaming` disagrees with the request's `stream` parameter.",
        why="replay answers with another kind of response than the client asks for",
    ),
    Rule(
        "C003",
        "model-mismatch",
        ERROR,
        "`request.model` differs from the body's `model`.",
        why="an edit changed only one of them, so tools reading request.model name a model "
        "that was never sent",
    ),
    Rule(
        "C004",
        "endpoint-vs-url",
        ERROR,
        "`request.endpoint` is not the end of the URL's path.",
        why="the two were edited apart: the endpoint no longer names the call recorded",
    ),
    # Info: llama-stack records every OpenAI-compatible call this way (nine files in ten
    # of its suite), and replay finds them all: the hash covers this very path.
    Rule(
        "C005",
        "doubled-url-prefix",
        INFO,
        "The URL path repeats a version prefix (`/v1/v1/`); replay still works.",
        why="harmless for replay, and the hash covers this path, so leave it",
    ),
    Rule(
        "C006",
        "mixed-chunk-ids",
        ERROR,
        "The chunks of one stream carry different `id`s.",
        why="the stream was pieced together from several answers, which replay returns as one",
    ),
    Rule(
        "C007",
        "mixed-chunk-models",
        WARNING,
        "The chunks of one stream name different models.",
        why="the stream was pieced together or edited: the client sees two models answer",
    ),
    Rule(
        "C008",
        "mixed-chunk-kinds",
        ERROR,
        "The chunks of one stream have different `object` values or `__type__`s.",
        why="a client reading the stream meets a chunk of another kind and fails on it",
    ),
    # Info: the one real case (a Together stream) is the provider's own clock, and replay
    # never reads `created`; a stream pieced together shows in C006 and T004 as well.
    Rule(
        "C009",
        "created-goes-back",
        INFO,
        "A chunk's `created` time is earlier than the chunk before it.",
        why="some providers' clocks do it (Together's); a stream pieced together does too",
    ),
)

_DOUBLED = re.compile(r"/(v\d+(?:alpha\d*|beta\d*)?)/\1(?=/|$)")
_CHUNK_OBJECTS = frozenset({"chat.completion.chunk", "completion.chunk"})


def check(ctx: Context) -> None:
    _streaming(ctx)
    _request(ctx)
    if ctx.interaction.response.get("is_streaming") is True and ctx.body_kind == "list":
        _chunks(ctx)


def _is_chunk(type_name: str | None, payload: Any) -> bool:
    if type_name:
        return type_name.endswith("Chunk")
    if isinstance(payload, dict):
        return payload.get("object") in _CHUNK_OBJECTS
    return isinstance(payload, str) and payload.startswith(("data:", "event:"))


def _streaming(ctx: Context) -> None:
    response, request = ctx.interaction.response, ctx.interaction.request
    streaming = response.get("is_streaming")
    if not isinstance(streaming, bool):
        return
    body = ctx.body_kind
    if streaming and body == "object":
        ctx.report(
            "C001",
            "/response/is_streaming",
            "is_streaming is true but the body is one object, not a list of chunks",
        )
    elif not streaming and body == "list":
        chunks = sum(1 for _, type_name, payload in ctx.items if _is_chunk(type_name, payload))
        if chunks:
            ctx.report(
                "C001",
                "/response/is_streaming",
                f"is_streaming is false but the body is a list of {ctx.body_length} items, "
                f"{chunks} of them stream chunks",
            )
    if response.get("is_exception") is True:
        return
    sent = request.get("body", request.get("payload"))
    asked = sent.get("stream") if isinstance(sent, dict) else None
    if isinstance(asked, bool) and asked != streaming:
        key = "body" if "body" in request else "payload"
        ctx.report(
            "C002",
            "/response/is_streaming",
            f"is_streaming is {str(streaming).lower()} but the request has "
            f"{key}.stream = {str(asked).lower()}",
        )


def _request(ctx: Context) -> None:
    request = ctx.interaction.request
    body = request.get("body")
    model, sent = request.get("model"), body.get("model") if isinstance(body, dict) else None
    if isinstance(model, str) and model and isinstance(sent, str) and sent and model != sent:
        ctx.report(
            "C003",
            "/request/model",
            f'request.model is "{model}" but the body asks for "{sent}"',
            fix="cassette rename-model changes both",
        )
    url, endpoint = request.get("url"), request.get("endpoint")
    if not isinstance(url, str):
        return
    path = url_path(url)
    if isinstance(endpoint, str) and endpoint and not _fits(path, endpoint):
        ctx.report(
            "C004",
            "/request/endpoint",
            f'endpoint "{endpoint}" is not the end of the URL path "{path}"',
        )
    doubled = _DOUBLED.search(path)
    if doubled:
        prefix = doubled.group(1)
        ctx.report(
            "C005",
            "/request/url",
            f'URL path "{path}" repeats /{prefix}/: the base URL already ended in /{prefix}',
        )


def _fits(path: str, endpoint: str) -> bool:
    endpoint = endpoint if endpoint.startswith("/") else "/" + endpoint
    return path.rstrip("/").endswith(endpoint.rstrip("/"))


def _chunks(ctx: Context) -> None:
    ids: dict[Any, str] = {}
    models: dict[Any, str] = {}
    types: dict[Any, str] = {}
    objects: dict[Any, str] = {}
    previous: tuple[float, str] | None = None
    went_back = False
    stamp: Any = None  # the last `created` read, and its time: chunks mostly repeat it
    created = None
    for pointer, type_name, payload in ctx.items:
        if not isinstance(payload, dict):
            continue
        for seen, value in (
            (ids, payload.get("id")),
            (models, payload.get("model")),
            (objects, payload.get("object")),
        ):
            if value and isinstance(value, str):  # "" is absent (see the rules)
                seen.setdefault(value, pointer)
        types.setdefault(type_name, pointer)
        value = payload.get("created", payload.get("created_at"))
        if type(value) is not type(stamp) or value != stamp:
            stamp, created = value, timestamp(value)
        if created is not None:
            if previous is not None and created < previous[0] and not went_back:
                went_back = True
                ctx.report(
                    "C009",
                    f"{pointer}/created",
                    f"created goes back in time, from {_time(previous[0])} (at {previous[1]}) "
                    f"to {_time(created)}",
                )
            previous = (created, pointer)
    _mixed(ctx, "C006", ids, "ids")
    _mixed(ctx, "C007", models, "models")
    for seen, what in ((types, "__type__"), (objects, "object")):
        if len(seen) > 1:
            (first, _), (second, where) = list(seen.items())[:2]
            ctx.report(
                "C008",
                where,
                f"this chunk's {what} is {_kind(second, what)} but the stream began with "
                f"{_kind(first, what)}",
            )
            break


def _mixed(ctx: Context, code: str, seen: dict[Any, str], what: str) -> None:
    if len(seen) > 1:
        values = list(seen)
        shown = ", ".join(f'"{value}"' for value in values[:3])
        more = f" and {len(values) - 3} more" if len(values) > 3 else ""
        ctx.report(
            code,
            f"{seen[values[1]]}/{'id' if code == 'C006' else 'model'}",
            f"one stream carries {len(values)} different {what}: {shown}{more}",
        )


def _kind(value: Any, what: str) -> str:
    if not isinstance(value, str):
        return "absent (an unwrapped item)"
    return f'"{value.rsplit(".", 1)[-1] if what == "__type__" else value}"'


def _time(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}"
