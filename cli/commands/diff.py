"""cassette diff: what changed between two cassettes, or two libraries of them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.options import Format, Glob, NoColor, OutputFormat

EXAMPLES = [
    "cassette diff sample_cassettes/databricks-chat-stream-sol.json"
    " sample_cassettes/vllm-chat-stream-n2.json",
    "cassette diff sample_cassettes/vllm-chat-stream-n2.json"
    " sample_cassettes/databricks-chat-stream-sol.json --ignore /request/body/model --format json",
    "cassette diff sample_cassettes sample_cassettes --stat",
]


def command(
    old: Annotated[Path, typer.Argument(help="The old cassette, or directory of cassettes.")],
    new: Annotated[Path, typer.Argument(help="The new cassette, or directory of cassettes.")],
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Also compare the raw JSON (ids, times, chunking, formatting), listed below "
            "the changes in meaning.",
        ),
    ] = False,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="POINTER",
            help="Skip this JSON pointer on both sides (repeatable; * matches any key).",
        ),
    ] = None,
    stat: Annotated[bool, typer.Option("--stat", help="Only the counts.")] = False,
    format_: Format = OutputFormat.text,
    no_color: NoColor = False,
    glob: Glob = None,
) -> int:
    """Compare two cassettes, or two directories of them, by meaning.

    Compares the request (model, messages word by word, tools, parameters) and the
    reassembled response (text, tool calls and their arguments, finish reasons, usage),
    ignoring ids, times and where chunks break. Directories pair files by path, then
    renamed files by their request. Exit 0: no differences; 1: differences; 2: a file
    could not be read.
    """
    from cli.core import pointer
    from cli.core.diff.model import DiffOptions, DiffReport
    from cli.core.library import nothing_found
    from cli.errors import ReadError, UsageError, exit_code
    from cli.messages import error_line, note_line
    from cli.render.console import data_console, progress

    for text in ignore or []:
        if not pointer.is_pointer(text):
            raise UsageError(
                f"--ignore {text!r} is not a JSON pointer; write it like /request/body/temperature"
            )
    options = DiffOptions.from_flags(strict, ignore)
    for path in (old, new):
        if not path.exists():
            raise ReadError("no such file or directory", path)
    library = old.is_dir() and new.is_dir()
    if not library and (old.is_dir() or new.is_dir()):
        raise UsageError("compare two files or two directories, not one of each")
    report = DiffReport(str(old), str(new))
    if library:
        from cli.core.diff.library import compare_library, plan_library

        for reason in nothing_found([old, new], glob):
            error_line(reason, "cassette diff")
        plan = plan_library(old, new, options, glob)
        quiet = format_ is OutputFormat.json
        with progress(len(plan), "Comparing cassettes", no_color=no_color, quiet=quiet) as bar:
            for result in compare_library(plan, options):
                report.add(result)
                bar.advance()
    else:
        from cli.core.diff.files import compare_files

        report.add(compare_files(old, new, options))
    report.sort()
    for note in report.passed_over:
        note_line(note)
    for item in report.files:
        if item.error:
            error_line(item.error)
    if format_ is OutputFormat.json:
        from cli.render.diff import diff_json

        typer.echo(diff_json(report, options, stat=stat))
    else:
        from cli.render.diff import render_text

        console = data_console(no_color)
        markers = console.no_color or console.color_system is None
        text = render_text(report, library=library, stat=stat, markers=markers)
        console.print(text, soft_wrap=True)  # long lines: the terminal wraps, not Rich
    return exit_code(failed=report.failed, findings=report.differs)
