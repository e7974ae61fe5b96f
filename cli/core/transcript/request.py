"""What was asked: a request's messages, tools and sampling parameters, provider-neutral.

Rules:
- Read-only, derived from the raw request; never raises on odd shapes (a value of the
  wrong type is shown as text, not trusted).
- Binary payloads are summarized, never copied: `[image: image/png, 12 KB]`.
- Understands OpenAI chat (`messages`), completions (`prompt`), embeddings (`input`),
  Anthropic (`system` + `messages`), Gemini (`contents`, `config.system_instruction`),
  Ollama (`messages` with `images`, `prompt`), interactions (`input`) and tool `kwargs`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cli.core.model import Interaction

# Body keys that carry the conversation or plumbing, not sampling parameters.
_NOT_PARAMS = frozenset(
    {
        "model",
        "messages",
        "tools",
        "prompt",
        "input",
        "contents",
        "system",
        "images",
        "config",
        "stream",
        "stream_options",
    }
)


@dataclass
class Part:
    kind: str  # text | image | audio | file | tool_call | tool_result | other
    text: str


@dataclass
class Message:
    role: str
    parts: list[Part] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(part.text for part in self.parts)


@dataclass
class Parameter:
    name: str
    type: str
    required: bool
    description: str = ""


@dataclass
class Tool:
    name: str
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)


@dataclass
class RequestView:
    messages: list[Message] = field(default_factory=list)
    tools: list[Tool] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


def view_request(cassette: Interaction) -> RequestView:
    body = cassette.request_body
    if not isinstance(body, dict):
        return RequestView()
    if "tool_name" in cassette.request:
        return RequestView(messages=[Message("kwargs", [Part("text", _compact(body))])])
    view = RequestView(
        messages=_messages(body),
        tools=[tool for item in _as_list(body.get("tools")) if (tool := _tool(item))],
        params={k: v for k, v in body.items() if k not in _NOT_PARAMS},
    )
    config = body.get("config")
    if isinstance(config, dict):
        view.params.update({k: v for k, v in config.items() if k != "system_instruction"})
    return view


def _messages(body: dict[str, Any]) -> list[Message]:
    messages: list[Message] = []
    system = body.get("system")
    config = body.get("config")
    if isinstance(config, dict) and config.get("system_instruction") is not None:
        system = config["system_instruction"]
    if system is not None:
        messages.append(Message("system", _parts(system)))
    for item in _as_list(body.get("messages")) + _as_list(body.get("contents")):
        if isinstance(item, dict):
            messages.append(_message(item))
        else:
            messages.append(Message("user", _parts(item)))
    for key in ("prompt", "input"):  # completions, embeddings, interactions
        if body.get(key) is not None:
            messages.append(Message(key, _parts(body[key])))
    return messages


def _message(item: dict[str, Any]) -> Message:
    role = str(item.get("role") or "user")
    parts = _parts(item.get("content")) if "content" in item else []
    if "parts" in item:  # Gemini
        parts += _parts(item["parts"])
    for image in _as_list(item.get("images")):  # Ollama: bare base64
        parts.append(Part("image", _image_summary(None, image)))
    for call in _as_list(item.get("tool_calls")):
        parts.append(Part("tool_call", _tool_call_text(call)))
    if item.get("tool_call_id"):
        parts.insert(0, Part("tool_result", f"[result of {item['tool_call_id']}]"))
    return Message(role, parts)


def _parts(content: Any) -> list[Part]:
    if content is None:
        return []
    if isinstance(content, str):
        return [Part("text", content)]
    if isinstance(content, list):
        return [part for item in content for part in _parts_of_item(item)]
    if isinstance(content, dict):
        return _parts_of_item(content)
    return [Part("text", str(content))]


def _parts_of_item(item: Any) -> list[Part]:
    if isinstance(item, str):
        return [Part("text", item)]
    if not isinstance(item, dict):
        return [Part("other", _compact(item))]
    kind = item.get("type")
    if isinstance(item.get("text"), str) and kind in (None, "text", "input_text", "output_text"):
        return [Part("text", item["text"])]
    if kind == "image_url" or "image_url" in item:
        url = item.get("image_url")
        url = url.get("url") if isinstance(url, dict) else url
        return [Part("image", _image_summary(url, None))]
    if kind == "image" and isinstance(item.get("source"), dict):  # Anthropic
        source = item["source"]
        return [Part("image", _image_summary(source.get("url"), source.get("data"), source))]
    if "inline_data" in item or "inlineData" in item:  # Gemini
        blob = item.get("inline_data") or item.get("inlineData") or {}
        mime = blob.get("mime_type") or blob.get("mimeType") if isinstance(blob, dict) else None
        data = blob.get("data") if isinstance(blob, dict) else None
        return [Part("image", _image_summary(None, data, {"media_type": mime}))]
    if kind == "input_audio":
        return [Part("audio", "[audio]")]
    if kind in ("tool_use", "function_call") or "function_call" in item:
        return [Part("tool_call", _tool_call_text(item.get("function_call", item)))]
    if kind in ("tool_result", "function_response") or "function_response" in item:
        return [Part("tool_result", _compact(item.get("content", item)))]
    return [Part("other", _compact(item))]


def _image_summary(url: Any, data: Any, source: dict[str, Any] | None = None) -> str:
    mime = source.get("media_type") if source else None
    if isinstance(url, str) and url.startswith("data:"):
        header, _, data = url.partition(",")
        mime = header[5:].split(";")[0] or mime
    elif isinstance(url, str):
        return f"[image: {url}]"
    size = f"{_kilobytes(data)} KB" if isinstance(data, str) else "? KB"
    return f"[image: {mime}, {size}]" if mime else f"[image: {size}]"


def _kilobytes(base64_text: str) -> int:
    raw_bytes = len(base64_text) * 3 // 4 - base64_text[-2:].count("=")
    return max(1, round(raw_bytes / 1024))


def _tool_call_text(call: Any) -> str:
    if not isinstance(call, dict):
        return _compact(call)
    function = call.get("function") if isinstance(call.get("function"), dict) else call
    name = function.get("name", "?")
    arguments = function.get("arguments", function.get("args", function.get("input", "")))
    if not isinstance(arguments, str):
        arguments = _compact(arguments)
    return f"{name}({arguments})"


def _tool(item: Any) -> Tool | None:
    if not isinstance(item, dict):
        return None
    function = item.get("function") if isinstance(item.get("function"), dict) else item
    name = function.get("name")
    if not isinstance(name, str):
        return None
    schema = function.get("parameters") or function.get("input_schema") or {}
    properties = schema.get("properties") if isinstance(schema, dict) else None
    required = set(_as_list(schema.get("required"))) if isinstance(schema, dict) else set()
    parameters = []
    if isinstance(properties, dict):
        for key, spec in properties.items():
            spec = spec if isinstance(spec, dict) else {}
            kind = spec.get("type", "any")
            parameters.append(
                Parameter(
                    name=key,
                    type=kind if isinstance(kind, str) else "|".join(map(str, _as_list(kind))),
                    required=key in required,
                    description=str(spec.get("description") or ""),
                )
            )
    return Tool(name, str(function.get("description") or ""), parameters)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _compact(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)
