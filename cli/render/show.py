"""`cassette show` output: Rich panels, documented JSON, and a plain form for git textconv.

Each form has a head (the file's header and the request) and a response part, so that a
big file read lazily (`cli.core.lazy`) can print its head before its chunks are read.
There the header can't yet know what the chunks tell (their count, the model that
answered, the times): it says so, and a `facts` line after the response gives them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import orjson
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
    return Group(render_rich_head(summary, request), render_rich_response(transcript))


def render_rich_head(
    summary: Summary, request: RequestView, *, pending: bool = False
) -> RenderableType:
    """The header panel and the request; `pending`: the chunks are not read yet."""
    return Group(_header(summary, pending), *_request(request))


def render_rich_response(transcript: Transcript, facts: Summary | None = None) -> RenderableType:
    """The response; `facts`: the summary a pending header left out, shown after it."""
    parts = _response(transcript)
    if facts is not None:
        parts.append(Text.assemble(("streamed  ", "bold"), _facts(facts)))
    return Group(*parts)


def _facts(summary: Summary, times: bool = True) -> str:
    facts = [f"{'yes' if summary.streaming else 'no'}, {summary.chunks:,} chunks"]
    if summary.model_answered:
        facts.append(f"model answered: {summary.model_answered}")
    if times and summary.created_first is not None:
        facts.append(f"created: {_time_span(summary.created_first, summary.created_last)}")
    return "; ".join(facts)


def render_raw(data: Any) -> RenderableType:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return Syntax(text, "json", word_wrap=True, theme="ansi_dark", background_color="default")


def _header(summary: Summary, pending: bool = False) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    grid.add_row("request", escape(f"{summary.method or ''} {summary.url or ''}".strip() or "-"))
    grid.add_row("endpoint", escape(summary.endpoint or "-"))
    grid.add_row("provider", escape(summary.provider or "unknown"))
    grid.add_row("model", escape(_models(summary)))
    streamed = f"yes, {summary.chunks} chunks" if summary.streaming else "no"
    grid.add_row("streamed", "(after the response)" if pending else streamed)
    if summary.test_id:
        grid.add_row("test id", escape(summary.test_id))
    if summary.created_first is not None and not pending:
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
    return render_plain_head(summary, request) + render_plain_response(transcript)


def render_plain_head(summary: Summary, request: RequestView, *, pending: bool = False) -> str:
    lines = [
        f"{summary.method or ''} {summary.endpoint or ''}".strip(),
        f"model: {_models(summary)}",
        f"streamed: {'(after the response)' if pending else 'yes' if summary.streaming else 'no'}",
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
        lines.append(_value(transcript.tool_result))
    if transcript.raw is not None and not transcript.choices:
        lines.append(json.dumps(transcript.raw, indent=2, ensure_ascii=False, sort_keys=True))
    if transcript.usage:
        usage = transcript.usage
        lines.append(
            f"usage: input {_count(usage.input_tokens)}, output {_count(usage.output_tokens)}, "
            f"total {_count(usage.total_tokens)}"
        )
    if facts is not None:
        lines.append(f"streamed: {_facts(facts, times=False)}")  # stable: no times
    return "\n".join(lines) + "\n"


class Printer:
    """Prints `show`'s chosen form on stdout: a whole cassette at once, or a big file's
    head first (flushed, so a reader sees it before the chunks are read) and then the rest."""

    def __init__(self, format_: str, raw: bool, plain: bool, no_color: bool) -> None:
        from cli.render.console import data_console, plain_console

        self.json = format_ == "json"
        self.raw = raw
        self.plain = plain
        self.console = plain_console() if plain else data_console(no_color)
        self._at_line_start = True  # of what `exact` wrote last

    @property
    def exact_bytes(self) -> bool:
        """`--raw` prints the file's exact bytes, highlighted only for a colour terminal:
        wrapped lines would not be JSON (`show --raw | python3 -m json.tool`)."""
        if not self.raw or self.json:
            return False
        console = self.console
        return not (console.is_terminal and console.color_system and not console.no_color)

    def exact(self, data: bytes) -> None:
        """A file's bytes as they are; a newline between two files that lack one."""
        sys.stdout.flush()
        out = sys.stdout.buffer
        if not self._at_line_start:
            out.write(b"\n")
        out.write(data)
        out.flush()
        self._at_line_start = not data or data.endswith(b"\n")

    def unchanged(self, path: Any) -> bool:
        """Print a file that is not a readable cassette as it is (git textconv); False when
        even its bytes can't be read."""
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return False
        self.exact(data)
        return True

    def whole(
        self, data: Any, summary: Summary, request: RequestView, transcript: Transcript
    ) -> None:
        if self.json:
            self._json(summary, request, transcript)
        elif self.raw:
            self.console.print(render_raw(data))
        elif self.plain:
            sys.stdout.write(render_plain(summary, request, transcript))
        else:
            self.console.print(render_rich(summary, request, transcript))

    def head(self, summary: Summary, request: RequestView) -> None:
        if self.json:
            return
        if self.plain:
            sys.stdout.write(render_plain_head(summary, request, pending=True))
        else:
            self.console.print(render_rich_head(summary, request, pending=True))
        sys.stdout.flush()

    def rest(self, summary: Summary, request: RequestView, transcript: Transcript) -> None:
        if self.json:
            self._json(summary, request, transcript)
        elif self.plain:
            sys.stdout.write(render_plain_response(transcript, facts=summary))
        else:
            self.console.print(render_rich_response(transcript, facts=summary))

    def _json(self, summary: Summary, request: RequestView, transcript: Transcript) -> None:
        line = orjson.dumps(show_json(summary, request, transcript), default=str)
        sys.stdout.write(line.decode() + "\n")
