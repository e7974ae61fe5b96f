"""`cassette diff` output: compact Rich text, or the documented JSON object.

Text rules:
- A directory diff opens with its counts; each listed file gets one status line, then its
  changes grouped by section (request, response, file, json).
- `~` changed (yellow), `+` added (green), `-` removed (red); old values red, new green.
  A text field shows one inline word diff: removed words struck through, added words
  underlined, and, when styles are off (no color, not a terminal), marked as
  `[-removed-]{+added+}` like `git diff --word-diff=plain`.
- Unchanged stretches of long texts are cut to a few words of context around each change,
  and a newline inside a text diff shows as ⏎; long values are cut at VALUE_WIDTH
  characters, a changed pair around where they first differ (a test id's parameters).
- Strings read as written, except inside structured values and raw JSON, where values are
  shown as JSON (`location: "Paris"`), so that 1 and "1" stay apart.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from cli.core.diff.model import (
    ADDED,
    CHANGED,
    ERROR,
    MORE,
    REMOVED,
    UNCHANGED,
    Change,
    DiffOptions,
    DiffReport,
    FileDiff,
)
from cli.render import json_text

VALUE_WIDTH = 120
DIFFER_CONTEXT = 40  # characters kept before the first difference of two long values
CONTEXT_WORDS = 6
SIGNS = {CHANGED: ("~", "yellow"), ADDED: ("+", "green"), REMOVED: ("-", "red")}
STATUS_STYLES = {ADDED: "green", REMOVED: "red", CHANGED: "yellow", UNCHANGED: "dim", ERROR: "red"}
SECTIONS = {"json": "raw JSON", "file": "file"}


def diff_json(report: DiffReport, options: DiffOptions, *, stat: bool = False) -> str:
    """The documented `diff --format json` object (README: "diff --format json");
    `--stat` leaves out the `files` list."""
    document = report.to_json(options)
    if stat:
        del document["files"]
    return json_text.dumps(document, indent=True)


def summary_line(report: DiffReport) -> Text:
    """`1 added, 0 removed, 2 changed, 3 renamed (1 of them changed), 9 unchanged`: each
    file counted once, a renamed one as renamed only."""
    counts = dict(report.counts)
    moved = report.renamed_by_status
    for status in (CHANGED, UNCHANGED):
        counts[status] -= moved.get(status, 0)
    parts = [f"{counts[key]} {key}" for key in (ADDED, REMOVED, CHANGED)]
    if counts["renamed"]:
        changed = moved.get(CHANGED, 0)
        also = f" ({changed} of them changed)" if changed else ""
        parts.append(f"{counts['renamed']} renamed{also}")
    parts.append(f"{counts[UNCHANGED]} unchanged")
    if counts["errors"]:
        parts.append(f"{counts['errors']} unreadable")
    return Text(", ".join(parts), style="bold")


def render_text(report: DiffReport, *, library: bool, stat: bool, markers: bool) -> RenderableType:
    lines: list[Text] = []
    if stat or library:
        lines.append(summary_line(report))
    if stat:
        return Group(*lines)
    listed = [item for item in report.files if item.status != ERROR]
    if not listed:
        lines.append(Text("no differences"))
    for item in listed:
        if library or item.changes:
            lines.append(_file_line(item, library))
        lines += _changes(item, markers, indent="  " if library else "")
    return Group(*lines)


def _file_line(item: FileDiff, library: bool) -> Text:
    status = "renamed" if item.renamed and item.status == UNCHANGED else item.status
    names = item.old if item.old == item.new or item.new is None else item.new
    if item.old and item.new and item.old != item.new:
        names = f"{item.old} -> {item.new}"
    line = Text()
    if library:
        line.append(f"{status:<9}", style=STATUS_STYLES.get(status, "cyan"))
    else:
        line.append(f"{status}: ", style=STATUS_STYLES.get(status, "cyan"))
    line.append(names or "", style="bold")
    if item.renamed and item.status == CHANGED:
        line.append("  (renamed)", style="cyan")
    return line


def _changes(item: FileDiff, markers: bool, indent: str) -> list[Text]:
    lines: list[Text] = []
    section, group = None, None
    for change in item.changes:
        if change.section != section:
            section, group = change.section, None
            lines.append(Text(indent + SECTIONS.get(section, section), style="bold"))
        if change.path is not None or (change.kind == MORE and change.field == group):
            if change.field != group:
                group = change.field
                lines.append(Text(f"{indent}  {change.field}"))
            name = change.path or ""
            lines.append(_change_line(change, name, indent + "    ", markers, as_json=True))
        else:
            group = None
            as_json = change.section == "json"
            lines.append(_change_line(change, change.field, indent + "  ", markers, as_json))
    if item.omitted:
        lines.append(Text(f"{indent}... and {item.omitted} more changes", style="dim"))
    return lines


def _change_line(change: Change, name: str, indent: str, markers: bool, as_json: bool) -> Text:
    if change.kind == MORE:
        return Text(f"{indent}... and {change.new} more differences", style="dim")
    sign, color = SIGNS.get(change.kind, ("?", "cyan"))
    line = Text(indent)
    line.append(f"{sign} ", style=color)
    line.append(f"{name}: " if name else "(document): ")
    if change.words is not None:
        return line.append_text(_words(change.words, markers))
    if change.kind == ADDED:
        return line.append(_value(change.new, as_json), style="green")
    if change.kind == REMOVED:
        return line.append(_value(change.old, as_json), style="red")
    before, after = _values(change.old, change.new, as_json)
    line.append(before, style="red")
    line.append(" -> ")
    line.append(after, style="green")
    delta = _delta(change.old, change.new)
    if delta:
        line.append(f" ({delta})", style="dim")
    return line


def _words(script: list[tuple[str, str]], markers: bool) -> Text:
    text = Text()
    last = len(script) - 1
    for position, (op, raw) in enumerate(script):
        words = raw.replace("\n", "⏎")  # one change, one line: newlines shown, not broken
        if op == "=":
            text.append(_elide(words, head=position > 0, tail=position < last))
        elif op == "-":
            text.append(f"[-{words}-]" if markers else words, style="red strike")
        else:
            text.append(f"{{+{words}+}}" if markers else words, style="green underline")
    return text


def _elide(words: str, *, head: bool, tail: bool) -> str:
    """Keep CONTEXT_WORDS words next to each neighbouring change: `head` keeps the start
    (a change precedes it), `tail` keeps the end (a change follows it)."""
    tokens = words.split(" ")
    keep = CONTEXT_WORDS * (head + tail)
    if len(tokens) <= keep + 2:
        return words
    start = " ".join(tokens[:CONTEXT_WORDS]) if head else ""
    end = " ".join(tokens[-CONTEXT_WORDS:]) if tail else ""
    return (
        f"{start} … {end}".strip(" ") if head and tail else (f"{start} …" if head else f"… {end}")
    )


def _value(value: Any, as_json: bool) -> str:
    text = _text(value, as_json)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def _text(value: Any, as_json: bool) -> str:
    if isinstance(value, str) and not as_json:
        return " ".join(value.split()) if "\n" in value else value
    return json.dumps(value, ensure_ascii=False)


def _values(old: Any, new: Any, as_json: bool) -> tuple[str, str]:
    """Two long values cut alike around where they first differ, so that the difference
    shows: `…[…-Qwen3-Reranker-0.6B]` -> `…[…-Qwen3-Reranker-4B]`, not two equal heads."""
    before, after = _text(old, as_json), _text(new, as_json)
    if max(len(before), len(after)) <= VALUE_WIDTH:
        return before, after
    pairs = zip(before, after, strict=False)
    same = next((at for at, (a, b) in enumerate(pairs) if a != b), min(len(before), len(after)))
    start = max(0, same - DIFFER_CONTEXT)
    return _clip(before, start), _clip(after, start)


def _clip(text: str, start: int) -> str:
    """`text` from `start` (an ellipsis for what was cut), at most VALUE_WIDTH long."""
    if start:
        text = "…" + text[start:]
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def _delta(old: Any, new: Any) -> str | None:
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (old, new))
    if not numbers:
        return None
    difference = new - old
    return f"{difference:+,}" if isinstance(difference, int) else f"{difference:+g}"
