"""cassette show: the conversation in a cassette, reassembled from its chunks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.options import Format, Glob, NoColor, OutputFormat, Paths

if TYPE_CHECKING:
    from cli.core.model import Interaction
    from cli.core.transcript.model import Transcript
    from cli.render.show import Printer

EXAMPLES = [
    "cassette show sample_cassettes/vllm-chat-stream-tool-call.json",
    "cassette show sample_cassettes/vllm-chat-stream-n2.json --choice 1",
    "cassette show sample_cassettes/databricks-chat-stream-sol.json --format json",
]


def command(
    paths: Paths,
    choice: Annotated[
        int | None, typer.Option("--choice", help="Show only this choice index.", min=0)
    ] = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="The file's JSON, syntax-highlighted.")
    ] = False,
    plain: Annotated[
        bool,
        typer.Option("--plain", help="Stable plain text without ids or times (for git textconv)."),
    ] = False,
    format_: Format = OutputFormat.text,
    no_color: NoColor = False,
    glob: Glob = "*.json",
) -> int:
    """Show the conversation recorded in each cassette.

    Prints the request (messages by role, tools, sampling parameters) and every choice of
    the response reassembled from its chunks: text, reasoning, tool calls with their
    arguments, finish reason, and usage. Several paths are shown one after another.
    """
    from cli.core import formats
    from cli.core.library import iter_paths
    from cli.errors import CassetteError
    from cli.messages import error_line
    from cli.render.show import Printer

    printer = Printer(format_.value, raw, plain, no_color)
    failed = False
    for path in iter_paths(paths, glob):
        try:
            # A big file is read a part at a time, except to show its raw JSON.
            with formats.read(path, lazy=not raw) as file:
                for interaction in file.interactions:
                    _show(printer, interaction, choice)
        except CassetteError as exc:
            error_line(str(exc))
            failed = True
    return 2 if failed else 0


def _show(printer: Printer, interaction: Interaction, choice: int | None) -> None:
    """One interaction; a lazily read one prints its head before its chunks are read."""
    from cli.core.transcript.model import OTHER, Transcript
    from cli.core.transcript.reassemble import transcribe
    from cli.core.transcript.request import view_request
    from cli.core.transcript.summary import summarize

    request = view_request(interaction)
    if interaction.is_lazy:
        printer.head(summarize(interaction, Transcript(kind=OTHER), request), request)
        transcript = _pick(transcribe(interaction), choice, interaction.path)
        printer.rest(summarize(interaction, transcript, request), request, transcript)
        return
    transcript = _pick(transcribe(interaction), choice, interaction.path)
    summary = summarize(interaction, transcript, request)
    printer.whole(interaction.data, summary, request, transcript)


def _pick(transcript: Transcript, choice: int | None, path: Path) -> Transcript:
    from cli.errors import CassetteError

    if choice is not None:
        transcript.choices = [c for c in transcript.choices if c.index == choice]
        if not transcript.choices:
            raise CassetteError(f"has no choice {choice}", path)
    return transcript
