"""Shared pieces of reassembly: tolerant readers, a choice accumulator, usage and SSE.

Rules:
- Nothing here raises on bad input: a value of the wrong type reads as "absent"
  (`as_dict`, `as_list`, `as_str`, `as_int`, `as_number` never fail).
- `ChoiceBuilder` collects the pieces of one choice in arrival order and turns them
  into a `Choice`; every provider module reassembles through it, so text, reasoning and
  tool calls follow one set of rules.
- Tool-call arguments: `arguments` is the exact joined text. `arguments_json` is the
  parsed value and `arguments_valid` says whether it parsed. Empty (or whitespace-only)
  arguments mean "no arguments": valid, with `arguments_json` None. Providers that send
  arguments as an object (Ollama, Anthropic, Gemini) get them serialized with
  `json.dumps(obj, ensure_ascii=False)`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from cli.core.jsontext import has_long_integer
from cli.core.timestamps import NewestTime, unix_seconds
from cli.core.transcript.model import Choice, ErrorInfo, ToolCall, Transcript, Usage

# tolerant readers ------------------------------------------------------------


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_count(value: Any) -> int | None:
    """A count: an int, or a float without a fraction (Bedrock Titan writes `28.0`)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return as_int(value)


def as_number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def text_of(value: Any) -> str:
    """A content value as text: a string, or the `text` of a list of parts; else ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(as_str(as_dict(part).get("text")) or "" for part in value)
    return ""


def timestamp(value: Any) -> int | float | None:
    """Unix seconds from a number or an ISO 8601 string (Ollama, Gemini); else None."""
    return unix_seconds(value) if not isinstance(value, bool) else None


def dumps_args(value: Any) -> str:
    """Arguments sent as an object, as the JSON text a chat API would have streamed."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return str(value)


def parse_json(text: str) -> tuple[Any, bool]:
    """(value, True) when `text` is JSON; (None, False) when not."""
    if not has_long_integer(text.encode("utf-8", "surrogatepass")):
        try:
            return orjson.loads(text), True
        except (orjson.JSONDecodeError, RecursionError):
            pass
    try:  # integers wider than 64 bits are valid JSON that orjson refuses
        return json.loads(text, parse_constant=_reject), True
    except (ValueError, RecursionError):
        return None, False


def _reject(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def embedding_dims(value: Any) -> int:
    """Dimensions of one embedding: a list of floats, or base64 of float32s."""
    if isinstance(value, list):
        return len(value)
    if isinstance(value, str):
        try:
            return len(base64.b64decode(value, validate=False)) // 4
        except (binascii.Error, ValueError):
            return 0
    return 0


# usage -----------------------------------------------------------------------


def make_usage(
    raw: Any, input_key: str, output_key: str, total_key: str | None, *, add_total: bool = False
) -> Usage | None:
    """A Usage from a provider's usage mapping; other non-null keys go to `details`."""
    if not isinstance(raw, dict):
        return None
    usage = Usage()
    slots = {input_key: "input_tokens", output_key: "output_tokens"}
    if total_key is not None:
        slots[total_key] = "total_tokens"
    for key, value in raw.items():
        if value is None:
            continue
        name = slots.get(key)
        if name is not None and as_int(value) is not None:
            setattr(usage, name, value)
        else:
            usage.details[str(key)] = value
    if add_total and usage.total_tokens is None:
        usage.total_tokens = add_tokens(usage.input_tokens, usage.output_tokens)
    return usage


def add_tokens(first: int | None, second: int | None) -> int | None:
    return first + second if first is not None and second is not None else None


# choices ---------------------------------------------------------------------


class ToolCallBuilder:
    __slots__ = ("arguments", "id", "index", "name", "type")

    def __init__(self, index: int) -> None:
        self.index = index
        self.id: str | None = None
        self.type: str | None = None
        self.name: str | None = None
        self.arguments: list[str] = []

    def add(
        self, id_: Any = None, type_: Any = None, name: Any = None, arguments: Any = None
    ) -> None:
        """Merge one piece: id, type and name keep their first value; arguments append."""
        self.id = self.id or as_str(id_) or None
        self.type = self.type or as_str(type_) or None
        self.name = self.name or as_str(name) or None
        if isinstance(arguments, str):
            self.arguments.append(arguments)
        elif arguments is not None:
            self.arguments.append(dumps_args(arguments))

    def build(self) -> ToolCall:
        arguments = "".join(self.arguments)
        value, valid = (None, True) if not arguments.strip() else parse_json(arguments)
        return ToolCall(
            index=self.index,
            id=self.id,
            type=self.type,
            name=self.name,
            arguments=arguments,
            arguments_json=value,
            arguments_valid=valid,
        )


class ChoiceBuilder:
    """The pieces of one choice, in arrival order."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.role: str | None = None
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.refusal: list[str] = []
        self.calls: dict[int, ToolCallBuilder] = {}
        self.finish_reason: str | None = None
        self.stop_reason: Any = None

    def add_role(self, role: Any) -> None:
        self.role = self.role or as_str(role) or None

    def add_text(self, value: Any) -> None:
        text = text_of(value)
        if text:
            self.text.append(text)

    def add_reasoning(self, value: Any) -> None:
        text = text_of(value)
        if text:
            self.reasoning.append(text)

    def add_refusal(self, value: Any) -> None:
        text = text_of(value)
        if text:
            self.refusal.append(text)

    def finish(self, reason: Any, stop_reason: Any = None) -> None:
        self.finish_reason = as_str(reason) or self.finish_reason
        if stop_reason is not None:
            self.stop_reason = stop_reason

    def new_call(self) -> ToolCallBuilder:
        index = max(self.calls, default=-1) + 1
        self.calls[index] = ToolCallBuilder(index)
        return self.calls[index]

    def call_for(self, index: Any, id_: Any) -> ToolCallBuilder:
        """The tool call a streamed piece belongs to: by `index`, else by `id`, else the last.

        A piece whose id differs from the id already held at its index starts a new call
        (some servers send parallel calls all at index 0).
        """
        number = as_int(index)
        ident = as_str(id_) or None
        if number is not None:
            call = self.calls.get(number)
            if call is None:
                call = self.calls[number] = ToolCallBuilder(number)
            elif ident and call.id and call.id != ident:
                return self._by_id(ident) or self.new_call()
            return call
        if ident:
            return self._by_id(ident) or self.new_call()
        if self.calls:
            return self.calls[max(self.calls)]
        return self.new_call()

    def _by_id(self, ident: str) -> ToolCallBuilder | None:
        return next((call for call in self.calls.values() if call.id == ident), None)

    def build(self) -> Choice:
        return Choice(
            index=self.index,
            role=self.role,
            text="".join(self.text),
            reasoning="".join(self.reasoning),
            refusal="".join(self.refusal),
            tool_calls=[self.calls[key].build() for key in sorted(self.calls)],
            finish_reason=self.finish_reason,
            stop_reason=self.stop_reason,
        )


class Choices:
    """Choice builders keyed by choice index."""

    def __init__(self) -> None:
        self.by_index: dict[int, ChoiceBuilder] = {}

    def get(self, index: Any, fallback: int = 0) -> ChoiceBuilder:
        # `as_int`, inlined: asked for each choice of each chunk
        number = index if isinstance(index, int) and not isinstance(index, bool) else None
        key = fallback if number is None else number
        builder = self.by_index.get(key)
        if builder is None:
            builder = self.by_index[key] = ChoiceBuilder(key)
        return builder

    def build(self) -> list[Choice]:
        return [self.by_index[key].build() for key in sorted(self.by_index)]


# stream bookkeeping ----------------------------------------------------------


class Meta:
    """Ids, model, creation times and the last usage seen across a response's items."""

    def __init__(self) -> None:
        self.usage: Usage | None = None  # the last non-null usage wins
        self.ids: list[str] = []
        self._seen: set[str] = set()  # a stream may give each of 200,000 chunks its own id
        self.model: str | None = None
        self.created_first: int | float | None = None
        self._last = NewestTime()  # a stream's times, read once at its end where they can be
        self.error: ErrorInfo | None = None  # an error object met inside a stream

    def see(self, id_: Any = None, model: Any = None, created: Any = None) -> None:
        # Called for every chunk of a stream: the readers are inlined.
        if isinstance(id_, str) and id_ and id_ not in self._seen:
            self._seen.add(id_)
            self.ids.append(id_)
        if isinstance(model, str) and model:
            self.model = model
        if created is not None:
            if self.created_first is None:
                self.created_first = timestamp(created)
            self._last.add(created)

    @property
    def created_last(self) -> int | float | None:
        return self._last.value


def build_transcript(
    kind: str, choices: Choices, meta: Meta, usage: Usage | None, **extra: Any
) -> Transcript:
    """The transcript of what `choices` and `meta` gathered; `extra` sets other fields."""
    return Transcript(
        kind=kind,
        choices=choices.build(),
        usage=usage,
        model=meta.model,
        ids=meta.ids,
        created_first=meta.created_first,
        created_last=meta.created_last,
        **extra,
    )


# server-sent events ------------------------------------------------------------


def sse_lines(body: Any) -> list[str] | None:
    """The lines of an SSE body (a list of strings, or one string); None if it is not one."""
    if isinstance(body, str):
        lines = body.splitlines()
    elif isinstance(body, list) and body and all(isinstance(item, str) for item in body):
        lines = [line for item in body for line in (item.splitlines() or [""])]
    else:
        return None
    if any(line.startswith(("data:", "event:")) for line in lines):
        return lines
    return None


def json_lines(body: Any) -> list[Any] | None:
    """The objects of a JSON-lines text body (Ollama and Cohere v1 streams); None if the text
    is not one object per line."""
    if not isinstance(body, str):
        return None
    items = []
    for line in body.splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith("{"):
            return None
        value, ok = parse_json(line)
        if not ok or not isinstance(value, dict):
            return None
        items.append(value)
    return items or None


def sse_events(lines: Iterable[str]) -> list[tuple[str | None, Any]]:
    """(event name or None, parsed data) per `data:` line; data that is not JSON stays text."""
    return list(iter_sse_events(lines))


def iter_sse_events(lines: Iterable[str]) -> Iterator[tuple[str | None, Any]]:
    """`sse_events` one at a time, for a stream too big to hold parsed."""
    name: str | None = None
    for line in lines:
        if line.startswith("event:"):
            name = line[6:].strip() or None
        elif line.startswith("data:"):
            text = line[5:].strip()
            value, ok = parse_json(text) if text else (None, False)
            yield name, value if ok else text
        elif not line.strip():
            name = None


def first_key(mapping: Mapping[str, Any], *keys: str) -> Any:
    """The first non-null value among `keys`."""
    for key in keys:
        value = mapping.get(key)
        if value is not None:
            return value
    return None
