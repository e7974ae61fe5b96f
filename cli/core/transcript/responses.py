"""OpenAI Responses API (`/v1/responses`, also Azure, OpenRouter, DeepSeek...): one `response`
object, or the SSE events of a streamed one, reassembled into one choice.

Rules:
- One choice, index 0, role `assistant`. Output items are read in `output_index` order:
  - `message`: `output_text` parts -> text, `refusal` parts -> refusal. A message of
    another role (the input a compaction echoes back) is not part of the answer.
  - `reasoning`: its `summary` texts -> reasoning, else its `reasoning_text` content
    (open-weight models); encrypted reasoning is skipped.
  - `function_call` -> a tool call with `call_id` (else `id`), `name` and `arguments` as
    sent; `mcp_call` and `mcp_approval_request` likewise; `custom_tool_call` -> its free-text
    `input` as `{"input": ...}`.
  - Any other `*_call` item (`web_search_call`, `file_search_call`, `code_interpreter_call`,
    `computer_call`, `local_shell_call`, `image_generation_call`, `tool_search_call`...) is a
    server-side tool call named after its type (`web_search`), with its own fields as the
    arguments (`action`, `queries`, `code`...), minus ids, status and bulky results.
  - Parts of one item join as they are; separate items (two messages, two reasoning
    summaries) are separated by a blank line.
- Streamed: deltas join per item (`output_index`, else `item_id`) and per part
  (`content_index`, `summary_index`): output text, refusal, reasoning summary and
  reasoning text, function-call, MCP and custom-tool arguments, interpreter code. Whatever
  the deltas left empty is taken from the `.done` event, else from the item of
  `response.output_item.done` (or `.added`), so a stream reads like its JSON.
  `response.created`, `.in_progress`, `.completed`, `.incomplete` and `.failed` carry the
  response object: id, model, `created_at`, status, usage and error; a stream without
  any item events reads the `output` of its final response.
- Finish reason: `incomplete_details.reason` (`max_output_tokens`, `content_filter`) when
  the status is `incomplete`, else the status (`completed`, `failed`; a stream cut short
  keeps the last status it gave, `in_progress`).
- Usage: `input_tokens`, `output_tokens`, `total_tokens`; `*_details` go to `details`.
- Errors: a response's `error` object (status `failed`) or an `error` event
  (`{code, message}`) gives `Transcript.error`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cli.core.transcript.common import (
    ChoiceBuilder,
    Choices,
    Meta,
    as_dict,
    as_int,
    as_list,
    as_str,
    build_transcript,
    dumps_args,
    first_key,
    make_usage,
)
from cli.core.transcript.model import RESPONSES, ErrorInfo, Transcript

# Delta event (without the `response.` prefix and `.delta`/`.done`) -> (slot, index key, done field)
_SLOTS: dict[str, tuple[str, str | None, str]] = {
    "output_text": ("text", "content_index", "text"),
    "refusal": ("refusal", "content_index", "refusal"),
    "reasoning_summary_text": ("summary", "summary_index", "text"),
    "reasoning_text": ("reasoning", "content_index", "text"),
    "function_call_arguments": ("arguments", None, "arguments"),
    "mcp_call_arguments": ("arguments", None, "arguments"),
    "custom_tool_call_input": ("input", None, "input"),
    "code_interpreter_call_code": ("code", None, "code"),
}
_STATES = frozenset(
    {"created", "queued", "in_progress", "completed", "incomplete", "failed", "cancelled"}
)
# Fields of a server-side tool item that are not its arguments.
_NOT_ARGUMENTS = frozenset(
    {"id", "type", "status", "call_id", "result", "results", "output", "outputs"}
    | {"encrypted_content", "pending_safety_checks", "logs"}
)


class _Item:
    """One output item: the item object last seen, and the streamed pieces per slot."""

    __slots__ = ("deltas", "done", "item")

    def __init__(self) -> None:
        self.item: dict[str, Any] = {}
        self.deltas: dict[tuple[str, int], list[str]] = {}
        self.done: dict[tuple[str, int], str] = {}

    def value(self, slot: str, index: int, fallback: str) -> str:
        key = (slot, index)
        if key in self.deltas:
            return "".join(self.deltas[key])
        return self.done.get(key, fallback)

    def parts(self, slot: str, raw: Any, kinds: tuple[str, ...], field: str) -> list[str]:
        """The texts of one slot: the item's parts of `kinds`, overridden by streamed ones."""
        by_index: dict[int, str] = {}
        for position, part in enumerate(as_list(raw)):
            fields = as_dict(part)
            if fields.get("type") in kinds:
                by_index[position] = as_str(fields.get(field)) or ""
        for name, index in {*self.deltas, *self.done}:
            if name == slot:
                by_index[index] = self.value(slot, index, by_index.get(index, ""))
        return [by_index[index] for index in sorted(by_index)]


class _State:
    """What a response (or its stream) said so far."""

    def __init__(self) -> None:
        self.items: dict[int, _Item] = {}
        self.by_id: dict[str, int] = {}
        self.meta = Meta()
        self.usage_raw: Any = None
        self.status: str | None = None
        self.incomplete: str | None = None
        self.error: ErrorInfo | None = None

    def item(self, index: Any, item_id: Any = None) -> _Item:
        number = as_int(index)
        ident = as_str(item_id)
        if number is None:
            number = self.by_id.get(ident) if ident else None
        if number is None:
            number = max(self.items, default=-1) + 1
        if ident:
            self.by_id.setdefault(ident, number)
        return self.items.setdefault(number, _Item())

    def see_response(self, raw: Any) -> None:
        data = as_dict(raw)
        self.meta.see(data.get("id"), data.get("model"), data.get("created_at"))
        self.usage_raw = data.get("usage") or self.usage_raw
        self.status = as_str(data.get("status")) or self.status
        reason = as_str(as_dict(data.get("incomplete_details")).get("reason"))
        self.incomplete = reason or self.incomplete
        error = as_dict(data.get("error"))
        if error:
            self.error = _error(error)

    def build(self, chunk_count: int = 0) -> Transcript:
        choices = Choices()
        builder = choices.get(0)
        builder.add_role("assistant")
        for index in sorted(self.items):
            _add_item(builder, self.items[index])
        reason = self.incomplete if self.status == "incomplete" else None
        builder.finish(reason or self.status)
        usage = make_usage(self.usage_raw, "input_tokens", "output_tokens", "total_tokens")
        return build_transcript(
            RESPONSES, choices, self.meta, usage, chunk_count=chunk_count, error=self.error
        )


def _error(data: dict[str, Any]) -> ErrorInfo:
    label = first_key(data, "code", "type")
    return ErrorInfo(
        type=None if label is None else str(label), message=as_str(data.get("message"))
    )


def response(payloads: Iterable[Any]) -> Transcript:
    """Whole response objects: `{"object": "response", "output": [...], "usage", "status"}`."""
    state = _State()
    for payload in payloads:
        data = as_dict(payload)
        state.see_response(data)
        _add_output(state, data)
    return state.build()


def _add_output(state: _State, data: dict[str, Any]) -> None:
    for raw in as_list(data.get("output")):
        item = as_dict(raw)
        state.item(None, item.get("id")).item = item


def events(stream: Iterable[tuple[str | None, Any]]) -> Transcript:
    """The parsed SSE events of a streamed response."""
    state = _State()
    count = 0  # events, read one at a time: a stream may be too big to hold
    for name, value in stream:
        count += 1
        data = as_dict(value)
        kind = as_str(data.get("type")) or name or ""
        if kind == "error":
            state.error = _error(as_dict(data.get("error")) or data)
            continue
        if not kind.startswith("response."):
            continue
        event = kind[len("response.") :]
        if event in _STATES:
            state.see_response(data.get("response"))
            if not state.items:  # a stream that only sends the final response, whole
                _add_output(state, as_dict(data.get("response")))
        elif event in ("output_item.added", "output_item.done"):
            item = as_dict(data.get("item"))
            state.item(data.get("output_index"), item.get("id")).item = item
        else:
            _add_piece(state, event, data)
    return state.build(chunk_count=count)


def _add_piece(state: _State, event: str, data: dict[str, Any]) -> None:
    base, _, step = event.rpartition(".")
    slot = _SLOTS.get(base)
    if slot is None or step not in ("delta", "done"):
        return
    name, index_key, done_field = slot
    index = as_int(data.get(index_key)) if index_key else 0
    item = state.item(data.get("output_index"), data.get("item_id"))
    key = (name, index or 0)
    if step == "delta":
        piece = as_str(data.get("delta"))
        if piece:
            item.deltas.setdefault(key, []).append(piece)
    else:
        text = as_str(data.get(done_field))
        if text is not None:
            item.done[key] = text


def _add_item(builder: ChoiceBuilder, acc: _Item) -> None:
    item = acc.item
    kind = as_str(item.get("type")) or _kind_from_slots(acc)
    if kind == "message":
        if as_str(item.get("role")) not in (None, "assistant"):
            return
        content = item.get("content")
        _add_separated(builder.text, "".join(acc.parts("text", content, _TEXTS, "text")))
        builder.add_refusal("".join(acc.parts("refusal", content, ("refusal",), "refusal")))
    elif kind == "reasoning":
        summary = acc.parts("summary", item.get("summary"), ("summary_text",), "text")
        if not any(summary):
            summary = acc.parts("reasoning", item.get("content"), ("reasoning_text",), "text")
        _add_separated(builder.reasoning, "\n\n".join(text for text in summary if text))
    elif kind in ("function_call", "mcp_call", "mcp_approval_request"):
        arguments = acc.value("arguments", 0, as_str(item.get("arguments")) or "")
        ident = first_key(item, "call_id", "id")
        builder.new_call().add(ident, kind, item.get("name"), arguments)
    elif kind == "custom_tool_call":
        text = acc.value("input", 0, as_str(item.get("input")) or "")
        ident = first_key(item, "call_id", "id")
        builder.new_call().add(ident, kind, item.get("name"), {"input": text})
    elif kind.endswith("_call"):
        arguments = {key: value for key, value in item.items() if key not in _NOT_ARGUMENTS}
        if "code" in item or ("code", 0) in acc.deltas:
            arguments["code"] = acc.value("code", 0, as_str(item.get("code")) or "")
        name = kind.removesuffix("_call")
        builder.new_call().add(first_key(item, "call_id", "id"), kind, name, dumps_args(arguments))


_TEXTS = ("output_text", "text")


def _kind_from_slots(acc: _Item) -> str:
    """The kind of an item whose `output_item` events were not recorded."""
    names = {name for name, _ in (*acc.deltas, *acc.done)}
    if names & {"text", "refusal"}:
        return "message"
    if names & {"summary", "reasoning"}:
        return "reasoning"
    if "arguments" in names:
        return "function_call"
    return ""


def _add_separated(pieces: list[str], text: str) -> None:
    """Append one item's text; a blank line separates it from an earlier item's."""
    if not text:
        return
    if pieces:
        pieces.append("\n\n")
    pieces.append(text)
