"""cassette show: the conversation in a cassette, reassembled from its chunks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.options import Format, Glob, NoColor, OutputFormat, Paths

if TYPE_CHECKING:
    from cli.core.lazy import Streamed
    from cli.core.model import Cassette
    from cli.core.transcript import Transcript
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
        bool,
        typer.Option(
            "--raw", help="The file's JSON: highlighted on a terminal, else its exact bytes."
        ),
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
    --plain prints a file named alone that isn't a readable cassette as it is (for git).
    """
    from cli.core.library import found_by_walk, iter_paths
    from cli.core.model import Cassette
    from cli.errors import CassetteError, NotACassette, ReadError
    from cli.messages import error_line, note_line
    from cli.render.show import Printer

    printer = Printer(format_.value, raw, plain, no_color)
    failed = False
    for path in iter_paths(paths, glob):
        try:
            loaded = _load(path, exact_bytes=printer.exact_bytes, whole=raw)
        except NotACassette as exc:
            if found_by_walk(path, paths):  # ci_matrix.json among the recordings
                note_line(f"cassette: {exc.note()}")
                continue
            if not (plain and printer.unchanged(path)):
                error_line(str(exc))
                failed = True
            continue
        except ReadError as exc:
            # git's textconv must always get something to diff: a file named alone that
            # can't be read as a cassette is printed as it is.
            if not (plain and not found_by_walk(path, paths) and printer.unchanged(path)):
                error_line(str(exc))
                failed = True
            continue
        try:
            if isinstance(loaded, bytes):
                printer.exact(loaded)
            elif isinstance(loaded, Cassette):
                _show_whole(printer, loaded, choice)
            else:
                with loaded:
                    _show_streamed(printer, loaded, choice)
        except CassetteError as exc:
            error_line(str(exc))
            failed = True
    return 2 if failed else 0


def _load(path: Path, *, exact_bytes: bool, whole: bool) -> bytes | Cassette | Streamed:
    """The file's bytes (checked to be a cassette) for `--raw` off a terminal, else the
    cassette; a big file is read a part at a time, except to show its raw JSON."""
    from cli.core import codec
    from cli.core.lazy import is_big, open_streamed
    from cli.core.model import Cassette

    if exact_bytes:
        raw = codec.read_bytes(path)
        Cassette.from_bytes(raw, path).check_shape()
        return raw
    streamed = open_streamed(path) if is_big(path) and not whole else None
    return Cassette.load(path) if streamed is None else streamed


def _show_whole(printer: Printer, cassette: Cassette, choice: int | None) -> None:
    from cli.core.request import view_request
    from cli.core.stream import transcribe
    from cli.core.summary import summarize

    transcript = _pick(transcribe(cassette), choice, cassette.path)
    request = view_request(cassette)
    printer.whole(cassette.data, summarize(cassette, transcript, request), request, transcript)


def _show_streamed(printer: Printer, streamed: Streamed, choice: int | None) -> None:
    """A big file: the head is printed before the chunks are read, one at a time."""
    from cli.core.model import Cassette
    from cli.core.request import view_request
    from cli.core.stream import transcribe_items
    from cli.core.summary import summarize
    from cli.core.transcript import OTHER, Transcript

    head = Cassette(streamed.path, streamed.data)
    request = view_request(head)
    printer.head(summarize(head, Transcript(kind=OTHER), request), request)
    transcript = _pick(transcribe_items(streamed.data, streamed.items()), choice, head.path)
    printer.rest(summarize(head, transcript, request), request, transcript)


def _pick(transcript: Transcript, choice: int | None, path: Path) -> Transcript:
    from cli.errors import CassetteError

    if choice is not None:
        transcript.choices = [c for c in transcript.choices if c.index == choice]
        if not transcript.choices:
            raise CassetteError(f"has no choice {choice}", path)
    return transcript
