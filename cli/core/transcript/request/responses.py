"""The conversation of an OpenAI Responses API request (`/v1/responses`): `instructions`
and the `input` items.

Rules:
- Never raises; an item of an unknown shape is shown as compact JSON (kind `other`),
  without its `encrypted_content`.
- `instructions` is the system message. A string `input` is one user message. Each
  `input` item is one message:
  - a message (`{"role", "content"}`, with or without `type: "message"`): its role
    (`user`, `system`, `developer`, `assistant`) and content parts (`input_text`,
    `output_text`, `input_image`, `input_file`, `input_audio`; see `parts`);
  - `function_call`, `custom_tool_call` and any other `*_call` item: an assistant
    message with a tool call, `name(arguments)` (a server tool is named by its type);
  - `function_call_output` and any other `*_output`: a `tool` message that starts with
    `[result of <call_id>]`, then the output (text, or content parts);
  - `reasoning`: an assistant message with its summary (else its `reasoning_text`
    content, else `[encrypted reasoning]`) as reasoning;
  - `item_reference` and `compaction`: a placeholder naming them.
"""

from __future__ import annotations

from typing import Any

from cli.core.transcript.request.model import Message, Part
from cli.core.transcript.request.parts import compact, parts

_HIDDEN = frozenset({"encrypted_content", "id", "status", "type"})


def conversation(body: dict[str, Any]) -> list[Message]:
    messages: list[Message] = []
    instructions = body.get("instructions")
    if instructions is not None:
        messages.append(Message("system", _content(instructions)))
    given = body.get("input")
    if isinstance(given, list):
        messages.extend(_item(item) for item in given)
    elif given is not None:
        messages.append(Message("user", parts(given)))
    return messages


def _content(value: Any) -> list[Part]:
    if isinstance(value, list) and any(isinstance(item, dict) and "role" in item for item in value):
        return [part for item in value for part in _item(item).parts]
    return parts(value)


def _item(item: Any) -> Message:
    if not isinstance(item, dict):
        return Message("user", parts(item))
    kind = item.get("type") if isinstance(item.get("type"), str) else None
    if kind in (None, "message") and "role" in item:
        return Message(str(item.get("role") or "user"), parts(item.get("content")))
    if kind == "reasoning":
        return Message("assistant", [Part("reasoning", _reasoning_text(item))])
    if kind in ("function_call", "custom_tool_call"):
        arguments = item.get("arguments", item.get("input", ""))
        text = arguments if isinstance(arguments, str) else compact(arguments)
        return Message("assistant", [Part("tool_call", f"{item.get('name', '?')}({text})")])
    if kind is not None and kind.endswith("_output"):
        label = Part("tool_result", f"[result of {item.get('call_id') or item.get('id')}]")
        return Message("tool", [label, *parts(item.get("output"))])
    if kind is not None and kind.endswith("_call"):
        name = item.get("name") or kind.removesuffix("_call")
        fields = {key: value for key, value in item.items() if key not in _HIDDEN}
        fields.pop("name", None)
        return Message("assistant", [Part("tool_call", f"{name}({compact(fields)})")])
    if kind == "item_reference":
        return Message("assistant", [Part("other", f"[item {item.get('id')}]")])
    if kind == "compaction":
        return Message("assistant", [Part("other", "[compaction]")])
    fields = {key: value for key, value in item.items() if key != "encrypted_content"}
    return Message(str(item.get("role") or "user"), [Part("other", compact(fields))])


def _reasoning_text(item: dict[str, Any]) -> str:
    for key, part_type in (("summary", "summary_text"), ("content", "reasoning_text")):
        found = item.get(key) if isinstance(item.get(key), list) else []
        texts = [
            part.get("text")
            for part in found
            if isinstance(part, dict) and part.get("type") == part_type
        ]
        text = "\n\n".join(text for text in texts if isinstance(text, str) and text)
        if text:
            return text
    return "[encrypted reasoning]"
