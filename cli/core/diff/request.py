"""The request side of a cassette diff: what was asked, compared field by field.

Rules:
- Compared: method, endpoint, model, test id, the tool/file-processor identity fields,
  messages by position (role, then text word by word), tools by name (their schemas
  through deepdiff), and every other body key as a parameter (`temperature`, `n`,
  `tool_choice`, `stream`...).
- Not compared: headers (never hashed, often scrubbed) and the URL (its host is
  machine-specific; its path is the endpoint).
- A body that differs where none of the views above looks (an image swapped for another
  of the same size) is still reported, as a raw structured diff of the body.
"""

from __future__ import annotations

from typing import Any

from cli.core.diff.model import ADDED, REMOVED, Change
from cli.core.diff.values import structured_changes, text_change, value_change
from cli.core.equality import same_value
from cli.core.model import TOOL, Interaction
from cli.core.transcript.request import Message, view_request

REQUEST = "request"
# Body keys compared as messages or tools rather than as parameters.
_PARAM_EXCLUDED = frozenset({"model", "messages", "tools", "prompt", "input", "contents", "system"})
_IDENTITY = ("provider", "tool_name", "api", "file_id")


def compare_request(old: Interaction, new: Interaction) -> list[Change]:
    changes: list[Change] = []
    changes += value_change(REQUEST, "method", old.method, new.method)
    changes += value_change(REQUEST, "endpoint", old.endpoint, new.endpoint)
    changes += value_change(REQUEST, "test id", old.test_id, new.test_id)
    for key in _IDENTITY:
        changes += value_change(REQUEST, key.replace("_", " "), _field(old, key), _field(new, key))
    body_changes = value_change(REQUEST, "model", old.model_requested, new.model_requested)
    if old.request_shape == TOOL or new.request_shape == TOOL:
        body_changes += structured_changes(REQUEST, "kwargs", old.request_body, new.request_body)
    else:
        old_view, new_view = view_request(old), view_request(new)
        body_changes += _messages(old_view.messages, new_view.messages)
        body_changes += _tools(_raw_tools(old.request_body), _raw_tools(new.request_body))
        body_changes += _params(_raw_params(old.request_body), _raw_params(new.request_body))
    if not body_changes and not same_value(old.request_body, new.request_body):
        body_changes = structured_changes(REQUEST, "body", old.request_body, new.request_body)
    return changes + body_changes


def _field(cassette: Interaction, key: str) -> Any:
    return cassette.request.get(key)


def _messages(old: list[Message], new: list[Message]) -> list[Change]:
    changes: list[Change] = []
    for index in range(max(len(old), len(new))):
        if index >= len(old):
            message = new[index]
            changes.append(
                Change(REQUEST, f"message {index} ({message.role})", ADDED, new=message.text)
            )
        elif index >= len(new):
            message = old[index]
            changes.append(
                Change(REQUEST, f"message {index} ({message.role})", REMOVED, old=message.text)
            )
        else:
            before, after = old[index], new[index]
            changes += value_change(REQUEST, f"message {index} role", before.role, after.role)
            changes += text_change(
                REQUEST, f"message {index} ({after.role})", before.text, after.text
            )
    return changes


def _raw_tools(body: Any) -> dict[str, Any]:
    """Tool definitions by name: OpenAI `function`, Anthropic/Responses flat, Gemini
    `function_declarations`. A tool without a name (`web_search`) goes by its type."""
    tools: dict[str, Any] = {}
    items = body.get("tools") if isinstance(body, dict) else None
    for position, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and isinstance(item.get("function_declarations"), list):
            for declaration in item["function_declarations"]:
                name = declaration.get("name") if isinstance(declaration, dict) else None
                tools[str(name or f"#{position}")] = declaration
            continue
        definition = item.get("function") if isinstance(item, dict) else None
        definition = definition if isinstance(definition, dict) else item
        name = definition.get("name") if isinstance(definition, dict) else None
        if not name and isinstance(item, dict):
            name = item.get("type")
        tools[str(name or f"#{position}")] = definition
    return tools


def _tools(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for name in [*old, *(name for name in new if name not in old)]:
        if name not in new:
            changes.append(Change(REQUEST, f"tool {name}", REMOVED, old=_describe(old[name])))
        elif name not in old:
            changes.append(Change(REQUEST, f"tool {name}", ADDED, new=_describe(new[name])))
        else:
            changes += structured_changes(REQUEST, f"tool {name}", old[name], new[name])
    return changes


def _describe(tool: Any) -> Any:
    if isinstance(tool, dict) and isinstance(tool.get("description"), str):
        return tool["description"]
    return tool


def _raw_params(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {}
    params = {key: value for key, value in body.items() if key not in _PARAM_EXCLUDED}
    config = params.get("config")
    if isinstance(config, dict) and "system_instruction" in config:  # Gemini: a message
        params["config"] = {k: v for k, v in config.items() if k != "system_instruction"}
    return params


def _params(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for key in [*old, *(key for key in new if key not in old)]:
        if key not in new:
            changes.append(Change(REQUEST, key, REMOVED, old=old[key]))
        elif key not in old:
            changes.append(Change(REQUEST, key, ADDED, new=new[key]))
        elif isinstance(old[key], dict | list) and isinstance(new[key], dict | list):
            changes += structured_changes(REQUEST, key, old[key], new[key])
        else:
            changes += value_change(REQUEST, key, old[key], new[key])
    return changes
