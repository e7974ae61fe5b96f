"""`cassette ls` output: a Rich table with a totals row, or documented JSON."""

from __future__ import annotations

from typing import Any

import orjson

from cli.core.summary import Summary

MESSAGE_WIDTH = 48


def totals(rows: list[Summary]) -> dict[str, int]:
    return {
        "files": len(rows),
        "streamed": sum(1 for row in rows if row.streaming),
        "choices": sum(row.choices for row in rows),
        "chunks": sum(row.chunks for row in rows),
        "input_tokens": sum(row.input_tokens or 0 for row in rows),
        "output_tokens": sum(row.output_tokens or 0 for row in rows),
    }


def ls_json(rows: list[Summary]) -> str:
    """The documented `ls --format json` object (README: "ls --format json")."""
    document: dict[str, Any] = {
        "cassettes": [row.to_json() for row in rows],
        "totals": totals(rows),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()


COLUMNS = ("file", "endpoint", "model", "stream", "choices", "chunks", "in", "out", "finish")
RIGHT_ALIGNED = {"choices", "chunks", "in", "out"}


def render_lines(rows: list[Summary], width: int | None = None) -> list[str]:
    """An aligned table, one line per cassette, then a totals line.

    Plain string formatting rather than a Rich table: Rich lays out 500 rows in ~0.3 s,
    longer than reading the files. The first message takes whatever width is left.
    """
    sums = totals(rows)
    cells = [dict(zip(COLUMNS, COLUMNS, strict=True))]
    for row in rows:
        cells.append(
            {
                "file": row.file,
                "endpoint": row.endpoint or "-",
                "model": row.model_requested or row.model_answered or "-",
                "stream": "yes" if row.streaming else "no",
                "choices": str(row.choices),
                "chunks": f"{row.chunks:,}" if row.streaming else "-",
                "in": _tokens(row.input_tokens),
                "out": _tokens(row.output_tokens),
                "finish": ",".join(sorted(set(row.finish_reasons))) or "-",
            }
        )
    cells.append(
        {
            "file": f"{sums['files']} files",
            "endpoint": "",
            "model": "",
            "stream": str(sums["streamed"]),
            "choices": str(sums["choices"]),
            "chunks": f"{sums['chunks']:,}",
            "in": f"{sums['input_tokens']:,}",
            "out": f"{sums['output_tokens']:,}",
            "finish": "",
        }
    )
    widths = {column: max(len(cell[column]) for cell in cells) for column in COLUMNS}
    messages = ["first message"] + [_flat(row.first_message) for row in rows] + [""]
    used = sum(widths.values()) + 2 * len(COLUMNS)
    room = max(12, (width or 10_000) - used)
    lines = []
    for cell, message in zip(cells, messages, strict=True):
        parts = [
            cell[c].rjust(widths[c]) if c in RIGHT_ALIGNED else cell[c].ljust(widths[c])
            for c in COLUMNS
        ]
        lines.append(("  ".join(parts) + "  " + _truncate(message, room)).rstrip())
    return lines


def _tokens(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _flat(text: str | None) -> str:
    return " ".join(text.split()) if text else "-"


def _truncate(text: str, room: int) -> str:
    room = min(room, MESSAGE_WIDTH)
    return text if len(text) <= room else text[: room - 1] + "…"
