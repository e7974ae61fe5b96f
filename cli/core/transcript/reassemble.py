"""Reassemble a cassette's response into a `Transcript`: the one entry point `transcribe`.

Rules:
- Pure and total: no printing, and no input makes it raise. A value of the wrong type
  anywhere reads as absent; a body whose shape is not recognized becomes kind OTHER with
  `raw` = the body. (A last-resort guard turns any slip into OTHER too.)
- The shape is read off the items themselves: their `__type__`, else recognizable fields
  (`object`, `candidates`, `type: "message"`, SSE event names). Never the endpoint: chat
  chunks are sometimes recorded under /v1/completions. The first recognized item decides
  the shape; items of another shape in the same body are skipped.
- One module per family does the reassembling (`openai`, `responses`, `anthropic`,
  `gemini`, `ollama`, `bedrock`, `cohere`, `embeddings`), through the shared `common`
  accumulator. A body of JSON lines (Ollama, Cohere v1 streams) is read as its items; a
  Bedrock `invoke-with-response-stream` chunk is decoded first and routed by what it holds
  (Anthropic events, Titan, Llama...).
- Errors (`errors`): a recorded exception (`is_exception`), an HTTP status >= 400, an
  error object as the body, or an error event inside a stream give kind ERROR with `error`
  set. Whatever was received before the error is still reassembled (choices, usage, ids).
  An error object among a stream's items that no handler read (an SSE `data: {"error"}`,
  a Gemini array item, an AWS exception frame) is the stream's error.
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

from cli.core.model import Interaction, unwrap
from cli.core.transcript import (
    anthropic,
    bedrock,
    cohere,
    embeddings,
    gemini,
    ollama,
    openai,
    responses,
)
from cli.core.transcript.common import (
    as_dict,
    as_list,
    as_str,
    iter_sse_events,
    json_lines,
    sse_events,
)
from cli.core.transcript.common import sse_lines as _sse_lines
from cli.core.transcript.errors import error_from_body, exception_frame, response_error
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
    "anthropic_events": lambda payloads: anthropic.events([(None, p) for p in payloads]),
    "anthropic_completion": anthropic.completion,
    "gemini": gemini.generate_content,
    "interaction": gemini.interaction,
    "responses": responses.response,
    "bedrock": bedrock.converse,
    "bedrock_events": bedrock.converse_events,
    "bedrock_native": bedrock.native,
    "cohere": cohere.chat,
    "cohere_generate": cohere.generate,
    "vectors": embeddings.vectors,
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
    items = json_lines(body) if isinstance(body, str) else None
    shaped = body if items is None else items
    transcript = _reassemble(shaped)
    vectors = isinstance(shaped, list) and embeddings.is_embeddings(shaped)
    count = len(shaped) if isinstance(shaped, list) and not vectors else None
    return _finish(response, shaped, transcript, count, raw=body)


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
    error = response_error(response, body, transcript, reassembled)
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
    if isinstance(body, list) and embeddings.is_embeddings(body):
        return embeddings.vectors([body])  # a bare vector or list of them (Hugging Face)
    items = body if isinstance(body, list) else [] if body is None else [body]
    return _reassemble_items(iter(items))


def _reassemble_items(items: Iterator[Any]) -> Transcript | None:
    """The first recognized item decides the family; the handler gets that family's
    payloads as an iterator, so items are read (and dropped) one at a time."""
    head = next(items, _NOTHING)
    if head is _NOTHING:
        return None
    if bedrock.decode_chunk(head) is not head:  # Bedrock invoke stream frames: decode them all
        items = map(bedrock.decode_chunk, chain([head], items))
    else:
        items = chain([head], items)
    for item in items:
        type_name, first = unwrap(item)
        family = _family(type_name, first)
        if family is not None:
            break
    else:
        return None
    errors: list[ErrorInfo] = []
    same = _same_family(items, family, errors)
    transcript = _HANDLERS[family](chain([first], same))
    for _ in same:  # a handler that stopped early: the rest still counts as chunks
        pass
    return _with_error(transcript, errors)


def _same_family(items: Iterator[Any], family: str, errors: list[ErrorInfo]) -> Iterator[Any]:
    """The payloads of `family`; the first error object among the others goes to `errors`."""
    for item in items:
        type_name, payload = unwrap(item)
        if _family(type_name, payload) == family:
            yield payload
        elif not errors and type_name is None:
            error = error_from_body(payload) or exception_frame(payload)
            if error is not None:
                errors.append(error)


def _with_error(transcript: Transcript, errors: list[ErrorInfo]) -> Transcript:
    if errors and transcript.error is None:
        transcript.error = errors[0]
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
        if kind.startswith("response."):
            return responses.events(chain(seen, events))
        if kind in cohere.V2_EVENTS:
            return cohere.events(chain(seen, events))
        if (as_str(data.get("event_type")) or name or "").startswith(("interaction.", "content.")):
            return gemini.events(chain(seen, events))
        family = _family(None, value)
        if family is not None:  # OpenAI-style `data: {chunk}` lines
            errors: list[ErrorInfo] = []
            payloads = _Counted(
                _same_family((data for _, data in chain(seen, events)), family, errors)
            )
            transcript = _HANDLERS[family](payloads)
            for _ in payloads:  # a handler that stopped early: the rest still counts
                pass
            transcript.chunk_count = payloads.count
            return _with_error(transcript, errors)
    error = _error_event(seen)  # no family: every event was kept in `seen`
    return Transcript(kind=ERROR, error=error) if error is not None else None


def _error_event(events: list[tuple[str | None, Any]]) -> ErrorInfo | None:
    """In a stream of no known shape: the first error object (`data: {"error": ...}`), or
    the data of an `event: error`."""
    for name, value in events:
        if isinstance(value, dict):
            error = error_from_body(value)
            if error is None and name == "error":
                error = error_from_body({"error": value})
            if error is not None:
                return error
    return None


def _family(type_name: Any, payload: Any) -> str | None:
    """Which handler reads this item, or None when no handler does."""
    if isinstance(type_name, str) and type_name:  # its short name: `short_type`, inlined
        return _TYPED.get(type_name.rpartition(".")[2])
    if not isinstance(payload, dict):
        return None
    kind = payload.get("object")
    if kind in ("chat.completion.chunk", "chat.completion"):
        return "chat"
    if kind in ("text_completion", "completion.chunk"):
        return "completion"
    if kind == "model":
        return "models"
    if kind in ("response", "response.compaction") and isinstance(payload.get("output"), list):
        return "responses"
    if bedrock.is_native(payload):  # before `outputs`: Mistral on Bedrock has `outputs` too
        return "bedrock_native"
    if kind == "interaction" or isinstance(payload.get("outputs"), list):
        return "interaction"
    if kind == "list":
        first = as_dict(next(iter(as_list(payload.get("data"))), None))
        if "embedding" in first:
            return "embeddings"
        return "models" if "id" in first else None
    if isinstance(payload.get("candidates"), list) or "promptFeedback" in payload:
        return "gemini"  # a prompt Gemini blocked has feedback and no candidates
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
    return _family_by_provider_fields(payload)


def _family_by_provider_fields(payload: dict[str, Any]) -> str | None:
    """Shapes without an `object` or `choices`: Anthropic events, Bedrock, Cohere..."""
    if as_str(payload.get("type")) in _ANTHROPIC_EVENTS:  # a decoded Bedrock invoke chunk
        return "anthropic_events"
    if isinstance(payload.get("completion"), str) and "stop_reason" in payload:
        return "anthropic_completion"  # Claude 2 text completions
    if isinstance(as_dict(payload.get("output")).get("message"), dict):
        return "bedrock"
    if bedrock.stream_event(payload) is not None:
        return "bedrock_events"
    if as_str(payload.get("event_type")) in cohere.V1_EVENTS or cohere.is_response(payload):
        return "cohere"
    if cohere.is_generate(payload):
        return "cohere_generate"
    if embeddings.is_embeddings(payload):
        return "vectors"
    models = as_list(payload.get("models"))
    if models and all(isinstance(as_dict(m).get("name"), str) for m in models):
        return "ollama_list"  # Gemini, Cohere and untyped Ollama model lists
    return None
