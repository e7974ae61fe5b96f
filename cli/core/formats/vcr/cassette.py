"""A VCR.py cassette's YAML value -> `Interaction`s in the shape every analyser reads.

Rules:
- A cassette is a mapping whose `interactions` is a list of mappings, each with a
  `request` and a `response` mapping. Anything else is `NotACassette`, with the reason
  (pydantic-ai's gRPC recordings of xai have `request_sample`, not `request`).
- Each interaction becomes `{"request": {...}, "response": {...}}`, the shape every
  analyser reads (`cli.core.model`): `uri` -> `url` and `endpoint`, headers as recorded
  (a `!!binary` value as text), bodies decoded by `cli.core.wire.body` with their own
  side's headers, status code and message, and `is_streaming`. pydantic-ai's
  `parsed_body` is the body's value already.
- The model a URL names (Gemini `/models/<m>:generateContent`, Bedrock
  `/model/<m>/converse`) is the request's `model` when its body names none.
- Reading never changes the YAML value; `Cassette` keeps what an edit needs to write a
  value back: the root node (each scalar's position and style), each body's layers,
  and (once an edit asks) the file as read.
- `lazy_sse=True` leaves SSE response bodies unsplit: the interaction reads their lines
  one at a time (`Interaction.items_reader`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from cli.core.formats.vcr.lines import value_node
from cli.core.model import Interaction, url_path
from cli.core.wire import sse
from cli.core.wire.body import Body, decode, parsed
from cli.errors import NotACassette

VCRPY = "VCR.py"
PYDANTIC_AI = "pydantic-ai"
_MODEL_IN_URL = re.compile(r"/models?/([^/:?]+)(?=[:/]|$)")


@dataclass
class Cassette:
    """What a format needs beyond the interactions: for people, and for writing back."""

    root: yaml.Node | None  # the composed document: every scalar's marks and style
    writer: str  # VCRPY or PYDANTIC_AI
    version: Any = None  # the cassette's `version:`
    bodies: list[tuple[Body, Body]] = field(default_factory=list)  # (request, response)
    # The file as read, loaded again from its bytes the first time an edit compares or
    # writes (`format.original`): edits change the interactions' values in place.
    original: Any = None
    before: bytes | None = None  # the interactions before an edit, marshalled (`before_edit`)


def shape_problem(value: Any) -> str | None:
    """Why `value` is not a VCR cassette, or None when it is one."""
    if not isinstance(value, dict):
        kind = "empty" if value is None else f"a YAML {_kind(value)}"
        return f"is {kind}, not a VCR cassette (a mapping with `interactions`)"
    interactions = value.get("interactions")
    if not isinstance(interactions, list):
        return "has no `interactions` list: YAML, but not a VCR cassette"
    for index, entry in enumerate(interactions):
        if not isinstance(entry, dict):
            return f"interaction {index} is a YAML {_kind(entry)}, not a request and response"
        for key in ("request", "response"):
            if not isinstance(entry.get(key), dict):
                keys = ", ".join(str(k) for k in list(entry)[:4])
                return (
                    f"interaction {index} has no `{key}` mapping (it has {keys}): "
                    "not an HTTP cassette"
                )
    return None


def interactions(
    value: dict[str, Any], root: yaml.Node | None, path: Path, *, lazy_sse: bool = False
) -> tuple[list[Interaction], Cassette]:
    """The interactions of a cassette `value` (checked by `shape_problem` first)."""
    problem = shape_problem(value)
    if problem:
        raise NotACassette(problem, path)
    cassette = Cassette(root, _writer(value, root), value.get("version"))
    out = []
    for index, entry in enumerate(value["interactions"]):
        request, request_body = _request(entry["request"])
        response, response_body = _response(entry["response"], request.get("url"), lazy_sse)
        cassette.bodies.append((request_body, response_body))
        reader = None
        if response_body.text is not None:  # SSE left unsplit: lines read on demand
            reader = partial(sse.iter_lines, response_body.text)
        data = {"request": request, "response": response}
        out.append(Interaction(path, data, index, f"/interactions/{index}", reader))
    return out, cassette


def _request(recorded: dict[str, Any]) -> tuple[dict[str, Any], Body]:
    headers = _headers(recorded.get("headers"))
    url = recorded.get("uri")
    url = url if isinstance(url, str) else None
    body = _body(recorded, recorded.get("body"), headers, url, lazy_sse=False)
    request: dict[str, Any] = {
        "method": recorded.get("method"),
        "url": url,
        "endpoint": url_path(url) if url else None,
        "headers": headers,
        "body": body.value,
    }
    model = _model_in_url(url)
    if model and not (isinstance(body.value, dict) and body.value.get("model")):
        request["model"] = model
    return request, body


def _response(
    recorded: dict[str, Any], url: str | None, lazy_sse: bool
) -> tuple[dict[str, Any], Body]:
    headers = _headers(recorded.get("headers"))
    held = recorded.get("body")
    if isinstance(held, dict) and "string" in held:
        held = held["string"]  # VCR.py keeps `body: {string: ...}`
    body = _body(recorded, held, headers, url, lazy_sse=lazy_sse)
    status = recorded.get("status")
    code = status.get("code") if isinstance(status, dict) else status
    message = status.get("message") if isinstance(status, dict) else None
    response: dict[str, Any] = {
        "status": code if isinstance(code, int) and not isinstance(code, bool) else None,
        "status_message": message if isinstance(message, str) else None,
        "headers": headers,
        "is_streaming": body.streaming,
    }
    if body.text is None:  # a body read lazily is not in `data` (`Interaction.items_reader`)
        response["body"] = body.value
    return response, body


def _body(
    recorded: dict[str, Any], held: Any, headers: dict[str, Any], url: str | None, lazy_sse: bool
) -> Body:
    if "parsed_body" in recorded:  # pydantic-ai: the JSON body, already a value
        return parsed(recorded["parsed_body"], header(headers, "content-type"), url)
    if held is not None and not isinstance(held, str | bytes):
        held = str(held)  # a number or a mapping where text belongs: read it as text
    return decode(
        held,
        header(headers, "content-type"),
        header(headers, "content-encoding"),
        url,
        lazy_sse=lazy_sse,
    )


def _headers(recorded: Any) -> dict[str, Any]:
    """Name -> list of values as recorded; `!!binary` values become text."""
    if not isinstance(recorded, dict):
        return {}
    return {str(name): _header_values(values) for name, values in recorded.items()}


def _header_values(values: Any) -> Any:
    if isinstance(values, list):
        return [_text(value) for value in values]
    return _text(values)


def _text(value: Any) -> Any:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")  # HTTP's own header charset
    return value


def header(headers: dict[str, Any], name: str) -> str | None:
    """The first value of header `name`, in any case; None when absent."""
    for key, values in headers.items():
        if key.lower() == name:
            value = values[0] if isinstance(values, list) and values else values
            return value if isinstance(value, str) else None
    return None


def _model_in_url(url: str | None) -> str | None:
    """Gemini `/models/<m>:generateContent`, Bedrock `/model/<m>/converse`."""
    match = _MODEL_IN_URL.search(url_path(url)) if url else None
    return unquote(match.group(1)) if match else None


def _writer(value: dict[str, Any], root: yaml.Node | None) -> str:
    """pydantic-ai's serializer writes `parsed_body` and `|` literal blocks for text; the
    VCR.py default writes neither (it uses `|` only under `!!binary`)."""
    for entry in value["interactions"]:
        if "parsed_body" in entry["request"] or "parsed_body" in entry["response"]:
            return PYDANTIC_AI
    for node in _body_nodes(root):
        if node.style == "|" and node.tag == "tag:yaml.org,2002:str":
            return PYDANTIC_AI
    return VCRPY


def _body_nodes(root: yaml.Node | None) -> list[yaml.ScalarNode]:
    """The scalar nodes of every request body and response body string."""
    found: list[yaml.ScalarNode] = []
    for entry in _sequence(value_node(root, "interactions")):
        request, response = value_node(entry, "request"), value_node(entry, "response")
        response_body = value_node(value_node(response, "body"), "string")
        for node in (value_node(request, "body"), response_body):
            if isinstance(node, yaml.ScalarNode):
                found.append(node)
    return found


def _sequence(node: Any) -> list[Any]:
    return node.value if isinstance(node, yaml.SequenceNode) else []


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str | bytes):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__
