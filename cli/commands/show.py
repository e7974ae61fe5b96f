"""cassette show: the conversation in a cassette, reassembled from its chunks."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import Format, Glob, NoColor, OutputFormat, Paths

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
    import orjson

    from cli.core.library import iter_paths
    from cli.core.model import Cassette
    from cli.core.request import view_request
    from cli.core.stream import transcribe
    from cli.core.summary import summarize
    from cli.errors import CassetteError
    from cli.messages import error_line
    from cli.render.console import data_console, plain_console

    console = plain_console() if plain else data_console(no_color)
    failed = False
    for path in iter_paths(paths, glob):
        try:
            cassette = Cassette.load(path)
            transcript = transcribe(cassette)
            if choice is not None:
                transcript.choices = [c for c in transcript.choices if c.index == choice]
                if not transcript.choices:
                    raise CassetteError(f"has no choice {choice}", path)
        except CassetteError as exc:
            error_line(str(exc))
            failed = True
            continue
        request = view_request(cassette)
        summary = summarize(cassette, transcript, request)
        if format_ is OutputFormat.json:
            from cli.render.show import show_json

            line = orjson.dumps(show_json(summary, request, transcript), default=str)
            typer.echo(line.decode())
        elif raw:
            from cli.render.show import render_raw

            console.print(render_raw(cassette.data))
        elif plain:
            from cli.render.show import render_plain

            typer.echo(render_plain(summary, request, transcript), nl=False)
        else:
            from cli.render.show import render_rich

            console.print(render_rich(summary, request, transcript))
    return 2 if failed else 0
