"""cassette rename-model: rename a model in requests and responses, keeping replay working."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cli.options import (
    Check,
    DryRun,
    Format,
    Glob,
    InPlace,
    NoCache,
    NoColor,
    Output,
    OutputFormat,
    Paths,
)

EXAMPLES = [
    "cassette rename-model meta-llama/Llama-3.2-1B-Instruct llama3.2:1b sample_cassettes --dry-run",
    "cassette rename-model --match glob 'meta-llama/*' llama-local sample_cassettes --check",
    "cassette rename-model llama-3.3-70b llama3.3 sample_cassettes -o renamed --format json",
]


class MatchKind(StrEnum):
    exact = "exact"
    glob = "glob"


class Scope(StrEnum):
    request = "request"
    response = "response"
    all = "all"


def command(
    old: Annotated[
        str,
        typer.Argument(help="The model to rename (a glob with --match glob).", show_default=False),
    ],
    new: Annotated[str, typer.Argument(help="Its new name.", show_default=False)],
    paths: Paths,
    match: Annotated[
        MatchKind,
        typer.Option("--match", help="exact: OLD is a model name; glob: OLD is a pattern."),
    ] = MatchKind.exact,
    scope: Annotated[
        Scope,
        typer.Option("--scope", help="Rename in the request, the response, or both."),
    ] = Scope.all,
    include_model_lists: Annotated[
        bool,
        typer.Option(
            "--include-model-lists", help="Also rename entries of /v1/models and /api/tags lists."
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Rename even into a model that some cassettes already use (their files "
            "and the renamed ones can't be told apart afterwards).",
        ),
    ] = False,
    in_place: InPlace = False,
    output: Output = None,
    check: Check = False,
    dry_run: DryRun = False,
    format_: Format = OutputFormat.text,
    no_color: NoColor = False,
    glob: Glob = None,
    no_cache: NoCache = False,
) -> int:
    """Rename a model in every cassette that uses it.

    Changes request.model, the body's model, the model of every response chunk and the
    model in the test id's parameters; a hash-named file moves to its new request hash,
    so replay still finds it. Refuses to rename into a model some files already use,
    unless --force. Say where the edits go: --in-place, -o DIR, --check or --dry-run.
    """
    from cli.commands.editing import choose_mode, edit_journal, run_edit_command
    from cli.core.edit.pipeline import Bound
    from cli.core.edit.rename import check_names, count_users, rename_model
    from cli.errors import UsageError

    check_names(old, new, match.value)
    mode = choose_mode(in_place, output, check, dry_run)
    options = {
        "old": old,
        "new": new,
        "match": match.value,
        "scope": scope.value,
        "include_model_lists": include_model_lists,
    }
    edit = Bound(rename_model, options, remembers=not no_cache)
    journal = edit_journal(edit, paths, glob, mode)
    if not force:
        users, renaming = count_users(paths, glob, **options, journal=journal, cache=not no_cache)
        if users and renaming:
            files = "1 file already uses" if users == 1 else f"{users} files already use"
            raise UsageError(
                f"{files} {new}: renaming {old} into it would merge the two sets, and "
                f"renaming back would change those files too; use --force to rename anyway"
            )
    return run_edit_command(
        edit,
        paths,
        glob,
        mode,
        format_,
        no_color,
        command="cassette rename-model",
        journal=journal,
        no_cache=no_cache,
    )
