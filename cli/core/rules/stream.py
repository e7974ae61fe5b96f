"""Stream integrity rules (T): does the response hold together as the provider sent it?

Rules:
- Choices are read from OpenAI-style items (`choices[i]` with `delta`, `message` or
  `text`), streamed or whole, typed or raw: the shape nearly every cassette has. Other
  families (Anthropic and Gemini events, Ollama) are left to the structure rules.
- A recorded exception (`is_exception`) cuts a stream short: an empty stream or a choice
  that never finishes is then expected, not a finding. So is a choice whose last piece
  completes a tool call's JSON arguments: TGI never sends a finish_reason after one.
- Each choice piece is read by the transcript's own `openai.add_choice`, so `validate`
  and `show` agree on what a stream says (text, tool calls and their arguments); the
  rules add only the places they report.
- Usage is checked wherever an OpenAI `usage` object carries all three counts (Databricks
  repeats it, cumulatively, on every chunk): each must add up on its own.
- Choices are read from the stream's events (`Context.events`): chunk objects, or the JSON
  of SSE `data:` lines (a VCR.py cassette, llama-stack's raw SSE passthrough).
- A stream of provider events must end with its provider's last event (T010): OpenAI
  `data: [DONE]` (or a last chunk that finishes: Writer's API sends no `[DONE]`, and an
  SDK reads such a stream whole), Anthropic `message_stop`, Responses
  `response.completed` (or `.failed`, `.incomplete`), Bedrock `messageStop`. The first
  event a provider is known by decides; an error event ends any stream (a recorded
  failure is whole). Typed llama-stack chunks carry no such events and are judged by
  T003 alone.
- Each rule reports at most once per choice (or per tool call), at the first place.
"""

from __future__ import annotations

from typing import Any

from cli.core.rules.base import ERROR, Context, Rule
from cli.core.secrets import redact_text
from cli.core.transcript import openai
from cli.core.transcript.common import ChoiceBuilder, as_dict, as_int, as_list
from cli.core.wire import sse_data

RULES = (
    Rule(
        "T001",
        "empty-stream",
        ERROR,
        "A streamed response has no chunks and records no exception.",
        why="replay answers with nothing, which no provider sends",
    ),
    Rule(
        "T002",
        "choice-index-out-of-range",
        ERROR,
        "A choice's `index` is at or above the request's `n` (default 1).",
        why="a client that expects n choices fails on it or drops it",
    ),
    Rule(
        "T003",
        "choice-never-finishes",
        ERROR,
        "A streamed choice never gets a `finish_reason`.",
        why="the recording was cut short, and replay returns the answer unfinished",
    ),
    Rule(
        "T004",
        "choice-finishes-twice",
        ERROR,
        "A choice gets a `finish_reason` in more than one chunk.",
        why="clients stop at the first one, so the stream was pieced together or edited",
    ),
    Rule(
        "T005",
        "content-after-finish",
        ERROR,
        "A chunk adds text or tool calls to a choice after its `finish_reason`.",
        why="clients stop reading a choice at its finish_reason and never see it",
    ),
    Rule(
        "T006",
        "tool-call-without-head",
        ERROR,
        "A streamed tool call's arguments arrive before its `id` and function `name`.",
        why="a client cannot tell which tool call the arguments belong to",
    ),
    Rule(
        "T007",
        "tool-arguments-not-json",
        ERROR,
        "A tool call's joined arguments are not valid JSON.",
        why="the client fails when it parses them to call the tool",
    ),
    Rule(
        "T008",
        "usage-does-not-add-up",
        ERROR,
        "A usage object's `prompt_tokens + completion_tokens` is not its `total_tokens`.",
        why="tests that count tokens or cost read numbers no provider sent",
    ),
    Rule(
        "T009",
        "exception-without-data",
        ERROR,
        "`is_exception` is true but `exception_data` is missing.",
        why="replay cannot raise the recorded error",
    ),
    Rule(
        "T010",
        "stream-without-end",
        ERROR,
        "A stream ends before its provider's last event (OpenAI `data: [DONE]`, Anthropic "
        "`message_stop`, Responses `response.completed`, Bedrock `messageStop`): cut short.",
        why="replay returns an answer the provider never finished, and a client may wait "
        "for the end",
    ),
)

# provider -> (the events that end its stream, as people know them)
_ENDS = {
    "openai": (frozenset({"[DONE]"}), "data: [DONE]"),
    "anthropic": (frozenset({"message_stop"}), "message_stop"),
    "responses": (
        frozenset({"response.completed", "response.failed", "response.incomplete"}),
        "response.completed",
    ),
    "bedrock": (frozenset({"messageStop"}), "messageStop"),
}
_ANTHROPIC = frozenset(
    {"message_start", "content_block_start", "content_block_delta", "content_block_stop"}
)
_BEDROCK = frozenset({"messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop"})
_CHUNKS = frozenset({"chat.completion.chunk", "text_completion", "completion.chunk"})
# What `_event_names` says of an OpenAI chunk, and of one that finishes a stream (a
# finish_reason, or the usage chunk after it); spaces: no event or frame is named so.
_CHUNK, _FINISHING = "openai chunk", "finishing chunk"


class _Choice:
    """What the rules need to know about one choice, as its pieces arrive."""

    __slots__ = ("builder", "finished_at", "heads", "last_was_call", "reported", "seen_at")

    def __init__(self, index: int, pointer: str) -> None:
        self.builder = ChoiceBuilder(index)
        self.seen_at = pointer
        self.finished_at: str | None = None
        self.heads: dict[int, str] = {}  # id() of a call builder -> pointer of its first piece
        self.reported: set[str] = set()
        self.last_was_call = False  # the latest piece with anything in it was a tool call


def check(ctx: Context) -> None:
    response = ctx.interaction.response
    exception = response.get("is_exception") is True
    if exception and not isinstance(response.get("exception_data"), dict):
        ctx.report(
            "T009",
            "/response/exception_data",
            "is_exception is true but there is no exception_data object",
        )
    streaming = response.get("is_streaming") is True
    empty = ctx.body_kind == "null" or (ctx.body_kind == "list" and not ctx.body_length)
    if streaming and not exception and not empty and ctx.body_kind == "list":
        empty = all(type(item) is str and not item.strip() for _, item in ctx.body)
    if streaming and not exception and empty:
        ctx.report("T001", "/response/body", "the response is streamed but has no chunks")
    elif streaming and not exception and ctx.wants("T010"):
        _stream_end(ctx)
    request_body = ctx.interaction.request.get("body")
    n = as_int(as_dict(request_body).get("n")) or 1
    choices: dict[int, _Choice] = {}
    usage_reported = False
    for pointer, _, payload in ctx.events:
        data = as_dict(payload)
        usage = data.get("usage")
        if usage and not usage_reported:
            usage_reported = _usage(ctx, usage, f"{pointer}/usage")
        for position, raw in enumerate(as_list(data.get("choices"))):
            choice = as_dict(raw)
            if not choice:
                continue
            where = f"{pointer}/choices/{position}"
            index = as_int(choice.get("index"))
            index = position if index is None else index
            state = choices.get(index)
            if state is None:
                state = choices[index] = _Choice(index, where)
                if index >= n:
                    ctx.report(
                        "T002",
                        f"{where}/index",
                        f"choice {index} is out of range: the request asked for n = {n}",
                    )
            _piece(ctx, state, choice, where)
    for index, state in sorted(choices.items()):
        built = state.builder.build()
        if streaming and not exception and state.finished_at is None and not _ends_in_call(state):
            ctx.report(
                "T003",
                state.seen_at,
                f"choice {index} never finishes: no chunk gives it a finish_reason",
            )
        for call in built.tool_calls:
            if not call.arguments_valid:
                ctx.report(
                    "T007",
                    state.seen_at,
                    f"choice {index}, tool call {call.index} ({call.name or 'unnamed'}): "
                    f"the joined arguments are not valid JSON: {_clip(call.arguments)}",
                )


def _piece(ctx: Context, state: _Choice, choice: dict[str, Any], where: str) -> None:
    """One piece of a choice, read the way `show` reads it (`openai.add_choice`), with the
    places the rules report."""
    builder = state.builder
    before = len(builder.text) + len(builder.reasoning) + len(builder.refusal)
    calls = openai.add_choice(builder, choice)
    content = len(builder.text) + len(builder.reasoning) + len(builder.refusal) > before
    if content or calls:
        state.last_was_call = not content
    if state.finished_at is not None and (content or calls) and "T005" not in state.reported:
        state.reported.add("T005")
        ctx.report(
            "T005",
            where,
            f"choice {builder.index} gets more "
            f"{'tool calls' if calls and not content else 'content'} after its finish_reason "
            f"(at {state.finished_at})",
        )
    part = "delta" if isinstance(choice.get("delta"), dict) else "message"
    for piece in calls if part == "delta" else ():  # a whole message arrives at once
        call, key = piece.call, id(piece.call)
        # a legacy `function_call` has a name and never an id
        needed = (
            (("name", call.name),)
            if piece.where == "function_call"
            else (
                ("id", call.id),
                ("name", call.name),
            )
        )
        missing = " and ".join(label for label, value in needed if not value)
        if piece.has_arguments and missing and key not in state.heads:
            state.heads[key] = where
            ctx.report(
                "T006",
                f"{where}/{part}/{piece.where}",
                f"tool call {call.index} of choice {builder.index} gets arguments "
                f"before its {missing}",
            )
    reason = choice.get("finish_reason")
    if isinstance(reason, str) and reason:
        if state.finished_at is not None and "T004" not in state.reported:
            state.reported.add("T004")
            ctx.report(
                "T004",
                f"{where}/finish_reason",
                f'choice {builder.index} finishes again ("{reason}"); it already '
                f"finished at {state.finished_at}",
            )
        elif state.finished_at is None:
            state.finished_at = where


def _stream_end(ctx: Context) -> None:
    """T010: the provider the stream's first known event names, and whether its last
    event came (see the rules)."""
    provider, ended, last, finishing = None, False, "/response/body", False
    # a frame's names are its keys, and they alone name its provider: read once per shape
    shapes: dict[tuple[Any, ...], tuple[set[str], str | None]] = {}
    for pointer, item in ctx.body:
        if type(item) is dict:
            shape = tuple(item)
            known = shapes.get(shape)
            if known is None:
                names = _event_names(item)
                known = shapes[shape] = (names, _provider(names, item))
            names, named = known
        else:
            names = _event_names(item)
            named = None
        if not names:
            continue
        last = pointer
        if "error" in names:
            return  # a recorded failure: the stream is whole
        if provider is None:
            provider = named if type(item) is dict else _provider(names, item)
        if provider is not None and names & _ENDS[provider][0]:
            ended = True
        finishing = _FINISHING in names
    if provider == "openai" and finishing:
        return  # a last chunk that finishes: whole, with or without [DONE] (Writer's)
    if provider is not None and not ended:
        ctx.report(
            "T010",
            last,
            f"the {provider} stream ends without {_ENDS[provider][1]}: the recording was cut short",
        )


def _event_names(item: Any) -> set[str]:
    """What one body item says it is: an SSE line's event name, its data's `type` (or
    `[DONE]`, or `error`), an event-stream frame's event type."""
    if type(item) is dict:  # an event-stream frame: {event type: payload}
        names = {str(key) for key in item}
        return names | {"error"} if any(n.endswith("Exception") for n in names) else names
    if type(item) is not str:
        return set()
    if item.startswith("event:"):
        return {item[6:].strip()}
    if not item.startswith("data:"):
        return set()
    text = item[5:].strip()
    if text == "[DONE]":
        return {text}
    data = as_dict(sse_data.payload(item))
    names = {data["type"]} if isinstance(data.get("type"), str) else set()
    if "error" in data and not data.get("choices"):
        names.add("error")
    choices = data.get("choices")
    if isinstance(choices, list) or data.get("object") in _CHUNKS:
        names.add(_CHUNK)
        finished = any(as_dict(choice).get("finish_reason") for choice in choices or ())
        if finished or (not choices and data.get("usage")):
            names.add(_FINISHING)
    return names


def _provider(names: set[str], item: Any) -> str | None:
    if _CHUNK in names:
        return "openai"
    if names & _ANTHROPIC:
        return "anthropic"
    if any(name.startswith("response.") for name in names):
        return "responses"
    if type(item) is dict and names & _BEDROCK:
        return "bedrock"
    return None


def _ends_in_call(state: _Choice) -> bool:
    """TGI ends a tool-call stream without a finish_reason: the last piece completes the
    call's JSON arguments. Such a stream is whole, not cut short."""
    if not state.last_was_call:
        return False
    calls = state.builder.build().tool_calls
    return bool(calls) and calls[-1].arguments_json is not None and calls[-1].arguments_valid


def _usage(ctx: Context, usage: Any, pointer: str) -> bool:
    counts = as_dict(usage)
    prompt, completion, total = (
        as_int(counts.get(key)) for key in ("prompt_tokens", "completion_tokens", "total_tokens")
    )
    if prompt is None or completion is None or total is None or prompt + completion == total:
        return False
    ctx.report(
        "T008",
        pointer,
        f"usage does not add up: prompt_tokens {prompt} + completion_tokens {completion} "
        f"= {prompt + completion}, but total_tokens is {total}",
    )
    return True


def _clip(text: str, limit: int = 60) -> str:
    """Short, one line, and with any secret in it already replaced by its marker."""
    text = " ".join(redact_text(text)[0].split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
