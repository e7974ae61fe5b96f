"""The response side of a cassette diff: what was answered, compared as transcripts.

Rules:
- Both responses are reassembled (`stream.transcribe`) and the transcripts compared, so
  where a stream's chunks break, ids, `created` and fingerprints never show up.
- Per choice (by index): role, text and reasoning and refusal (word by word), tool calls
  by position (name; arguments as JSON through deepdiff, or as text when not valid JSON;
  the call id is noise), finish and stop reason. Extra or missing choices are listed whole.
- Usage is compared per count, errors per field; model lists as sets of ids.
- Embedding vectors are compared number by number (a few listed, the rest counted).
- Any other response with no choices (unrecognized shapes, error bodies) that shows no
  other difference falls back to a structured diff of its body without noise keys.
"""

from __future__ import annotations

from typing import Any

from cli.core.diff.model import ADDED, CHANGED, MORE, REMOVED, Change
from cli.core.diff.values import denoise, structured_changes, text_change, value_change
from cli.core.model import Interaction, unwrap
from cli.core.transcript.model import (
    EMBEDDINGS,
    MODEL_LIST,
    TOOL_RESULT,
    Choice,
    ErrorInfo,
    ToolCall,
    Usage,
)
from cli.core.transcript.reassemble import transcribe

RESPONSE = "response"
VECTOR_LIMIT = 3  # differing numbers listed per embedding
_COUNTS = (
    ("input tokens", "input_tokens"),
    ("output tokens", "output_tokens"),
    ("total tokens", "total_tokens"),
)


def compare_response(old: Interaction, new: Interaction) -> list[Change]:
    before, after = transcribe(old), transcribe(new)
    changes: list[Change] = []
    changes += value_change(RESPONSE, "kind", before.kind, after.kind)
    changes += value_change(RESPONSE, "streamed", old.is_streaming, new.is_streaming)
    if (before.model, after.model) != (old.model_requested, new.model_requested):
        changes += value_change(RESPONSE, "model", before.model, after.model)
    changes += _error(before.error, after.error)
    changes += _choices(before.choices, after.choices)
    changes += _models(before.models, after.models)
    changes += value_change(
        RESPONSE, "embeddings", _shape(before.embeddings), _shape(after.embeddings)
    )
    if before.kind == after.kind == EMBEDDINGS and before.embeddings == after.embeddings:
        changes += _vectors(old.response_body, new.response_body)
    if before.tool_result is not None or after.tool_result is not None:
        old_result, new_result = before.tool_result, after.tool_result
        if isinstance(old_result, str) and isinstance(new_result, str):
            changes += text_change(RESPONSE, "tool result", old_result, new_result)
        else:
            changes += structured_changes(RESPONSE, "tool result", old_result, new_result)
    changes += _usage(before.usage, after.usage)
    no_choices = not before.choices and not after.choices
    if not changes and no_choices and before.kind not in (MODEL_LIST, TOOL_RESULT, EMBEDDINGS):
        changes += structured_changes(
            RESPONSE, "body", denoise(old.response_body), denoise(new.response_body)
        )
    return changes


def _error(old: ErrorInfo | None, new: ErrorInfo | None) -> list[Change]:
    if old is None and new is None:
        return []
    if old is None or new is None:
        return value_change(RESPONSE, "error", _error_text(old), _error_text(new))
    return [
        *value_change(RESPONSE, "error status", old.status, new.status),
        *value_change(RESPONSE, "error type", old.type, new.type),
        *text_change(RESPONSE, "error message", old.message or "", new.message or ""),
    ]


def _error_text(error: ErrorInfo | None) -> str | None:
    if error is None:
        return None
    head = " ".join(str(part) for part in (error.status, error.type) if part) or "error"
    return f"{head}: {error.message}" if error.message else head


def _choices(old: list[Choice], new: list[Choice]) -> list[Change]:
    before = {choice.index: choice for choice in old}
    after = {choice.index: choice for choice in new}
    changes: list[Change] = []
    for index in sorted(before.keys() | after.keys()):
        name = f"choice {index}"
        if index not in before:
            changes.append(Change(RESPONSE, name, ADDED, new=_choice_text(after[index])))
        elif index not in after:
            changes.append(Change(RESPONSE, name, REMOVED, old=_choice_text(before[index])))
        else:
            changes += _choice(name, before[index], after[index])
    return changes


def _choice(name: str, old: Choice, new: Choice) -> list[Change]:
    changes = [
        *value_change(RESPONSE, f"{name} role", old.role, new.role),
        *text_change(RESPONSE, f"{name} reasoning", old.reasoning, new.reasoning),
        *text_change(RESPONSE, f"{name} text", old.text, new.text),
        *text_change(RESPONSE, f"{name} refusal", old.refusal, new.refusal),
    ]
    for position in range(max(len(old.tool_calls), len(new.tool_calls))):
        call_name = f"{name} tool call {position}"
        if position >= len(old.tool_calls):
            changes.append(
                Change(RESPONSE, call_name, ADDED, new=_call_text(new.tool_calls[position]))
            )
        elif position >= len(new.tool_calls):
            changes.append(
                Change(RESPONSE, call_name, REMOVED, old=_call_text(old.tool_calls[position]))
            )
        else:
            changes += _tool_call(call_name, old.tool_calls[position], new.tool_calls[position])
    changes += value_change(RESPONSE, f"{name} finish", old.finish_reason, new.finish_reason)
    changes += value_change(RESPONSE, f"{name} stop reason", old.stop_reason, new.stop_reason)
    return changes


def _tool_call(name: str, old: ToolCall, new: ToolCall) -> list[Change]:
    changes = value_change(RESPONSE, f"{name} name", old.name, new.name)
    arguments = f"{name} {new.name or '?'} arguments"
    if old.arguments_valid and new.arguments_valid:
        changes += structured_changes(RESPONSE, arguments, old.arguments_json, new.arguments_json)
    else:
        changes += text_change(RESPONSE, arguments, old.arguments, new.arguments)
    return changes


def _call_text(call: ToolCall) -> str:
    return f"{call.name or '?'}({call.arguments})"


def _choice_text(choice: Choice) -> str:
    parts = [choice.text] if choice.text else []
    parts += [_call_text(call) for call in choice.tool_calls]
    return " ".join([*parts, f"[finish: {choice.finish_reason or 'unfinished'}]"])


def _shape(embeddings: tuple[int, int] | None) -> str | None:
    return f"{embeddings[0]} x {embeddings[1]}" if embeddings else None


def _vectors(old_body: Any, new_body: Any) -> list[Change]:
    """Embedding vectors, position by position: the first few differing numbers, then a
    count. Plain loops: deepdiff takes a quarter second per 3072-number vector."""
    changes: list[Change] = []
    pairs = zip(_vector_list(old_body), _vector_list(new_body), strict=False)
    for index, (old, new) in enumerate(pairs):
        name = f"embedding {index}"
        if not (isinstance(old, list) and isinstance(new, list) and len(old) == len(new)):
            # Other lengths say enough; base64 text of the same length is shown as text.
            sizes = value_change(RESPONSE, name, _size(old), _size(new))
            changes += sizes or value_change(RESPONSE, name, old, new)
            continue
        differing = [  # types exact, as everywhere (equality.same_value): 1 != 1.0
            i
            for i, (x, y) in enumerate(zip(old, new, strict=True))
            if x != y or type(x) is not type(y)
        ]
        for i in differing[:VECTOR_LIMIT]:
            changes.append(Change(RESPONSE, name, CHANGED, old[i], new[i], path=f"[{i}]"))
        if len(differing) > VECTOR_LIMIT:
            changes.append(Change(RESPONSE, name, MORE, new=len(differing) - VECTOR_LIMIT))
    return changes


def _size(vector: Any) -> str:
    return f"{len(vector)} numbers" if isinstance(vector, list) else f"{len(str(vector))} chars"


def _vector_list(body: Any) -> list[Any]:
    """OpenAI `data[].embedding` (a list, or base64 text) or Ollama `embeddings`."""
    _, payload = unwrap(body[0] if isinstance(body, list) and body else body)
    if not isinstance(payload, dict):
        return []
    if isinstance(payload.get("data"), list):
        return [item.get("embedding") for item in payload["data"] if isinstance(item, dict)]
    vectors = payload.get("embeddings")
    return vectors if isinstance(vectors, list) else []


def _models(old: list[str], new: list[str]) -> list[Change]:
    before, after = set(old), set(new)
    removed = [Change(RESPONSE, "model list", REMOVED, old=m) for m in old if m not in after]
    return removed + [Change(RESPONSE, "model list", ADDED, new=m) for m in new if m not in before]


def _usage(old: Usage | None, new: Usage | None) -> list[Change]:
    if old is None or new is None:
        return value_change(RESPONSE, "usage", _usage_text(old), _usage_text(new))
    changes: list[Change] = []
    for label, attribute in _COUNTS:
        changes += value_change(
            RESPONSE, f"usage {label}", getattr(old, attribute), getattr(new, attribute)
        )
    changes += structured_changes(
        RESPONSE, "usage details", denoise(old.details), denoise(new.details)
    )
    return changes


def _usage_text(usage: Usage | None) -> str | None:
    if usage is None:
        return None
    counts = (("input", usage.input_tokens), ("output", usage.output_tokens))
    return ", ".join(f"{label} {count}" for label, count in counts if count is not None) or "-"
