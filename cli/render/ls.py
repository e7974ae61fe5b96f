"""`cassette ls` output: an aligned table with a totals row, or documented JSON.

Both can be written a row at a time (`TextTable`, `JsonRows`), so that listing a library
in name order holds no rows: the first `BUFFERED` rows fix the table's column widths
(a longer cell later widens only its own line), the JSON is written as it goes. Up to
`BUFFERED` rows, the output is exactly that of the whole-list functions.

A row is one interaction. The table names a file on the first of its consecutive rows
only; the totals count files (`new_file` rows) and interactions (every row), and say
"N files" alone when the two are the same.

On a terminal the table fits its width (`Layout`): the widest of the file, model,
endpoint and message columns give way first (a path loses the middle of its folders, the
rest their end, each with an ellipsis), then whole columns, the least needed first.
Without a width (a pipe, a file) nothing is cut but the message. When the widths are
fixed before the last row, the number columns keep room for totals ten times those so
far; totals wider still are written as a labelled line rather than out of their columns.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, TextIO

from cli.core.transcript.summary import Summary
from cli.messages import printable
from cli.render import json_text
from cli.render.fit import fit_path, fit_text

MESSAGE_WIDTH = 48
BUFFERED = 1000
COLUMNS = ("file", "endpoint", "model", "stream", "choices", "chunks", "in", "out", "finish")
MESSAGE = "message"  # the last column: the first user message
RIGHT_ALIGNED = {"choices", "chunks", "in", "out"}
NUMBERS = ("stream", "choices", "chunks", "in", "out")  # the columns the totals add up
SHRINKS = {"file": 28, "model": 16, "endpoint": 12, MESSAGE: 20}  # narrowest width of each
DROPPED = (MESSAGE, "finish", "stream", "choices", "chunks", "endpoint", "in", "out", "model")
GAP = 2
Row = tuple[dict[str, str], str]  # the cells of the columns, and the message


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
    return json_text.dumps(document, indent=True)


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
    shape = Layout.of([*table, _totals(sums)], width)
    return [shape.line(row) for row in table] + [shape.totals(sums)]


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
        self.buffer: list[Row] = [_header()]
        self.shape: Layout | None = None  # fixed once the buffer is flushed
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
        if self.shape is None:
            self.buffer.append(cells)
            if self.buffered is not None and len(self.buffer) > self.buffered + 1:
                # Rows are still to come: room for totals ten times those so far.
                grown = Totals(*(10 * value for value in self.sums.to_json().values()))
                self.shape = Layout.of([*self.buffer, _totals(grown)], self.width)
                self._write(self.buffer)
                self.buffer = []
        else:
            self._write([cells])

    def finish(self) -> None:
        if self.shape is None:
            self.shape = Layout.of([*self.buffer, _totals(self.sums)], self.width)
        self._write(self.buffer, self.shape.totals(self.sums))
        self.out.flush()

    def _write(self, rows: list[Row], last: str | None = None) -> None:
        assert self.shape is not None
        lines = [self.shape.line(row) for row in rows] + ([last] if last is not None else [])
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
    return json_text.dumps(value, indent=True).replace("\n", "\n" + indent)


def _header() -> Row:
    return dict(zip(COLUMNS, COLUMNS, strict=True)), "first message"


def _cells(row: Summary, named: bool = True) -> Row:
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


def _totals(sums: Totals) -> Row:
    cells = {
        "file": _files(sums),
        "endpoint": "",
        "model": "",
        "stream": f"{sums.streamed:,}",
        "choices": f"{sums.choices:,}",
        "chunks": f"{sums.chunks:,}",
        "in": f"{sums.input_tokens:,}",
        "out": f"{sums.output_tokens:,}",
        "finish": "",
    }
    return cells, ""


def _files(sums: Totals) -> str:
    files = f"{sums.files:,} files"
    if sums.interactions != sums.files:
        files += f", {sums.interactions:,} interactions"
    return files


@dataclass
class Layout:
    """Which columns a table shows and how wide each is; `limit`: the terminal's width,
    which no line passes (None: no limit, and only the message is ever cut)."""

    widths: dict[str, int]  # the shown columns, in order; MESSAGE last when shown
    limit: int | None = None

    @classmethod
    def of(cls, rows: list[Row], limit: int | None) -> Layout:
        natural = {column: max(len(cells[column]) for cells, _ in rows) for column in COLUMNS}
        natural[MESSAGE] = min(MESSAGE_WIDTH, max(len(message) for _, message in rows))
        shown = [*COLUMNS, MESSAGE]
        while True:
            widths = {column: natural[column] for column in shown}
            if limit is None or _narrowed(widths, limit):
                return cls(widths, limit)
            dropped = next((column for column in DROPPED if column in widths), None)
            if dropped is None:  # file and model alone, at their narrowest: so be it
                return cls(widths, limit)
            shown.remove(dropped)

    def line(self, row: Row) -> str:
        cells, message = row
        parts = []
        for column, width in self.widths.items():
            cell = message if column == MESSAGE else cells[column]
            if len(cell) > width and (self.limit is not None or column == MESSAGE):
                cell = fit_path(cell, width) if column == "file" else fit_text(cell, width)
            parts.append(cell.rjust(width) if column in RIGHT_ALIGNED else cell.ljust(width))
        return (" " * GAP).join(parts).rstrip()

    def totals(self, sums: Totals) -> str:
        """The totals row under its columns; labelled on a line of its own when a total
        outgrew the widths fixed before the last row (or the terminal narrowed them)."""
        row = _totals(sums)
        cells = row[0]
        if all(len(cells[column]) <= self.widths.get(column, 10**6) for column in cells):
            return self.line(row)
        text = (
            f"{_files(sums)}: {sums.streamed:,} streamed, {sums.choices:,} choices, "
            f"{sums.chunks:,} chunks, {sums.input_tokens:,} input and "
            f"{sums.output_tokens:,} output tokens"
        )
        return text if self.limit is None else fit_text(text, self.limit)


def _narrowed(widths: dict[str, int], limit: int) -> bool:
    """Narrow the widest columns that may shrink, a character at a time, until the line
    fits `limit`; False when they are all at their narrowest and it still doesn't."""
    excess = sum(widths.values()) + GAP * (len(widths) - 1) - limit
    while excess > 0:
        widest = max(
            (column for column in SHRINKS if widths.get(column, 0) > SHRINKS[column]),
            key=lambda column: widths[column],
            default=None,
        )
        if widest is None:
            return False
        widths[widest] -= 1
        excess -= 1
    return True


def _tokens(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _flat(text: str | None) -> str:
    return " ".join(text.split()) if text else "-"
