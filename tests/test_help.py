"""`--help` reads as clean paragraphs at 80 and 120 columns, with a plain usage line."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from typer.testing import CliRunner

from cli.app import COMMANDS, app, paragraphs

WIDTHS = (80, 120)
PANEL = ("│", "╭", "╰")  # the argument and option tables: Rich lays those out itself


def help_text(command: str | None, width: int) -> str:
    args = [command, "--help"] if command else ["--help"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


def prose(text: str) -> list[list[str]]:
    """The paragraphs outside the tables: runs of non-blank lines, each stripped."""
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith(PANEL):
            blocks.append([])
        else:
            blocks[-1].append(line.strip())
    return [block for block in blocks if block]


def stubs(text: str, width: int) -> list[str]:
    """Lines that end well short of the width although their paragraph goes on: a
    sentence broken by the docstring's own line breaks, then wrapped again by Rich."""
    return [
        line
        for block in prose(text)
        for line, following in pairwise(block)
        if len(line) < 0.4 * width and not following.startswith("$")
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_paragraphs_have_no_stubs(command: str | None, width: int) -> None:
    text = help_text(command, width)
    assert stubs(text, width) == []
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width


def test_the_stub_check_catches_a_hard_wrapped_docstring() -> None:
    """What the docstrings did before: lines of ~90 characters, wrapped again at 80."""
    text = (
        " Prints the request (messages by role, tools, sampling parameters) and every\n"
        " choice of\n"
        " the response reassembled from its chunks: text, reasoning, tool calls with\n"
        " their\n"
        " arguments.\n"
    )
    assert stubs(text, 80) == ["choice of", "their"]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_usage_names_arguments_in_capitals(command: str) -> None:
    usage = next(line for line in help_text(command, 120).splitlines() if "Usage:" in line)
    assert "{" not in usage and "}" not in usage
    assert re.search(rf"Usage: cassette {command} \[OPTIONS\]( [A-Z]+(\.\.\.)?)+\s*$", usage)


def test_usage_of_show() -> None:
    assert "Usage: cassette show [OPTIONS] PATHS..." in help_text("show", 80)
    assert "Usage: cassette diff [OPTIONS] OLD NEW" in help_text("diff", 80)


def test_paragraphs_keep_paragraph_breaks_only() -> None:
    doc = """Summary line.

    A paragraph written
    over three lines
    of a docstring.

    Another one.
    """
    assert paragraphs(doc) == (
        "Summary line.\n\nA paragraph written over three lines of a docstring.\n\nAnother one."
    )
