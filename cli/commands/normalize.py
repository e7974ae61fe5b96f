"""cassette normalize: rewrite ids and timestamps the way llama-stack's 2026 recorder does."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import (
    Check,
    DryRun,
    Format,
    Glob,
    HashScheme,
    InPlace,
    NoCache,
    NoColor,
    Output,
    OutputFormat,
    Paths,
)

EXAMPLES = [
    "cassette normalize sample_cassettes --dry-run",
    "cassette normalize sample_cassettes --check --format json",
    "cassette normalize sample_cassettes --hash-scheme 2026 --keep date -o normalized",
]


def command(
    paths: Paths,
    hash_scheme: Annotated[
        HashScheme,
        typer.Option(
            "--hash-scheme",
            help="Hash for rec- ids. auto: the file name's hash, else 2026 if the "
            "cassette has test_id, else 2025 (none is for validate only).",
        ),
    ] = HashScheme.auto,
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep",
            help="VCR: keep this response header (a name or glob, any case; repeatable).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    in_place: InPlace = False,
    output: Output = None,
    check: Check = False,
    dry_run: DryRun = False,
    format_: Format = OutputFormat.text,
    no_color: NoColor = False,
    glob: Glob = None,
    no_cache: NoCache = False,
) -> int:
    """Normalize responses as llama-stack's recorder does, to keep re-record diffs small.

    Response ids become rec-<hash12> (the request hash the file is replayed by), created
    becomes 0, Ollama's created_at 1970-01-01T00:00:00.000000Z and its durations 0.
    Model lists keep their ids and created. In VCR cassettes, the response headers that
    change on every recording (date, cf-ray, x-request-id, x-ratelimit-*, set-cookie...)
    are removed, except those --keep names.
    """
    from cli.errors import UsageError

    if hash_scheme is HashScheme.none:
        raise UsageError("--hash-scheme none: normalize needs a scheme to make rec- ids")
    from cli.commands.editing import choose_mode, run_edit_command
    from cli.core.edit.normalize import normalize
    from cli.core.edit.pipeline import Bound

    mode = choose_mode(in_place, output, check, dry_run)
    edit = Bound(
        normalize, {"scheme": hash_scheme.value, "keep": tuple(keep or ())}, takes_name=True
    )
    return run_edit_command(
        edit, paths, glob, mode, format_, no_color, command="cassette normalize", no_cache=no_cache
    )
