"""The Typer app: registers the commands and turns errors into exit codes, in one place.

Startup stays light: a command's module is imported, and its Typer command built, only
when that command runs or the help lists it (`CassetteGroup.get_command`); command modules
import only typer and the option types at import time; Rich, deepdiff and the core logic
load inside the command that needs them.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from cli import __version__
from cli.errors import CassetteError, ExitCode
from cli.messages import error_line


def _plain_help() -> None:
    """NO_COLOR: help without color, and without bold or dim either (typer's console keeps
    those under Rich's own no-color)."""
    import os

    if os.environ.get("NO_COLOR", "") != "":
        from typer import rich_utils

        rich_utils.COLOR_SYSTEM = None


class CassetteGroup(TyperGroup):
    """Every way out of the program passes through `main`: one line on stderr, one code.
    The commands of `COMMANDS` are built on first use: `cassette ls` builds `ls` alone."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.commands[cmd_name] = _build(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_help()
        super().format_help(ctx, formatter)

    def main(self, args: Sequence[str] | None = None, **extra: Any) -> Any:
        extra["standalone_mode"] = False
        _tolerant_stdout()
        try:
            code = super().main(args=args, **extra)
        except typer.TyperException as exc:  # bad flags, missing arguments (click's errors)
            ctx = getattr(exc, "ctx", None)
            command = ctx.command_path if ctx is not None else "cassette"
            message = exc.format_message()
            if message:  # empty: no arguments, and the help was shown instead
                error_line(f"{message} (see '{command} --help')", command)
            code = getattr(exc, "exit_code", ExitCode.ERROR)
        except typer.Abort:
            code = ExitCode.ERROR
        except KeyboardInterrupt:
            error_line("interrupted")
            code = ExitCode.INTERRUPTED
        except BrokenPipeError:
            code = quiet_broken_pipe()
        except SystemExit as exc:
            # Rich, on a reader gone, exits 1 by itself (`Console.on_broken_pipe`), from
            # the `except BrokenPipeError` that caught it: help, show, diff output.
            if not isinstance(exc.__context__, BrokenPipeError):
                raise
            code = quiet_broken_pipe()
        sys.exit(int(code or 0))


def _tolerant_stdout() -> None:
    """A damaged file's strings may hold a lone surrogate (`\ud800`), which UTF-8 can't
    encode: stdout writes it escaped, as stderr does, rather than failing mid-output."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, io.UnsupportedOperation):
            reconfigure(errors="backslashreplace")


def quiet_broken_pipe() -> int:
    """`cassette show DIR | head -1`: the reader left, which is no failure. Say nothing,
    exit 0, and point stdout at /dev/null so that Python's last flush can't complain."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):  # stdout is no real file (a test's)
        os.dup2(devnull, sys.stdout.fileno())
    return ExitCode.OK


app = typer.Typer(
    name="cassette",
    cls=CassetteGroup,
    help="Read, diff, scrub, validate and edit LLM test recordings (cassettes).",
    epilog="Try: cassette show sample_cassettes/vllm-chat-stream-tool-call.json",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def guarded(function: Callable[..., int | None], name: str) -> Callable[..., None]:
    """Run a command; its return value, or the CassetteError it raises, is the exit code.
    An error that names no file names the command instead. A reader that stops reading
    (`| head -1`) ends the command quietly with 0; it is caught here because typer would
    turn it into exit 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = function(*args, **kwargs)
            sys.stdout.flush()  # a reader gone shows here, not in Python's exit flush
        except CassetteError as exc:
            error_line(str(exc), "cassette" if exc.path else f"cassette {name}")
            code = exc.exit_code
        except BrokenPipeError:
            code = quiet_broken_pipe()
        raise typer.Exit(int(code or 0))

    return wrapper


class CassetteCommand(TyperCommand):
    """A command whose usage line names its arguments as people write them:
    `cassette show [OPTIONS] PATHS...`, not typer's `{paths}...`."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_help()
        super().format_help(ctx, formatter)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            piece = (param.metavar or param.name or "").upper()
            piece += "..." if param.nargs != 1 else ""
            pieces.append(piece if param.required else f"[{piece}]")
        return pieces


def paragraphs(text: str) -> str:
    """A docstring as paragraphs of one line each: Rich wraps them to the terminal, where
    the docstring's own line breaks would leave one-word stubs at 80 columns."""
    import inspect

    blocks = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(block.split()) for block in blocks)


def _build(name: str) -> Any:
    """The click command of `COMMANDS[name]`, made by Typer from the module's `command`."""
    module = importlib.import_module(COMMANDS[name])
    examples = "\n\n".join(f"$ {example}" for example in module.EXAMPLES)
    single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    single.command(
        name=name,
        cls=CassetteCommand,
        help=paragraphs(module.command.__doc__ or ""),
        epilog=f"Examples:\n\n{examples}",
        no_args_is_help=True,
    )(guarded(module.command, name))
    return typer.main.get_command(single)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cassette {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Read, diff, scrub, validate and edit LLM test recordings (cassettes)."""


# name -> module; the order here is the order of `cassette --help`.
COMMANDS = {
    "show": "cli.commands.show",
    "ls": "cli.commands.ls",
    "validate": "cli.commands.validate",
    "diff": "cli.commands.diff",
    "scrub": "cli.commands.scrub",
    "rename-model": "cli.commands.rename_model",
    "retime": "cli.commands.retime",
    "normalize": "cli.commands.normalize",
    "merge": "cli.commands.merge",
}


def _register_cache() -> None:
    """`cassette cache info|clear`: a group of its own, after the commands that fill it."""
    from cli.commands import cache

    examples = "\n\n".join(f"$ {example}" for example in cache.EXAMPLES)
    group = typer.Typer(help=cache.HELP, epilog=f"Examples:\n\n{examples}", no_args_is_help=True)
    for function in (cache.info, cache.clear):
        group.command(
            cls=CassetteCommand,
            help=paragraphs(function.__doc__ or ""),
            epilog=f"Examples:\n\n{examples}",
        )(guarded(function, "cache"))
    app.add_typer(group, name="cache")


_register_cache()


def main(argv: Sequence[str] | None = None) -> None:
    app(args=argv, prog_name="cassette")
