"""Delete entries of one YAML mapping from its text: each key, its value and their lines.

Rules:
- Block style: an entry whose key starts its line goes with all its lines, through the end
  of its value's last line (a comment there goes too). The entries that share a line with
  the `- ` of a sequence item are cut up to the next kept key, which moves up to that line.
- Flow style: `key: value, ` goes with the comma that separates it.
- A mapping left with no entries becomes `{}`, after its key's colon (`headers: {}`, as
  PyYAML writes it) or in place.
- Blank lines and comments between entries stay. Nothing else is touched.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cli.core.formats.vcr.yaml_errors import YamlEditError
from cli.core.formats.vcr.yaml_patch import Splice
from cli.core.formats.vcr.yaml_scalars import BREAK_CHARS, parse_header


def _end(text: str, node: Node) -> int:
    """Where a node's own text ends: a block collection ends with its last child, a `|` or
    `|-` scalar with its last content line (the empty lines after it aren't its own)."""
    while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    end = node.end_mark.index
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        start = text.find(node.style, node.start_mark.index, end)
        if parse_header(text, start, end).chomping != "+":
            end = len(text[:end].rstrip(" \t" + BREAK_CHARS))
    return end


def _line_start(text: str, index: int) -> int:
    return max(text.rfind(char, 0, index) for char in BREAK_CHARS) + 1


def _after_line(text: str, index: int) -> int:
    """The start of the line after the one `index` is on (`index` if it starts a line)."""
    if index == 0 or text[index - 1] in BREAK_CHARS:
        return index
    ends = [found for char in BREAK_CHARS if (found := text.find(char, index)) >= 0]
    if not ends:
        return len(text)
    end = min(ends)
    return end + 2 if text.startswith("\r\n", end) else end + 1


def _line_end(text: str, index: int) -> int:
    """The end of the line `index` is on, before its break."""
    ends = [found for char in BREAK_CHARS if (found := text.find(char, index)) >= 0]
    return min(ends) if ends else len(text)


def _colon_after(text: str, key: Node) -> int:
    index = key.end_mark.index
    while index < len(text) and text[index] in " \t":
        index += 1
    if text[index : index + 1] != ":":
        raise YamlEditError(f"cannot find the ':' after the key at line {key.start_mark.line + 1}")
    return index + 1


def delete_entries(
    text: str, mapping: MappingNode, indexes: set[int], owner_key: Node | None
) -> list[Splice]:
    """Splices that remove the entries at `indexes` of `mapping`. `owner_key` is the key
    whose value the mapping is, or None for a sequence item or the document root."""
    entries = mapping.value
    if len(indexes) == len(entries):
        first = entries[0][0].start_mark.index
        if mapping.flow_style:
            return [Splice(first, entries[-1][1].end_mark.index, "")]
        last = _line_end(text, _end(text, entries[-1][1]))
        if owner_key is not None:
            return [Splice(_colon_after(text, owner_key), last, " {}")]
        return [Splice(first, last, "{}")]
    if mapping.flow_style:
        return _delete_flow(entries, sorted(indexes))
    splices, todo = [], sorted(indexes)
    first_key = entries[0][0].start_mark.index
    if todo[0] == 0 and text[_line_start(text, first_key) : first_key].strip(" "):
        kept = next(i for i in range(len(entries)) if i not in indexes)
        splices.append(Splice(first_key, entries[kept][0].start_mark.index, ""))
        todo = [i for i in todo if i > kept]
    for index in todo:
        key, value = entries[index]
        start = _line_start(text, key.start_mark.index)
        if text[start : key.start_mark.index].strip(" "):
            raise YamlEditError(f"cannot delete the entry at line {key.start_mark.line + 1}")
        splices.append(Splice(start, _after_line(text, _end(text, value)), ""))
    return splices


def _delete_flow(entries: list, indexes: list[int]) -> list[Splice]:
    """`{a: 1, b: 2, c: 3}`: each run of deleted entries goes with the comma after it, or
    before it when the run ends the mapping."""
    splices, run_start = [], None
    for position, index in enumerate(indexes):
        run_start = index if run_start is None else run_start
        if position + 1 < len(indexes) and indexes[position + 1] == index + 1:
            continue
        if index + 1 < len(entries):
            start, end = entries[run_start][0].start_mark.index, entries[index + 1][0]
            splices.append(Splice(start, end.start_mark.index, ""))
        else:
            start = entries[run_start - 1][1].end_mark.index
            splices.append(Splice(start, entries[index][1].end_mark.index, ""))
        run_start = None
    return splices
