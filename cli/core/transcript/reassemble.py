"""Reassemble a cassette's response into a `Transcript`: the one entry point `transcribe`.

Rules:
- Pure and total: no printing, and no input makes it raise. A value of the wrong type
  anywhere reads as absent; a body whose shape is not recognized becomes kind OTHER with
  `raw` = the body. (A last-resort guard turns any slip into OTHER too.)
- The shape is read off the items themselves: their `__type__`, else recognizable fields
  (`object`, `candidates`, `type: "message"`, SSE event names). Never the endpoint: chat
  chunks are sometimes recorded under /v1/completions. The first recognized item decides
  the shape; items of another shape in the same body are skipped.
- One module per family does the reassembling (`stream_openai`, `stream_ollama`,
  `stream_anthropic`, `stream_gemini`), through the shared `stream_common` accumulator.
- Errors: a recorded exception (`is_exception`), an HTTP status >= 400, an error object
  as the body, or an error event inside an SSE stream give kind ERROR with `error` set.
  Whatever was received before the error is still reassembled (choices, usage, ids).
  For an exception, `ErrorInfo.type` is the exception class (`BadRequestError`) and
  `message` the provider's own message (`exception_data.body.message`), falling back to
  `exception_data.message` (`Error code: 400 - {...}`), then `exception_message`.
- `chunk_count`: the items of a streamed body; for SSE bodies, the `data:` events (not
  the strings, which come three per event). 0 for a body that is not a stream.
- `raw` holds the body only when nothing else in the transcript represents it: kind
  OTHER, and ERROR whose body was not a reassembled shape (an error object, null).
- Items are read one at a time, and the handlers get an iterator of payloads, so a body
  can be a lazy iterator (`transcribe_items`, for big files read by `formats.llamastack.lazy`)
  whose items are never all alive at once. There `raw` stays None: it can't be held.
- Tool invocations keep `content` as recorded (a JSON string stays a string); a tool's
  own `error_message` sets `error` but the kind stays TOOL_RESULT. File-processor
  results, Ollama `ps`/`pull` replies and any other typed object are OTHER.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

from cli.core.model import Interaction, short_type, unwrap
from cli.core.transcript import anthropic, gemini, ollama, openai
from cli.core.transcript.common import (
    as_dict,
    as_int,
    as_list,
    as_str,
    first_key,
    iter_sse_events,
    sse_events,
)
from cli.core.transcript.common import sse_lines as _sse_lines
from cli.core.transcript.model import ERROR, MODEL_LIST, OTHER, TOOL_RESULT, ErrorInfo, Transcript
from cli.errors import CassetteError

Handler = Callable[[Iterable[Any]], Transcript]

_TYPED: dict[str, str] = {
    "ChatCompletionChunk": "chat",
    "ChatCompletion": "chat",
    "Completion": "completion",
    "CreateEmbeddingResponse": "embeddings",
    "Model": "models",
    "GenerateResponse": "ollama",
    "ChatResponse": "ollama",
    "EmbedResponse": "ollama_embed",
    "ListResponse": "ollama_list",
    "ToolInvocationResult": "tool",
}

_ANTHROPIC_EVENTS = frozenset(
    {
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    }
)


def _tool(payloads: Iterable[Any]) -> Transcript:
    data = next(iter(payloads), None)
    fields = as_dict(data)
    error = None
    message = as_str(fields.get("error_message"))
    if message:
        code = fields.get("error_code")
        error = ErrorInfo(type=None if code is None else str(code), message=message)
    content = fields.get("content") if isinstance(data, dict) else data
    return Transcript(kind=TOOL_RESULT, tool_result=content, error=error)


_HANDLERS: dict[str, Handler] = {
    "chat": openai.chat,
    "completion": openai.completion,
    "embeddings": openai.embeddings,
    "models": openai.models,
    "ollama": ollama.generate_or_chat,
    "ollama_embed": ollama.embed,
    "ollama_list": ollama.model_list,
    "anthropic": anthropic.message,
    "gemini": gemini.generate_content,
    "interaction": gemini.interaction,
    "tool": _tool,
}


def transcribe(cassette: Interaction) -> Transcript:
    """What the recorded response said, reassembled; never raises (but the ReadError of a
    lazily read body that can't be read on)."""
    if cassette.is_lazy:
        assert cassette.items_reader is not None
        return transcribe_items(cassette.data, cassette.items_reader())
    try:
        return _transcribe(cassette)
    except Exception:  # the family modules are written not to raise; this is the net
        return Transcript(kind=OTHER, raw=_response(cassette).get("body"))


def _response(cassette: Interaction) -> dict[str, Any]:
    data = getattr(cassette, "data", None)
    return as_dict(data.get("response")) if isinstance(data, dict) else {}


def transcribe_items(data: dict[str, Any], items: Iterable[Any]) -> Transcript:
    """`transcribe` for a list body given as an iterator of its items: `data` is the
    cassette without its body, complete once `items` is exhausted (`lazy.Streamed`).
    Never raises, except the ReadError of an iterator that can't read on."""
    try:
        return _transcribe_items(data, iter(items))
    except CassetteError:
        raise
    except Exception:  # the same net as `transcribe`
        return Transcript(kind=OTHER)


def _transcribe(cassette: Interaction) -> Transcript:
    response = _response(cassette)
    body = response.get("body")
    transcript = _reassemble(body)
    count = len(body) if isinstance(body, list) else None
    return _finish(response, body, transcript, count, raw=body)


def _transcribe_items(data: dict[str, Any], items: Iterator[Any]) -> Transcript:
    first = next(items, _NOTHING)
    if isinstance(first, str):  # an SSE body: its lines are parsed and dropped one by one
        strings = _Counted(chain([first], items))
        transcript = _reassemble_sse_lines(strings)
        return _finish(_response_of(data), None, transcript, strings.count, raw=None)
    counted = _Counted(items if first is _NOTHING else chain([first], items))
    transcript = _reassemble_items(counted)
    return _finish(_response_of(data), None, transcript, counted.count, raw=None)


_NOTHING = object()


def _response_of(data: Any) -> dict[str, Any]:
    return as_dict(data.get("response")) if isinstance(data, dict) else {}


def _finish(
    response: dict[str, Any],
    body: Any,
    transcript: Transcript | None,
    count: int | None,
    raw: Any,
) -> Transcript:
    """Chunk count and error, once the items are read. `count`: items of a list body."""
    reassembled = transcript is not None
    if transcript is None:
        transcript = Transcript(kind=OTHER, raw=raw)
    elif count is not None and transcript.kind != MODEL_LIST and not transcript.chunk_count:
        transcript.chunk_count = count
    error = _error(response, body, transcript, reassembled)
    if error is not None:
        transcript.kind = ERROR
        transcript.error = error
        transcript.raw = None if reassembled else raw
    return transcript


class _Counted:
    """An iterator that counts what was taken from it."""

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = iter(items)
        self.count = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> Any:
        item = next(self._items)
        self.count += 1
        return item


# shapes ------------------------------------------------------------------------


def _reassemble(body: Any) -> Transcript | None:
    lines = _sse_lines(body)
    if lines is not None:
        return _reassemble_sse(sse_events(lines))
    items = body if isinstance(body, list) else [] if body is None else [body]
    return _reassemble_items(iter(items))


def _reassemble_items(items: Iterator[Any]) -> Transcript | None:
    """The first recognized item decides the family; the handler gets that family's
    payloads as an iterator, so items are read (and dropped) one at a time."""
    for item in items:
        type_name, first = unwrap(item)
        family = _family(type_name, first)
        if family is not None:
            break
    else:
        return None
    same = (p for t, p in map(unwrap, items) if _family(t, p) == family)
    transcript = _HANDLERS[family](chain([first], same))
    for _ in items:  # a handler that stopped early: the rest still counts as chunks
        pass
    return transcript


def _reassemble_sse_lines(strings: Iterator[str]) -> Transcript | None:
    """`_reassemble` of a body of SSE strings given one at a time: the same result, with
    one line parsed at a time. Strings read before the first `data:`/`event:` line are
    held, in case none comes and the body is not SSE after all."""
    lines = (line for item in strings for line in (item.splitlines() or [""]))
    held: list[str] = []
    for line in lines:
        held.append(line)
        if line.startswith(("data:", "event:")):
            return _reassemble_sse(iter_sse_events(chain(held, lines)))
    return _reassemble_items(iter(held))


def _reassemble_sse(events: Iterable[tuple[str | None, Any]]) -> Transcript | None:
    """The events (a list, or an iterator read once) of an SSE body; the first event a
    family recognizes decides which, and gets the events from the start."""
    events = iter(events)
    seen: list[tuple[str | None, Any]] = []  # events before the first recognized one
    for name, value in events:
        seen.append((name, value))
        data = as_dict(value)
        kind = as_str(data.get("type")) or name or ""
        if kind in _ANTHROPIC_EVENTS:
            return anthropic.events(chain(seen, events))
        if (as_str(data.get("event_type")) or name or "").startswith(("interaction.", "content.")):
            return gemini.events(chain(seen, events))
        family = _family(None, value)
        if family is not None:  # OpenAI-style `data: {chunk}` lines
            payloads = _Counted(
                data for _, data in chain(seen, events) if _family(None, data) == family
            )
            transcript = _HANDLERS[family](payloads)
            for _ in payloads:  # a handler that stopped early: the rest still counts
                pass
            transcript.chunk_count = payloads.count
            return transcript
    return None


def _family(type_name: Any, payload: Any) -> str | None:
    """Which handler reads this item, or None when no handler does."""
    if isinstance(type_name, str) and type_name:
        return _TYPED.get(short_type(type_name) or "")
    if not isinstance(payload, dict):
        return None
    kind = payload.get("object")
    if kind in ("chat.completion.chunk", "chat.completion"):
        return "chat"
    if kind in ("text_completion", "completion.chunk"):
        return "completion"
    if kind == "model":
        return "models"
    if kind == "interaction" or isinstance(payload.get("outputs"), list):
        return "interaction"
    if kind == "list":
        first = as_dict(next(iter(as_list(payload.get("data"))), None))
        if "embedding" in first:
            return "embeddings"
        return "models" if "id" in first else None
    if isinstance(payload.get("candidates"), list):
        return "gemini"
    if payload.get("type") == "message" and isinstance(payload.get("content"), list):
        return "anthropic"
    return _family_by_fields(payload)


def _family_by_fields(payload: dict[str, Any]) -> str | None:
    choices = as_list(payload.get("choices"))
    if choices:
        first = as_dict(choices[0])
        return "completion" if "text" in first and "delta" not in first else "chat"
    if "done" in payload and ("response" in payload or "message" in payload):
        return "ollama"
    if "embeddings" in payload and "model" in payload:
        return "ollama_embed"
    return None


# errors ------------------------------------------------------------------------


def _error(
    response: dict[str, Any], body: Any, transcript: Transcript, reassembled: bool
) -> ErrorInfo | None:
    status = as_int(response.get("status"))
    if response.get("is_exception") is True:
        data = as_dict(response.get("exception_data"))
        provider_body = as_dict(data.get("body"))
        message = (
            as_str(provider_body.get("message"))
            or (_error_from_body(provider_body) or ErrorInfo()).message
            or as_str(data.get("message"))
            or as_str(response.get("exception_message"))
        )
        return ErrorInfo(
            status=as_int(data.get("status_code")) or status,
            type=as_str(data.get("type")),
            message=message,
        )
    if status is not None and status >= 400:
        error = _error_from_body(body, loose=True) or transcript.error or ErrorInfo()
        error.status = status
        return error
    if not reassembled:
        return _error_from_body(body)
    if transcript.error is not None and transcript.kind != TOOL_RESULT:
        return transcript.error
    return None


def _error_from_body(body: Any, *, loose: bool = False) -> ErrorInfo | None:
    """An error object: `{"error": {...}}` (OpenAI, Gemini) or `{"type": "error", ...}`.

    `loose` (an HTTP error status) also takes a bare `{"detail"|"message": "..."}`.
    """
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):
        label = next(
            (error[key] for key in ("type", "status", "code") if as_str(error.get(key))), None
        )
        return ErrorInfo(type=label, message=as_str(error.get("message")))
    if isinstance(error, str):
        return ErrorInfo(message=error)
    detail = as_str(first_key(body, "detail", "message"))
    if body.get("type") == "error" or (loose and detail):
        return ErrorInfo(message=detail)
    return None
