"""`cassette ls` output: an aligned table with a totals row, or documented JSON.

Both can be written a row at a time (`TextTable`, `JsonRows`), so that listing a library
in name order holds no rows: the first `BUFFERED` rows fix the table's column widths
(a longer cell later widens only its own line), the JSON is written as it goes. Up to
`BUFFERED` rows, the output is exactly that of the whole-list functions.

A row is one interaction. The table names a file on the first of its consecutive rows
only; the totals count files (`new_file` rows) and interactions (every row), and say
"N files" alone when the two are the same.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, TextIO

import orjson

from cli.core.transcript.summary import Summary
from cli.messages import printable

MESSAGE_WIDTH = 48
BUFFERED = 1000
COLUMNS = ("file", "endpoint", "model", "stream", "choices", "chunks", "in", "out", "finish")
RIGHT_ALIGNED = {"choices", "chunks", "in", "out"}
JSON_OPTIONS = orjson.OPT_INDENT_2


@dataclass
class Totals:
    files: int = 0
    interactions: int = 0
    streamed: int = 0
    choices: int = 0
    chunks: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def add(self, row: Summary, new_file: bool = True) -> None:
        self.files += new_file
        self.interactions += 1
        self.streamed += row.streaming
        self.choices += row.choices
        self.chunks += row.chunks
        self.input_tokens += row.input_tokens or 0
        self.output_tokens += row.output_tokens or 0

    def to_json(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


def totals(rows: Iterable[Summary]) -> dict[str, int]:
    sums = Totals()
    for row, new_file in _with_new_file(rows):
        sums.add(row, new_file)
    return sums.to_json()


def _with_new_file(rows: Iterable[Summary]) -> Iterable[tuple[Summary, bool]]:
    """Each row, and whether it starts a file (its file differs from the row before's)."""
    previous = None
    for row in rows:
        yield row, row.file != previous
        previous = row.file


def ls_json(rows: list[Summary]) -> str:
    """The documented `ls --format json` object (README: "ls --format json")."""
    document: dict[str, Any] = {
        "cassettes": [row.to_json() for row in rows],
        "totals": totals(rows),
    }
    return orjson.dumps(document, option=JSON_OPTIONS).decode()


def render_lines(rows: list[Summary], width: int | None = None) -> list[str]:
    """An aligned table, one line per cassette, then a totals line.

    Plain string formatting rather than a Rich table: Rich lays out 500 rows in ~0.3 s,
    longer than reading the files. The first message takes whatever width is left.
    """
    sums = Totals()
    table = [_header()]
    for row, new_file in _with_new_file(rows):
        sums.add(row, new_file)
        table.append(_cells(row, new_file))
    table.append(_totals(sums))
    widths = _widths(table)
    return [_line(cells, message, widths, width) for cells, message in table]


class TextTable:
    """`render_lines` a row at a time, written to `out` (see the module's docstring)."""

    def __init__(
        self,
        out: TextIO | None = None,
        width: int | None = None,
        bold: bool = False,
        buffered: int | None = BUFFERED,
    ) -> None:
        """`buffered`: rows held to fix the widths; None: all (sorted output)."""
        self._out = out
        self.width, self.bold, self.buffered = width, bold, buffered
        self.sums = Totals()
        self.buffer: list[tuple[dict[str, str], str]] = [_header()]
        self.widths: dict[str, int] | None = None  # fixed once the buffer is flushed
        self.started = False  # whether the header line is out
        self.previous: str | None = None  # the file of the row before

    @property
    def out(self) -> TextIO:
        """The given stream, else whatever `sys.stdout` is now: a progress bar on the
        terminal redirects it, so that rows print above the bar."""
        return self._out or sys.stdout

    def add(self, row: Summary, new_file: bool = True) -> None:
        """One row; `new_file`: the first row of its file (the totals count the file)."""
        self.sums.add(row, new_file)
        cells = _cells(row, named=row.file != self.previous)
        self.previous = row.file
        if self.widths is None:
            self.buffer.append(cells)
            if self.buffered is not None and len(self.buffer) > self.buffered + 1:
                self.widths = _widths(self.buffer)
                self._write(self.buffer)
                self.buffer = []
        else:
            self._write([cells])

    def finish(self) -> None:
        rows = [*self.buffer, _totals(self.sums)]
        if self.widths is None:
            self.widths = _widths(rows)
        self._write(rows)
        self.out.flush()

    def _write(self, rows: list[tuple[dict[str, str], str]]) -> None:
        assert self.widths is not None
        lines = [_line(cells, message, self.widths, self.width) for cells, message in rows]
        if self.bold and not self.started:
            lines[0] = f"\x1b[1m{lines[0]}\x1b[0m"
        self.started = True
        self.out.write("\n".join(lines) + "\n")


class JsonRows:
    """`ls_json` a row at a time: the same bytes, written as the rows come."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.sums = Totals()

    def add(self, row: Summary, new_file: bool = True) -> None:
        opening = '{\n  "cassettes": [\n    ' if not self.sums.interactions else ",\n    "
        self.sums.add(row, new_file)
        self.out.write(opening + _indented(row.to_json(), "    "))

    def finish(self) -> None:
        head = '{\n  "cassettes": [],' if not self.sums.interactions else "\n  ],"
        self.out.write(f'{head}\n  "totals": {_indented(self.sums.to_json(), "  ")}\n}}\n')
        self.out.flush()


def _indented(value: Any, indent: str) -> str:
    return orjson.dumps(value, option=JSON_OPTIONS).decode().replace("\n", "\n" + indent)


def _header() -> tuple[dict[str, str], str]:
    return dict(zip(COLUMNS, COLUMNS, strict=True)), "first message"


def _cells(row: Summary, named: bool = True) -> tuple[dict[str, str], str]:
    """A row's cells; `named`: the first of its file's consecutive rows, which names it."""
    cells = {
        "file": printable(row.file) if named else "",
        "endpoint": printable(row.endpoint or "-"),
        "model": printable(row.model_requested or row.model_answered or "-"),
        "stream": "yes" if row.streaming else "no",
        "choices": str(row.choices),
        "chunks": f"{row.chunks:,}" if row.streaming else "-",
        "in": _tokens(row.input_tokens),
        "out": _tokens(row.output_tokens),
        "finish": ",".join(sorted(set(row.finish_reasons))) or "-",
    }
    return cells, _flat(row.first_message)


def _totals(sums: Totals) -> tuple[dict[str, str], str]:
    files = f"{sums.files} files"
    if sums.interactions != sums.files:
        files += f", {sums.interactions} interactions"
    cells = {
        "file": files,
        "endpoint": "",
        "model": "",
        "stream": str(sums.streamed),
        "choices": str(sums.choices),
        "chunks": f"{sums.chunks:,}",
        "in": f"{sums.input_tokens:,}",
        "out": f"{sums.output_tokens:,}",
        "finish": "",
    }
    return cells, ""


def _widths(rows: list[tuple[dict[str, str], str]]) -> dict[str, int]:
    return {column: max(len(cells[column]) for cells, _ in rows) for column in COLUMNS}


def _line(cells: dict[str, str], message: str, widths: dict[str, int], width: int | None) -> str:
    used = sum(widths.values()) + 2 * len(COLUMNS)
    room = max(12, (width or 10_000) - used)
    parts = [
        cells[c].rjust(widths[c]) if c in RIGHT_ALIGNED else cells[c].ljust(widths[c])
        for c in COLUMNS
    ]
    return ("  ".join(parts) + "  " + _truncate(message, room)).rstrip()


def _tokens(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _flat(text: str | None) -> str:
    return " ".join(text.split()) if text else "-"


def _truncate(text: str, room: int) -> str:
    room = min(room, MESSAGE_WIDTH)
    return text if len(text) <= room else text[: room - 1] + "…"
