"""Amazon Bedrock: `converse` responses, `converse-stream` events, and the native `invoke`
bodies of the model families that have no reassembly of their own (Anthropic's, Cohere's,
OpenAI-shaped and Nova's bodies go to theirs).

Rules:
- One choice for converse, index 0. Content blocks in order: `text` -> text,
  `reasoningContent.reasoningText.text` -> reasoning (signatures and redacted reasoning are
  skipped), `toolUse` -> a tool call (`toolUseId`, `name`, `input` serialized),
  `citationsContent` -> the text of its content; images, documents and the like are not
  part of the answer. `stopReason` is the finish reason.
- converse-stream (and Nova's invoke stream, which has the same events): one dict per
  frame, `{<event type>: payload}`. `contentBlockStart.start.toolUse` opens a tool call at
  its `contentBlockIndex`; `contentBlockDelta.delta` carries `text`, `toolUse.input`
  (argument text, joined) or `reasoningContent.text`; `messageStop.stopReason` is the
  finish reason; `metadata.usage` the usage. An exception frame
  (`{"throttlingException": {"message": ...}}`) gives `Transcript.error`, its type the
  frame's name.
- Usage: `inputTokens`, `outputTokens`, `totalTokens`; cache counts go to `details`.
- Native invoke bodies, whole or as the decoded chunks of `invoke-with-response-stream`:
  Titan (`results[].outputText`, or `outputText` per chunk, `completionReason`), Llama
  (`generation`, `stop_reason`), AI21 Jurassic (`completions[].data.text`,
  `finishReason.reason`), Mistral (`outputs[].text`, `stop_reason`). One choice per
  result, by position. Token counts: Titan `inputTextTokenCount`/`tokenCount`/
  `totalOutputTextTokenCount`, Llama `prompt_token_count`/`generation_token_count`, AI21 the
  lengths of its token lists; `amazon-bedrock-invocationMetrics` (the last chunk of a
  stream) overrides them. Titan writes counts as floats (`28.0`): whole floats count.
- An `invoke-with-response-stream` frame is `{"chunk": {"bytes": <base64 JSON>}}`;
  `decode_chunk` turns it into the model family's own JSON, which the caller routes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

import orjson

from cli.core.transcript.common import (
    ChoiceBuilder,
    Choices,
    Meta,
    ToolCallBuilder,
    as_count,
    as_dict,
    as_int,
    as_list,
    as_str,
    build_transcript,
    make_usage,
    text_of,
)
from cli.core.transcript.model import BEDROCK, ErrorInfo, Transcript, Usage

STREAM_EVENTS = frozenset(
    {
        "messageStart",
        "contentBlockStart",
        "contentBlockDelta",
        "contentBlockStop",
        "messageStop",
        "metadata",
    }
)
_METRICS = "amazon-bedrock-invocationMetrics"


def _usage(raw: Any) -> Usage | None:
    return make_usage(raw, "inputTokens", "outputTokens", "totalTokens")


def decode_chunk(item: Any) -> Any:
    """The payload of an `invoke-with-response-stream` chunk frame; anything else as it is."""
    if not (isinstance(item, dict) and len(item) == 1 and "chunk" in item):
        return item
    raw = as_str(as_dict(item["chunk"]).get("bytes"))
    if raw is None:
        return item
    try:
        return orjson.loads(base64.b64decode(raw, validate=False))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        return item


def stream_event(payload: Any) -> str | None:
    """The event name of a converse-stream frame (or its exception), else None."""
    if isinstance(payload, dict) and len(payload) == 1:
        name = next(iter(payload))
        if name in STREAM_EVENTS or (isinstance(name, str) and name.endswith("Exception")):
            return name
    return None


def exception_error(name: str, payload: Any) -> ErrorInfo:
    return ErrorInfo(type=name, message=as_str(as_dict(payload).get("message")))


# converse ----------------------------------------------------------------------


def converse(payloads: Iterable[Any]) -> Transcript:
    """Whole converse responses: `{"output": {"message": {...}}, "stopReason", "usage"}`."""
    choices, meta, usage = Choices(), Meta(), None
    builder = choices.get(0)
    for payload in payloads:
        data = as_dict(payload)
        message = as_dict(as_dict(data.get("output")).get("message"))
        builder.add_role(message.get("role"))
        for raw in as_list(message.get("content")):
            _add_block(builder, as_dict(raw))
        builder.finish(data.get("stopReason"))
        usage = _usage(data.get("usage")) or usage
    return build_transcript(BEDROCK, choices, meta, usage)


def _add_block(builder: ChoiceBuilder, block: dict[str, Any]) -> None:
    if "text" in block:
        builder.add_text(block.get("text"))
    elif "reasoningContent" in block:
        reasoning = as_dict(block["reasoningContent"])
        builder.add_reasoning(as_dict(reasoning.get("reasoningText")).get("text"))
    elif "toolUse" in block:
        tool = as_dict(block["toolUse"])
        builder.new_call().add(
            tool.get("toolUseId"), "toolUse", tool.get("name"), tool.get("input")
        )
    elif "citationsContent" in block:
        builder.add_text(text_of(as_dict(block["citationsContent"]).get("content")))


def converse_events(payloads: Iterable[Any]) -> Transcript:
    """converse-stream frames, one `{<event type>: payload}` dict each."""
    choices, meta, usage = Choices(), Meta(), None
    builder = choices.get(0)
    calls: dict[int, ToolCallBuilder] = {}
    error: ErrorInfo | None = None
    for payload in payloads:
        name = stream_event(payload)
        if name is None:
            continue
        data = as_dict(payload[name])
        index = as_int(data.get("contentBlockIndex"))
        if name == "messageStart":
            builder.add_role(data.get("role"))
        elif name == "contentBlockStart":
            tool = as_dict(as_dict(data.get("start")).get("toolUse"))
            if tool:
                call = _call(builder, calls, index)
                call.add(tool.get("toolUseId"), "toolUse", tool.get("name"))
        elif name == "contentBlockDelta":
            delta = as_dict(data.get("delta"))
            if "text" in delta:
                builder.add_text(delta.get("text"))
            elif "toolUse" in delta:
                _call(builder, calls, index).add(arguments=as_dict(delta["toolUse"]).get("input"))
            elif "reasoningContent" in delta:
                builder.add_reasoning(as_dict(delta["reasoningContent"]).get("text"))
        elif name == "messageStop":
            builder.finish(data.get("stopReason"))
        elif name == "metadata":
            usage = _usage(data.get("usage")) or usage
        elif name.endswith("Exception"):
            error = exception_error(name, data)
    return build_transcript(BEDROCK, choices, meta, usage, error=error)


def _call(builder: ChoiceBuilder, calls: dict[int, ToolCallBuilder], index: int | None):
    """The tool call of a content block, opened on first sight."""
    call = calls.get(index) if index is not None else None
    if call is None:
        call = builder.new_call()
        if index is not None:
            calls[index] = call
    return call


# native invoke bodies ------------------------------------------------------------


def is_native(payload: dict[str, Any]) -> bool:
    """Whether a body (or a decoded stream chunk) is one of the families `native` reads."""
    first = as_dict(next(iter(as_list(payload.get("results"))), None))
    if "outputText" in first or "outputText" in payload:
        return True  # Titan, whole or a chunk
    if isinstance(payload.get("generation"), str):
        return True  # Llama
    for key, field in (("completions", "data"), ("outputs", "text")):
        first = as_dict(next(iter(as_list(payload.get(key))), None))
        if field in first and "type" not in first:
            return True  # AI21 Jurassic, Mistral
    return False


class _Tokens:
    def __init__(self) -> None:
        self.input: int | None = None
        self.output: int | None = None
        self.metrics: dict[str, Any] = {}

    def see(self, input_: Any = None, output: Any = None) -> None:
        self.input = as_count(input_) if as_count(input_) is not None else self.input
        self.output = as_count(output) if as_count(output) is not None else self.output

    def usage(self) -> Usage | None:
        metrics = self.metrics
        input_ = as_count(metrics.get("inputTokenCount"))
        output = as_count(metrics.get("outputTokenCount"))
        input_ = self.input if input_ is None else input_
        output = self.output if output is None else output
        if input_ is None and output is None:
            return None
        details = {key: value for key, value in metrics.items() if not key.endswith("TokenCount")}
        total = input_ + output if input_ is not None and output is not None else None
        return Usage(input_tokens=input_, output_tokens=output, total_tokens=total, details=details)


def native(payloads: Iterable[Any]) -> Transcript:
    """Titan, Llama, AI21 Jurassic and Mistral bodies or stream chunks."""
    choices, meta, tokens = Choices(), Meta(), _Tokens()
    for payload in payloads:
        data = as_dict(payload)
        tokens.metrics = as_dict(data.get(_METRICS)) or tokens.metrics
        if isinstance(data.get("id"), str):
            meta.see(data["id"])
        if "results" in data or "outputText" in data:
            _titan(data, choices, tokens)
        elif "generation" in data:
            builder = choices.get(0)
            builder.add_text(data.get("generation"))
            builder.finish(data.get("stop_reason"))
            tokens.see(data.get("prompt_token_count"), data.get("generation_token_count"))
        elif "completions" in data:
            _ai21(data, choices, tokens)
        else:
            _outputs(data, choices)
    return build_transcript(BEDROCK, choices, meta, tokens.usage())


def _titan(data: dict[str, Any], choices: Choices, tokens: _Tokens) -> None:
    tokens.see(data.get("inputTextTokenCount"), data.get("totalOutputTextTokenCount"))
    if "outputText" in data:  # a stream chunk
        builder = choices.get(as_count(data.get("index")))
        builder.add_text(data.get("outputText"))
        builder.finish(data.get("completionReason"))
        return
    output = 0
    for position, raw in enumerate(as_list(data.get("results"))):
        result = as_dict(raw)
        builder = choices.get(None, position)
        builder.add_text(result.get("outputText"))
        builder.finish(result.get("completionReason"))
        output += as_count(result.get("tokenCount")) or 0
    tokens.see(output=output)


def _ai21(data: dict[str, Any], choices: Choices, tokens: _Tokens) -> None:
    prompt_tokens = as_dict(data.get("prompt")).get("tokens")
    output = 0
    for position, raw in enumerate(as_list(data.get("completions"))):
        completion = as_dict(raw)
        piece = as_dict(completion.get("data"))
        builder = choices.get(None, position)
        builder.add_text(piece.get("text"))
        builder.finish(as_dict(completion.get("finishReason")).get("reason"))
        output += len(as_list(piece.get("tokens")))
    if isinstance(prompt_tokens, list):
        tokens.see(len(prompt_tokens), output)


def _outputs(data: dict[str, Any], choices: Choices) -> None:
    """Mistral: `outputs[]` of `text` and `stop_reason`, whole or one per chunk."""
    for position, raw in enumerate(as_list(data.get("outputs"))):
        entry = as_dict(raw)
        builder = choices.get(None, position)
        builder.add_text(entry.get("text"))
        builder.finish(entry.get("stop_reason"))
