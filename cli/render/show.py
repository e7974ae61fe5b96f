"""`cassette show` output: Rich panels, documented JSON, and a plain form for git textconv."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from cli.core.request import RequestView
from cli.core.summary import Summary
from cli.core.transcript import Choice, Transcript

ROLE_STYLES = {"system": "magenta", "user": "cyan", "assistant": "green", "tool": "yellow"}


def show_json(summary: Summary, request: RequestView, transcript: Transcript) -> dict[str, Any]:
    """The documented `show --format json` object (README: "show --format json")."""
    return {
        "file": summary.file,
        "summary": summary.to_json(),
        "request": asdict(request),
        "response": transcript.to_json(),
    }


def render_rich(summary: Summary, request: RequestView, transcript: Transcript) -> RenderableType:
    parts: list[RenderableType] = [_header(summary)]
    parts += _request(request)
    parts += _response(transcript)
    return Group(*parts)


def render_raw(data: Any) -> RenderableType:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return Syntax(text, "json", word_wrap=True, theme="ansi_dark", background_color="default")


def _header(summary: Summary) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    grid.add_row("request", escape(f"{summary.method or ''} {summary.url or ''}".strip() or "-"))
    grid.add_row("endpoint", escape(summary.endpoint or "-"))
    grid.add_row("provider", escape(summary.provider or "unknown"))
    grid.add_row("model", escape(_models(summary)))
    streamed = f"yes, {summary.chunks} chunks" if summary.streaming else "no"
    grid.add_row("streamed", streamed)
    if summary.test_id:
        grid.add_row("test id", escape(summary.test_id))
    if summary.created_first is not None:
        grid.add_row("created", _time_span(summary.created_first, summary.created_last))
    return Panel(grid, title=escape(summary.file), title_align="left", border_style="blue")


def _models(summary: Summary) -> str:
    asked, answered = summary.model_requested, summary.model_answered
    if answered and asked and answered != asked:
        return f"{asked} → {answered}"
    return asked or answered or "-"


def _time_span(first: float, last: float | None) -> str:
    start = _timestamp(first)
    if last is None or last == first:
        return start
    return f"{start} (+{last - first:g}s)"


def _timestamp(seconds: float) -> str:
    if not seconds:
        return "0 (normalized)"
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def _request(request: RequestView) -> list[RenderableType]:
    out: list[RenderableType] = [Rule("Request", align="left", style="blue")]
    if not request.messages:
        out.append(Text("(no messages)", style="dim"))
    for message in request.messages:
        row = Table.grid(padding=(0, 1))
        row.add_column(style=ROLE_STYLES.get(message.role, "bold"), min_width=9, no_wrap=True)
        row.add_column(overflow="fold")
        body = Text()
        for index, part in enumerate(message.parts):
            if index:
                body.append("\n")
            body.append(part.text, style="dim italic" if part.kind != "text" else "")
        row.add_row(escape(message.role), body)
        out.append(row)
    if request.tools:
        table = Table(title="Tools", title_justify="left", show_lines=False, expand=False)
        table.add_column("name", style="bold")
        table.add_column("description", overflow="fold")
        table.add_column("parameters", overflow="fold")
        for tool in request.tools:
            params = ", ".join(
                f"{p.name}{'' if p.required else '?'}: {p.type}" for p in tool.parameters
            )
            table.add_row(escape(tool.name), escape(tool.description), escape(params or "-"))
        out.append(table)
    if request.params:
        params = "  ".join(f"{key}={_value(value)}" for key, value in request.params.items())
        out.append(Text.assemble(("parameters ", "bold"), params))
    return out


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _response(transcript: Transcript) -> list[RenderableType]:
    out: list[RenderableType] = [Rule("Response", align="left", style="green")]
    if transcript.error:
        error = transcript.error
        title = " ".join(str(x) for x in (error.status, error.type) if x) or "error"
        out.append(Panel(escape(error.message or ""), title=escape(title), border_style="red"))
    for choice in transcript.choices:
        out.append(_choice(choice))
    if transcript.embeddings:
        count, dims = transcript.embeddings
        out.append(Text(f"{count} embedding{'s' if count != 1 else ''} x {dims} dimensions"))
    if transcript.models:
        out.append(Text(f"{len(transcript.models)} models: " + ", ".join(transcript.models)))
    if transcript.tool_result is not None:
        out.append(Panel(_pretty(transcript.tool_result), title="tool result"))
    if transcript.raw is not None and not transcript.choices:
        out.append(render_raw(transcript.raw))
    if transcript.usage:
        out.append(_usage(transcript))
    return out


def _choice(choice: Choice) -> RenderableType:
    parts: list[RenderableType] = []
    if choice.reasoning:
        parts.append(Text(choice.reasoning, style="dim italic"))
    if choice.text:
        parts.append(Text(choice.text))
    if choice.refusal:
        parts.append(Text(f"refusal: {choice.refusal}", style="red"))
    for call in choice.tool_calls:
        head = Text.assemble(("tool call ", "bold yellow"), (call.name or "?", "bold"))
        if call.id:
            head.append(f"  id {call.id}", style="dim")
        parts.append(head)
        if call.arguments_valid and call.arguments_json is not None:
            arguments = json.dumps(call.arguments_json, indent=2, ensure_ascii=False)
            parts.append(Syntax(arguments, "json", theme="ansi_dark", background_color="default"))
        else:
            label = "" if call.arguments_valid else " (invalid JSON)"
            parts.append(Text(f"{call.arguments or '(no arguments)'}{label}", style="red"))
    if not parts:
        parts.append(Text("(empty)", style="dim"))
    finish = choice.finish_reason or "unfinished"
    if choice.stop_reason is not None:
        finish += f", stop_reason {choice.stop_reason}"
    title = f"choice {choice.index} · {choice.role or 'assistant'}"
    return Panel(
        Group(*parts),
        title=escape(title),
        title_align="left",
        subtitle=escape(f"finish: {finish}"),
        subtitle_align="right",
        border_style="green" if choice.finish_reason else "yellow",
    )


def _usage(transcript: Transcript) -> RenderableType:
    usage = transcript.usage
    assert usage is not None
    table = Table(title="Usage", title_justify="left")
    for column in ("input", "output", "total"):
        table.add_column(column, justify="right")
    table.add_row(
        *(_count(n) for n in (usage.input_tokens, usage.output_tokens, usage.total_tokens))
    )
    return table


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _pretty(value: Any) -> RenderableType:
    if isinstance(value, str):
        return Text(value)
    return Syntax(
        json.dumps(value, indent=2, ensure_ascii=False), "json", background_color="default"
    )


def render_plain(summary: Summary, request: RequestView, transcript: Transcript) -> str:
    """Stable text for `git diff` (textconv): the conversation without ids or timestamps."""
    lines = [
        f"{summary.method or ''} {summary.endpoint or ''}".strip(),
        f"model: {_models(summary)}",
        f"streamed: {'yes' if summary.streaming else 'no'}",
    ]
    if summary.test_id:
        lines.append(f"test: {summary.test_id}")
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
        lines.append(f"{key} = {_value(value)}")
    lines.append("")
    lines.append("## response")
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
        lines.append(_value(transcript.tool_result))
    if transcript.raw is not None and not transcript.choices:
        lines.append(json.dumps(transcript.raw, indent=2, ensure_ascii=False, sort_keys=True))
    if transcript.usage:
        usage = transcript.usage
        lines.append(
            f"usage: input {_count(usage.input_tokens)}, output {_count(usage.output_tokens)}, "
            f"total {_count(usage.total_tokens)}"
        )
    return "\n".join(lines) + "\n"
