"""One piece of message content -> `Part`s, whatever the provider's block shape.

Rules:
- Never raises; a value of the wrong type is shown as compact JSON (kind `other`), not
  trusted.
- Media are summarized, never copied: `[image: image/png, 12 KB]`, `[image: <url>]`,
  `[file: report.pdf, application/pdf, 30 KB]`, `[audio: wav, 8 KB]`; the kind (image,
  audio, video, file) follows the MIME type where the block gives one.
- Blocks read, by provider:
  - text: `{"type": "text"|"input_text"|"output_text", "text"}`, a bare `{"text"}` (Gemini,
    Bedrock), OpenAI `refusal` parts; a Gemini part with `thought: true` is reasoning;
  - images: OpenAI `image_url`, Responses `input_image`, Anthropic `image` with a `source`,
    Bedrock `{"image": {"format", "source"}}`, Gemini `inlineData`/`fileData`;
  - other media: OpenAI `input_audio` and `file`, Responses `input_file`, Anthropic and
    Cohere `document`, Bedrock `document` and `video`;
  - tool calls: Anthropic `tool_use` (and server/MCP tool use), Gemini `functionCall` and
    `executableCode`, Bedrock `toolUse`, as `name(arguments)`;
  - tool results: Anthropic `tool_result` and `*_tool_result`, Gemini `functionResponse`
    and `codeExecutionResult`, Bedrock `toolResult`: the result's own text, its media
    summarized;
  - reasoning: Anthropic `thinking` and `redacted_thinking`, Bedrock `reasoningContent`;
  - cache markers (Bedrock `cachePoint`) carry nothing and give no part.
  The snake_case and camelCase spellings of Gemini's fields are both read.
"""

from __future__ import annotations

import json
from typing import Any

from cli.core.transcript.request.model import Part

_TEXT_TYPES = (None, "text", "input_text", "output_text")
_TOOL_USES = ("tool_use", "server_tool_use", "mcp_tool_use", "function_call")


def parts(content: Any) -> list[Part]:
    if content is None:
        return []
    if isinstance(content, str):
        return [Part("text", content)]
    if isinstance(content, list):
        return [part for item in content for part in part_of_item(item)]
    if isinstance(content, dict):
        if isinstance(content.get("parts"), list) and "text" not in content:
            return parts(content["parts"])  # a Gemini Content: {"role", "parts"}
        return part_of_item(content)
    return [Part("text", str(content))]


def part_of_item(item: Any) -> list[Part]:
    if isinstance(item, str):
        return [Part("text", item)]
    if not isinstance(item, dict):
        return [Part("other", compact(item))]
    kind = item.get("type") if isinstance(item.get("type"), str) else None
    if isinstance(item.get("text"), str) and kind in _TEXT_TYPES:
        return [Part("reasoning" if item.get("thought") is True else "text", item["text"])]
    if kind == "image_url" or "image_url" in item:
        url = item.get("image_url")
        url = url.get("url") if isinstance(url, dict) else url
        return [Part("image", image_summary(url, None))]
    if kind == "image" and isinstance(item.get("source"), dict):  # Anthropic
        source = item["source"]
        return [Part("image", image_summary(source.get("url"), source.get("data"), source))]
    if "inline_data" in item or "inlineData" in item:  # Gemini
        blob = item.get("inline_data") or item.get("inlineData") or {}
        mime = blob.get("mime_type") or blob.get("mimeType") if isinstance(blob, dict) else None
        data = blob.get("data") if isinstance(blob, dict) else None
        media = _media_kind(mime)
        if media == "image":
            return [Part("image", image_summary(None, data, {"media_type": mime}))]
        return [Part(media, media_summary(media, mime=mime, data=data))]
    for reader in _READERS:
        found = reader(item, kind)
        if found is not None:
            return found
    return [Part("other", compact(item))]


# media -------------------------------------------------------------------------


def image_summary(url: Any, data: Any, source: dict[str, Any] | None = None) -> str:
    mime = source.get("media_type") if source else None
    if isinstance(url, str) and url.startswith("data:"):
        header, _, data = url.partition(",")
        mime = header[5:].split(";")[0] or mime
    elif isinstance(url, str):
        return f"[image: {url}]"
    size = f"{_kilobytes(data)} KB" if isinstance(data, str) else "? KB"
    return f"[image: {mime}, {size}]" if mime else f"[image: {size}]"


def media_summary(
    kind: str, *, mime: Any = None, data: Any = None, url: Any = None, name: Any = None
) -> str:
    """`[file: report.pdf, application/pdf, 30 KB]`, `[video: <url>]`, `[audio: wav]`..."""
    for value in (url, data):  # a data URL, in either place
        if isinstance(value, str) and value.startswith("data:"):
            header, _, data = value.partition(",")
            mime = header[5:].split(";")[0] or mime
            url = None if value is url else url
    fields = [str(value) for value in (name, mime, url) if isinstance(value, str) and value]
    if isinstance(data, str):
        fields.append(f"{_kilobytes(data)} KB")
    return f"[{kind}: {', '.join(fields)}]" if fields else f"[{kind}]"


def opaque_body_part(body: dict[str, Any]) -> Part:
    """A whole body the reader summarized: `{"__media__": {content_type, bytes}}` or
    `{"__encoded__": {encoding, bytes}}`."""
    media = body.get("__media__")
    if isinstance(media, dict):
        kind = _media_kind(media.get("content_type"))
        return Part(kind, f"[{kind}: {media.get('content_type')}, {_size(media.get('bytes'))}]")
    encoded = body.get("__encoded__")
    encoded = encoded if isinstance(encoded, dict) else {}
    return Part("other", f"[{encoded.get('encoding')}-encoded, {_size(encoded.get('bytes'))}]")


def _size(count: Any) -> str:
    if not isinstance(count, int) or isinstance(count, bool):
        return "? bytes"
    return f"{max(1, round(count / 1024))} KB" if count >= 1024 else f"{count} bytes"


def _media_kind(mime: Any) -> str:
    prefix = mime.split("/", 1)[0] if isinstance(mime, str) else ""
    return prefix if prefix in ("image", "audio", "video") else "file"


def _kilobytes(base64_text: str) -> int:
    raw_bytes = len(base64_text) * 3 // 4 - base64_text[-2:].count("=")
    return max(1, round(raw_bytes / 1024))


def _source_summary(kind: str, source: dict[str, Any], name: Any = None, fmt: Any = None) -> Part:
    """Anthropic's and Bedrock's `source`: base64 `data`/`bytes`, a `url`, a file id,
    an S3 location, or the document's own text."""
    if source.get("type") == "text" and isinstance(source.get("data"), str):
        return Part("text", source["data"])
    mime = source.get("media_type") or fmt
    location = source.get("url") or source.get("file_id") or source.get("s3Location")
    if isinstance(location, dict):
        location = location.get("uri")
    data = source.get("data") if "data" in source else source.get("bytes")
    return Part(kind, media_summary(kind, mime=mime, data=data, url=location, name=name))


# block readers: each returns parts, or None when the block is not its shape -----------


def _media(item: dict[str, Any], kind: str | None) -> list[Part] | None:
    if kind == "input_image":  # Responses
        url = item.get("image_url") or item.get("file_id")
        return [Part("image", image_summary(url, None))]
    if kind in ("input_audio", "input_file", "file") or (kind == "document" and "source" in item):
        inner = item.get(kind) if isinstance(item.get(kind), dict) else item
        media = "audio" if kind == "input_audio" else "file"
        source = inner.get("source")
        if isinstance(source, dict):  # Anthropic document
            return [_source_summary(media, source, inner.get("title"))]
        data = inner.get("data") if media == "audio" else inner.get("file_data")
        url = inner.get("file_url") or inner.get("file_id")
        name = inner.get("filename") or inner.get("format")
        return [Part(media, media_summary(media, data=data, url=url, name=name))]
    if kind == "document" and isinstance(item.get("document"), dict):  # Cohere
        data = item["document"].get("data")
        return [Part("file", data if isinstance(data, str) else compact(data))]
    for key in ("image", "document", "video"):  # Bedrock: {"image": {"format", "source"}}
        block = item.get(key)
        if kind is None and isinstance(block, dict) and isinstance(block.get("source"), dict):
            media = "file" if key == "document" else key
            return [_source_summary(media, block["source"], block.get("name"), block.get("format"))]
    blob = item.get("file_data") or item.get("fileData")
    if kind is None and isinstance(blob, dict):  # Gemini: a file by URI
        mime = blob.get("mime_type") or blob.get("mimeType")
        uri = blob.get("file_uri") or blob.get("fileUri")
        media = _media_kind(mime)
        if media == "image":
            return [Part("image", image_summary(uri, None, {"media_type": mime}))]
        return [Part(media, media_summary(media, mime=mime, url=uri))]
    return None


def _tool_use(item: dict[str, Any], kind: str | None) -> list[Part] | None:
    if kind in _TOOL_USES or "function_call" in item:
        return [Part("tool_call", tool_call_text(item.get("function_call", item)))]
    for key in ("functionCall", "toolUse"):  # Gemini, Bedrock
        if isinstance(item.get(key), dict):
            return [Part("tool_call", tool_call_text(item[key]))]
    code = item.get("executable_code") or item.get("executableCode")
    if isinstance(code, dict):
        return [Part("tool_call", f"code_execution({compact(code)})")]
    return None


def _tool_result(item: dict[str, Any], kind: str | None) -> list[Part] | None:
    if kind == "tool_result" or (kind or "").endswith("_tool_result"):  # Anthropic
        found = [part for part in parts(item.get("content")) if part.kind != "tool_result"]
        label = f"[{kind} of {item.get('tool_use_id')}]"
        return [Part("tool_result", label), *found]
    if kind == "function_response" or "function_response" in item:
        return [Part("tool_result", compact(item.get("content", item)))]
    if isinstance(item.get("functionResponse"), dict):  # Gemini REST
        response = item["functionResponse"]
        return [Part("tool_result", f"{response.get('name')}: {compact(response.get('response'))}")]
    result = item.get("toolResult")
    if isinstance(result, dict):  # Bedrock: content blocks of text, json, image, document
        found = []
        for block in result.get("content") if isinstance(result.get("content"), list) else []:
            if isinstance(block, dict) and "json" in block:
                found.append(Part("text", compact(block["json"])))
            else:
                found.extend(part_of_item(block))
        return [Part("tool_result", f"[result of {result.get('toolUseId')}]"), *found]
    outcome = item.get("code_execution_result") or item.get("codeExecutionResult")
    if isinstance(outcome, dict):
        return [Part("tool_result", str(outcome.get("output") or outcome.get("outcome")))]
    return None


def _reasoning(item: dict[str, Any], kind: str | None) -> list[Part] | None:
    if kind == "thinking" and isinstance(item.get("thinking"), str):
        return [Part("reasoning", item["thinking"])]
    if kind == "redacted_thinking":
        return [Part("reasoning", "[redacted thinking]")]
    content = item.get("reasoningContent")
    if isinstance(content, dict):
        text = content.get("reasoningText")
        text = text.get("text") if isinstance(text, dict) else None
        return [Part("reasoning", text if isinstance(text, str) else "[redacted reasoning]")]
    return None


def _plumbing(item: dict[str, Any], kind: str | None) -> list[Part] | None:
    if kind == "refusal" and isinstance(item.get("refusal"), str):
        return [Part("text", item["refusal"])]
    if kind is None and set(item) <= {"cachePoint", "cache_control"}:
        return []
    guard = item.get("guardContent")  # Bedrock guardrail-checked text
    if kind is None and isinstance(guard, dict):
        text = guard.get("text")
        return [Part("text", text.get("text") if isinstance(text, dict) else compact(guard))]
    return None


_READERS = (_media, _tool_use, _tool_result, _reasoning, _plumbing)


# text of calls and values --------------------------------------------------------


def tool_call_text(call: Any) -> str:
    if not isinstance(call, dict):
        return compact(call)
    function = call.get("function") if isinstance(call.get("function"), dict) else call
    name = function.get("name", "?")
    arguments = function.get("arguments", function.get("args", function.get("input", "")))
    if "parameters" in function and not arguments:  # Cohere v1
        arguments = function["parameters"]
    if not isinstance(arguments, str):
        arguments = compact(arguments)
    return f"{name}({arguments})"


def compact(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return str(value)
