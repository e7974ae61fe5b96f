"""`cassette show` output: Rich panels, documented JSON, and a plain form for git textconv.

Each form has a head (the file's header and the request) and a response part, so that a
big file read lazily (`formats.llamastack.lazy`) can print its head before its chunks are read.
There the header can't yet know what the chunks tell (their count, the model that
answered, the times): it says so, and a `facts` line after the response gives them.

Rich lays out at most `SHOWN` characters of any one text (a message, an answer, a raw
body): it takes seconds per megabyte. The rest is counted in a note; `--plain` and
`--format json` always give everything.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from cli.core.transcript.model import Choice, Transcript
from cli.core.transcript.request import RequestView
from cli.core.transcript.summary import Summary
from cli.messages import printable
from cli.render import json_text
from cli.render.fit import fit_path
from cli.render.show_plain import (
    as_text,
    count_text,
    models_text,
    render_plain,
    render_plain_file,
    render_plain_head,
    render_plain_response,
    stream_facts,
    time_span,
)

SHOWN = 100_000  # characters of one text Rich lays out (~0.1 s); the rest is counted
ROLE_STYLES = {"system": "magenta", "user": "cyan", "assistant": "green", "tool": "yellow"}


def show_json(summary: Summary, request: RequestView, transcript: Transcript) -> dict[str, Any]:
    """The documented `show --format json` object (README: "show --format json"); one of
    several interactions in a file (VCR) also has its `interaction` index."""
    value: dict[str, Any] = {"file": summary.file}
    if summary.interaction is not None:
        value["interaction"] = summary.interaction
    value.update(summary=summary.to_json(), request=asdict(request), response=transcript.to_json())
    return value


def render_rich(
    summary: Summary,
    request: RequestView,
    transcript: Transcript,
    facts: dict[str, str] | None = None,
) -> RenderableType:
    return Group(render_rich_head(summary, request, facts=facts), render_rich_response(transcript))


def render_rich_head(
    summary: Summary,
    request: RequestView,
    *,
    pending: bool = False,
    facts: dict[str, str] | None = None,
) -> RenderableType:
    """The header panel and the request; `pending`: the chunks are not read yet; `facts`:
    what the file's format says about the interaction (VCR: status, bodies)."""
    return Group(_header(summary, pending, facts), *_request(request))


def render_rich_file(name: str, facts: dict[str, str]) -> RenderableType:
    """The panel that opens a file of several interactions (VCR): format, count, writer."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for label, value in facts.items():
        grid.add_row(escape(label), escape(value))
    return TitledPanel(grid, name, border_style="magenta")


class TitledPanel:
    """A panel titled with a file name that fits the panel: a long one (a 64-hex name in
    its suite's folders) is cut with an ellipsis, not clipped in silence (`fit_path`)."""

    def __init__(self, body: RenderableType, path: str, suffix: str = "", **style: Any) -> None:
        self.body, self.path, self.suffix, self.style = body, path, suffix, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = options.max_width - 6 - len(self.suffix)  # "╭─ " and " ─╮"
        title = escape(fit_path(self.path, room) + self.suffix)
        yield Panel(self.body, title=title, title_align="left", **self.style)


def render_rich_response(transcript: Transcript, facts: Summary | None = None) -> RenderableType:
    """The response; `facts`: the summary a pending header left out, shown after it."""
    parts = _response(transcript)
    if facts is not None:
        parts.append(Text.assemble(("streamed  ", "bold"), stream_facts(facts)))
    return Group(*parts)


def render_raw(data: Any, clip: bool = False) -> RenderableType:
    """The JSON of `data`, highlighted; `clip`: at most SHOWN characters of it."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    shown, more = _clip(text) if clip else (text, 0)
    syntax = Syntax(shown, "json", word_wrap=True, theme="ansi_dark", background_color="default")
    return Group(syntax, _more(more)) if more else syntax


def _clip(text: str) -> tuple[str, int]:
    """The first SHOWN characters of `text`, and how many were left out."""
    return (text, 0) if len(text) <= SHOWN else (text[:SHOWN], len(text) - SHOWN)


def _more(count: int) -> Text:
    return Text(f"… {count:,} more characters (--plain or --format json shows all)", style="dim")


def _text(text: str, style: str = "") -> RenderableType:
    """`Text`, clipped at SHOWN characters with a note of the rest."""
    shown, more = _clip(text)
    return Group(Text(shown, style=style), _more(more)) if more else Text(shown, style=style)


def _header(
    summary: Summary, pending: bool = False, facts: dict[str, str] | None = None
) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    grid.add_row("request", escape(f"{summary.method or ''} {summary.url or ''}".strip() or "-"))
    grid.add_row("endpoint", escape(summary.endpoint or "-"))
    grid.add_row("provider", escape(summary.provider or "unknown"))
    grid.add_row("model", escape(models_text(summary)))
    streamed = f"yes, {summary.chunks} chunks" if summary.streaming else "no"
    grid.add_row("streamed", "(after the response)" if pending else streamed)
    if summary.test_id:
        grid.add_row("test id", escape(summary.test_id))
    if summary.created_first is not None and not pending:
        grid.add_row("created", time_span(summary.created_first, summary.created_last))
    for label, value in (facts or {}).items():
        grid.add_row(escape(label), escape(value))
    suffix = f" · interaction {summary.interaction}" if summary.interaction is not None else ""
    return TitledPanel(grid, summary.file, suffix, border_style="blue")


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
            shown, more = _clip(part.text)
            body.append(shown, style="dim italic" if part.kind != "text" else "")
            if more:
                body.append(f"\n… {more:,} more characters", style="dim")
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
        params = "  ".join(f"{key}={as_text(value)}" for key, value in request.params.items())
        out.append(Text.assemble(("parameters ", "bold"), params))
    return out


def _response(transcript: Transcript) -> list[RenderableType]:
    out: list[RenderableType] = [Rule("Response", align="left", style="green")]
    if transcript.error:
        error = transcript.error
        title = " ".join(str(x) for x in (error.status, error.type) if x) or "error"
        shown, more = _clip(error.message or "")
        message = Group(escape(shown), _more(more)) if more else escape(shown)
        out.append(Panel(message, title=escape(title), border_style="red"))
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
        out.append(render_raw(transcript.raw, clip=True))
    if transcript.usage:
        out.append(_usage(transcript))
    return out


def _choice(choice: Choice) -> RenderableType:
    parts: list[RenderableType] = []
    if choice.reasoning:
        parts.append(_text(choice.reasoning, style="dim italic"))
    if choice.text:
        parts.append(_text(choice.text))
    if choice.refusal:
        parts.append(_text(f"refusal: {choice.refusal}", style="red"))
    for call in choice.tool_calls:
        head = Text.assemble(("tool call ", "bold yellow"), (call.name or "?", "bold"))
        if call.id:
            head.append(f"  id {call.id}", style="dim")
        parts.append(head)
        if call.arguments_valid and call.arguments_json is not None:
            arguments, more = _clip(json.dumps(call.arguments_json, indent=2, ensure_ascii=False))
            parts.append(Syntax(arguments, "json", theme="ansi_dark", background_color="default"))
            if more:
                parts.append(_more(more))
        else:
            label = "" if call.arguments_valid else " (invalid JSON)"
            parts.append(_text(f"{call.arguments or '(no arguments)'}{label}", style="red"))
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
        *(count_text(n) for n in (usage.input_tokens, usage.output_tokens, usage.total_tokens))
    )
    return table


def _pretty(value: Any) -> RenderableType:
    if isinstance(value, str):
        return _text(value)
    return Syntax(
        json.dumps(value, indent=2, ensure_ascii=False), "json", background_color="default"
    )


class Printer:
    """Prints `show`'s chosen form on stdout: a whole cassette at once, or a big file's
    head first (flushed, so a reader sees it before the chunks are read) and then the rest."""

    def __init__(
        self, format_: str, raw: bool, plain: bool, no_color: bool, several: bool = False
    ) -> None:
        from cli.render.console import data_console, plain_console

        self.json = format_ == "json"
        self.raw = raw
        self.plain = plain
        self.several = several  # the run may show several files: --plain names each
        self.console = plain_console() if plain else data_console(no_color)
        self._at_line_start = True  # of what `exact` wrote last
        self._named = 0  # files named so far

    def file_name(self, name: str) -> None:
        """`==> NAME <==` before each file of a --plain run over several (as `head` does);
        one file named alone (git textconv) gets no name: git names it already."""
        if not (self.plain and self.several):
            return
        sys.stdout.write(("\n" if self._named else "") + f"==> {printable(name)} <==\n")
        self._named += 1

    @property
    def exact_bytes(self) -> bool:
        """`--raw` off a colour terminal prints JSON as it is (a JSON file's exact bytes):
        wrapped, highlighted lines would not be JSON (`show --raw | python3 -m json.tool`)."""
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

    def file_header(self, name: str, facts: dict[str, str]) -> None:
        """What opens a file of several interactions (not in JSON: each line is whole)."""
        if self.json:
            return
        if self.plain:
            sys.stdout.write(render_plain_file(facts))
        else:
            self.console.print(render_rich_file(name, facts))

    def whole(
        self,
        data: Any,
        summary: Summary,
        request: RequestView,
        transcript: Transcript,
        facts: dict[str, str] | None = None,
    ) -> None:
        if self.json:
            self._json(summary, request, transcript)
        elif self.raw and self.exact_bytes:  # not a colour terminal: JSON, never wrapped
            text = json.dumps(data, indent=2, ensure_ascii=False)  # a lone surrogate: escaped
            self.exact(text.encode("utf-8", "backslashreplace") + b"\n")
        elif self.raw:
            self.console.print(render_raw(data))
        elif self.plain:
            sys.stdout.write(render_plain(summary, request, transcript, facts))
        else:
            self.console.print(render_rich(summary, request, transcript, facts))

    def head(
        self, summary: Summary, request: RequestView, facts: dict[str, str] | None = None
    ) -> None:
        if self.json:
            return
        if self.plain:
            sys.stdout.write(render_plain_head(summary, request, pending=True, facts=facts))
        else:
            self.console.print(render_rich_head(summary, request, pending=True, facts=facts))
        sys.stdout.flush()

    def rest(self, summary: Summary, request: RequestView, transcript: Transcript) -> None:
        if self.json:
            self._json(summary, request, transcript)
        elif self.plain:
            sys.stdout.write(render_plain_response(transcript, facts=summary))
        else:
            self.console.print(render_rich_response(transcript, facts=summary))

    def _json(self, summary: Summary, request: RequestView, transcript: Transcript) -> None:
        line = json_text.dumps(show_json(summary, request, transcript), default=str)
        sys.stdout.write(line + "\n")
