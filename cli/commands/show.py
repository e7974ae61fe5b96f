"""cassette show: the conversation in a cassette, reassembled from its chunks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.options import Format, Glob, NoColor, OutputFormat, Paths

if TYPE_CHECKING:
    from cli.core.model import CassetteFile, Interaction
    from cli.core.transcript.model import Transcript
    from cli.core.transcript.summary import Summary
    from cli.render.show import Printer

EXAMPLES = [
    "cassette show sample_cassettes/vllm-chat-stream-tool-call.json",
    "cassette show sample_cassettes/vllm-chat-stream-n2.json --choice 1",
    "cassette show sample_cassettes/vcr-anthropic-stream-tool-call.yaml --interaction 1",
]


def command(
    paths: Paths,
    choice: Annotated[
        int | None, typer.Option("--choice", help="Show only this choice index.", min=0)
    ] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="The recorded JSON (VCR: bodies decoded): highlighted on a terminal, else "
            "as it is. Not with --format json, --choice or --plain.",
        ),
    ] = False,
    plain: Annotated[
        bool,
        typer.Option("--plain", help="Stable plain text without ids or times (for git textconv)."),
    ] = False,
    format_: Format = OutputFormat.text,
    no_color: NoColor = False,
    glob: Glob = None,
    interaction: Annotated[
        int | None,
        typer.Option(
            "--interaction",
            help="Show only this interaction of a file that holds several (VCR), from 0.",
            min=0,
        ),
    ] = None,
) -> int:
    """Show the conversation recorded in each cassette.

    Prints the request (messages by role, tools, sampling parameters) and every choice of
    the response reassembled from its chunks: text, reasoning, tool calls with their
    arguments, finish reason, and usage. A VCR cassette gets a header, then each of its
    interactions. Several paths are shown one after another. --plain prints a file named
    alone that isn't a readable cassette as it is (for git textconv).
    """
    import sys

    from cli.core.library import iter_paths, nothing_found
    from cli.errors import exit_code
    from cli.messages import error_line
    from cli.render.console import files_progress
    from cli.render.show import Printer

    _refuse_with_raw(raw, format_, choice, plain)
    for reason in nothing_found(paths, glob):
        error_line(reason, "cassette show")
    several = len(paths) > 1 or any(path.is_dir() for path in paths)
    printer = Printer(format_.value, raw, plain, no_color, several)
    # On the terminal the conversations scrolling by are the progress; written to a file,
    # a bar says how far the run is.
    quiet = format_ is OutputFormat.json or sys.stdout.isatty()
    failed = False
    with files_progress(paths, glob, "Reading cassettes", no_color=no_color, quiet=quiet) as bar:
        for path in iter_paths(paths, glob):
            failed |= not _show_file(printer, path, paths, interaction, choice)
            bar.advance()
    return exit_code(failed=failed)


def _show_file(
    printer: Printer, path: Path, paths: list[Path], interaction: int | None, choice: int | None
) -> bool:
    """One file, every interaction or the one asked for; False when it failed (said on
    stderr). A file a walk found that isn't a cassette is passed over with a note."""
    from cli.core import formats
    from cli.core.library import was_named
    from cli.errors import CassetteError, NotACassette, ReadError
    from cli.messages import error_line, note_line

    try:
        # A big file is read a part at a time, except to show its raw JSON.
        with formats.read(path, lazy=not printer.raw) as file:
            chosen = _interactions(file, interaction)
            printer.file_name(str(path))  # --plain over several files: which one
            own_bytes = formats.raw_text(file) if printer.exact_bytes else None
            if own_bytes is not None and interaction is None:
                printer.exact(own_bytes)
                return True
            file_facts = formats.facts(file)
            if file_facts and interaction is None:
                printer.file_header(str(path), file_facts)
            for one in chosen:
                _show(printer, file, one, choice, several=bool(file_facts))
    except NotACassette as exc:
        if not was_named(path, paths):  # ci_matrix.json, mkdocs.yml among the cassettes
            note_line(exc.note())
        elif not (printer.plain and printer.unchanged(path)):
            error_line(str(exc))
            return False
    except ReadError as exc:
        # git's textconv must always get something to diff: a file named alone that
        # can't be read as a cassette is printed as it is.
        if not (printer.plain and was_named(path, paths) and printer.unchanged(path)):
            error_line(str(exc))
            return False
    except CassetteError as exc:
        error_line(str(exc))
        return False
    return True


def _refuse_with_raw(raw: bool, format_: OutputFormat, choice: int | None, plain: bool) -> None:
    """--raw prints what was recorded, whole: the flags that shape the reassembled view
    would be ignored, so they are refused rather than dropped in silence."""
    from cli.errors import UsageError

    if not raw:
        return
    others = [
        flag
        for flag, given in (
            ("--format json", format_ is OutputFormat.json),
            ("--choice", choice is not None),
            ("--plain", plain),
        )
        if given
    ]
    if others:
        what = "it shapes" if len(others) == 1 else "they shape"
        raise UsageError(
            f"--raw and {' and '.join(others)} don't go together: --raw prints the recorded "
            f"JSON whole, and {what} the reassembled view"
        )


def _interactions(file: CassetteFile, index: int | None) -> list[Interaction]:
    from cli.errors import CassetteError

    if index is None:
        return file.interactions
    if index >= len(file.interactions):
        count = len(file.interactions)
        raise CassetteError(
            f"has no interaction {index}; it has {count} (from 0 to {count - 1})"
            if count
            else f"has no interaction {index}; it has none",
            file.path,
        )
    return [file.interactions[index]]


def _show(
    printer: Printer,
    file: CassetteFile,
    interaction: Interaction,
    choice: int | None,
    several: bool,
) -> None:
    """One interaction; a lazily read one prints its head before its chunks are read."""
    from cli.core import formats
    from cli.core.transcript.model import OTHER, Transcript
    from cli.core.transcript.reassemble import transcribe
    from cli.core.transcript.request import view_request
    from cli.core.transcript.summary import summarize

    request = view_request(interaction)
    facts = formats.interaction_facts(file, interaction)

    def summary_of(transcript: Transcript) -> Summary:
        summary = summarize(interaction, transcript, request)
        summary.interaction = interaction.index if several else None
        return summary

    if interaction.is_lazy and not printer.raw:
        printer.head(summary_of(Transcript(kind=OTHER)), request, facts)
        transcript = _pick(transcribe(interaction), choice, interaction.path)
        printer.rest(summary_of(transcript), request, transcript)
        return
    transcript = _pick(transcribe(interaction), choice, interaction.path)
    raw = formats.raw_view(file, interaction) if printer.raw else None
    printer.whole(raw, summary_of(transcript), request, transcript, facts)


def _pick(transcript: Transcript, choice: int | None, path: Path) -> Transcript:
    from cli.errors import CassetteError

    if choice is not None:
        transcript.choices = [c for c in transcript.choices if c.index == choice]
        if not transcript.choices:
            raise CassetteError(f"has no choice {choice}", path)
    return transcript
