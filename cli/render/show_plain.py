"""`cassette show --plain`: stable plain text for git textconv, without Rich.

The conversation without ids or timestamps, so that `git diff` shows what was said. Also
the small text helpers the Rich form shares (`models`, `value`, `count`, `facts`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from cli.core.transcript.model import Transcript
from cli.core.transcript.request import RequestView
from cli.core.transcript.summary import Summary


def stream_facts(summary: Summary, times: bool = True) -> str:
    facts = [f"{'yes' if summary.streaming else 'no'}, {summary.chunks:,} chunks"]
    if summary.model_answered:
        facts.append(f"model answered: {summary.model_answered}")
    if times and summary.created_first is not None:
        facts.append(f"created: {time_span(summary.created_first, summary.created_last)}")
    return "; ".join(facts)


def models_text(summary: Summary) -> str:
    asked, answered = summary.model_requested, summary.model_answered
    if answered and asked and answered != asked:
        return f"{asked} → {answered}"
    return asked or answered or "-"


def time_span(first: float, last: float | None) -> str:
    start = timestamp(first)
    if last is None or last == first:
        return start
    return f"{start} (+{last - first:g}s)"


def timestamp(seconds: float) -> str:
    if not seconds:
        return "0 (normalized)"
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def count_text(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def render_plain(
    summary: Summary,
    request: RequestView,
    transcript: Transcript,
    facts: dict[str, str] | None = None,
) -> str:
    """Stable text for `git diff` (textconv): the conversation without ids or timestamps."""
    return render_plain_head(summary, request, facts=facts) + render_plain_response(transcript)


def render_plain_file(facts: dict[str, str]) -> str:
    """The line that opens a file of several interactions (VCR)."""
    return "# " + "; ".join(f"{label}: {value}" for label, value in facts.items()) + "\n\n"


def render_plain_head(
    summary: Summary,
    request: RequestView,
    *,
    pending: bool = False,
    facts: dict[str, str] | None = None,
) -> str:
    lines = []
    if summary.interaction is not None:  # one of several: a blank line between them
        lines = [""] if summary.interaction else []
        lines.append(f"=== interaction {summary.interaction}")
    lines += [
        f"{summary.method or ''} {summary.endpoint or ''}".strip(),
        f"model: {models_text(summary)}",
        f"streamed: {'(after the response)' if pending else 'yes' if summary.streaming else 'no'}",
    ]
    if summary.test_id:
        lines.append(f"test: {summary.test_id}")
    lines.extend(f"{label}: {value}" for label, value in (facts or {}).items())
    lines.append("")
    lines.append("## request")
    for message in request.messages:
        lines.append(f"[{message.role}]")
        lines.extend(part.text for part in message.parts)
    for tool in request.tools:
        params = ", ".join(
            f"{p.name}{'' if p.required else '?'}: {p.type}" for p in tool.parameters
        )
        lines.append(f"tool {tool.name}({params}): {tool.description}")
    for key, value in request.params.items():
        lines.append(f"{key} = {as_text(value)}")
    lines.append("")
    return "\n".join(lines) + "\n"


def render_plain_response(transcript: Transcript, facts: Summary | None = None) -> str:
    """The response; `facts`: what a pending head left out (see `render_rich_response`)."""
    lines = ["## response"]
    if transcript.error:
        error = transcript.error
        lines.append(f"error {error.status or ''} {error.type or ''}: {error.message or ''}")
    for choice in transcript.choices:
        lines.append(f"[choice {choice.index}, finish: {choice.finish_reason or 'unfinished'}]")
        if choice.reasoning:
            lines.append(f"(reasoning) {choice.reasoning}")
        if choice.text:
            lines.append(choice.text)
        for call in choice.tool_calls:
            arguments = (
                json.dumps(call.arguments_json, indent=2, ensure_ascii=False, sort_keys=True)
                if call.arguments_valid and call.arguments_json is not None
                else call.arguments
            )
            lines.append(f"tool call {call.name}: {arguments}")
    if transcript.embeddings:
        lines.append(f"embeddings: {transcript.embeddings[0]} x {transcript.embeddings[1]}")
    if transcript.models:
        lines.extend(f"model {model}" for model in transcript.models)
    if transcript.tool_result is not None:
        lines.append(as_text(transcript.tool_result))
    if transcript.raw is not None and not transcript.choices:
        lines.append(json.dumps(transcript.raw, indent=2, ensure_ascii=False, sort_keys=True))
    if transcript.usage:
        usage = transcript.usage
        counts = (usage.input_tokens, usage.output_tokens, usage.total_tokens)
        lines.append("usage: input {}, output {}, total {}".format(*map(count_text, counts)))
    if facts is not None:
        lines.append(f"streamed: {stream_facts(facts, times=False)}")  # stable: no times
    return "\n".join(lines) + "\n"
