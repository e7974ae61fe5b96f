"""Where a place of a VCR cassette's interactions sits in its YAML: the line, for findings.

Rules:
- A pointer names a place in the interaction dicts every analyser reads
  (`/interactions/2/response/headers/Set-Cookie/0`); it is followed through the YAML
  nodes the file was read from, each key mapped back to what the cassette writes: `url`
  is `uri`, `status` is `status.code`, a body is `body` (the request's), `body.string`
  (the response's) or `parsed_body`.
- The line is the deepest node the pointer reaches: a mapping entry's key, a sequence
  item, or a body's scalar. Inside a `|` literal block (an SSE body as pydantic-ai writes
  it), line `n` of the body is the block's line `n`; inside any other scalar (a JSON body
  in quotes) the scalar's first line is as near as YAML tells.
- Pointers that don't lead into `/interactions/<i>` are left out.
"""

from __future__ import annotations

from typing import Any

import yaml

from cli.core.pointer import split

# The interaction dict's names -> the cassette's own, per side.
_SIDE_KEYS = {
    "request": {"url": ("uri",), "endpoint": ("uri",), "model": ("uri",)},
    "response": {
        "status": ("status", "code"),
        "status_message": ("status", "message"),
        "is_streaming": ("body",),
    },
}


def locate_lines(root: yaml.Node | None, pointers: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for pointer in pointers:
        line = _line(root, split(pointer))
        if line is not None:
            found[pointer] = line
    return found


def _line(root: yaml.Node | None, tokens: tuple[str, ...]) -> int | None:
    if len(tokens) < 2 or tokens[0] != "interactions":
        return None
    interactions = value_node(root, "interactions")
    entry = _item(interactions, tokens[1])
    if entry is None:
        return None
    if len(tokens) == 2:
        return _start(entry)
    side, rest = tokens[2], tokens[3:]
    node = value_node(entry, side)
    if node is None:
        return _start(entry)
    line = _start(_key(entry, side) or node)
    if not rest:
        return line
    head, inside = rest[0], rest[1:]
    if head == "body":
        return _body_line(node, inside, line)
    steps = _SIDE_KEYS.get(side, {}).get(head, (head,))
    key_line = line
    for step in steps:
        key = _key(node, step)
        if key is None:
            return key_line
        key_line, node = _start(key), value_node(node, step)
    return _walk(node, inside, key_line) if head == "headers" else key_line


def _body_line(side: yaml.Node, inside: tuple[str, ...], line: int) -> int:
    parsed = value_node(side, "parsed_body")
    if parsed is not None:
        return _walk(parsed, inside, _start(_key(side, "parsed_body") or parsed))
    body = value_node(side, "body")
    if body is None:
        return line
    line = _start(_key(side, "body") or body)
    string = value_node(body, "string")
    if string is not None:
        body, line = string, _start(string)
    if not isinstance(body, yaml.ScalarNode):
        return line
    if body.style == "|" and inside and inside[0].isdigit():
        return body.start_mark.line + 2 + int(inside[0])  # the block's content starts below
    return body.start_mark.line + 1


def _walk(node: Any, tokens: tuple[str, ...], line: int) -> int:
    """The line of the deepest node `tokens` reach from `node` (at `line`)."""
    for token in tokens:
        if isinstance(node, yaml.MappingNode):
            key = _key(node, token)
            if key is None:
                return line
            line, node = _start(key), value_node(node, token)
        elif isinstance(node, yaml.SequenceNode):
            node = _item(node, token)
            if node is None:
                return line
            line = _start(node)
        else:
            return line
    return line


def _key(node: Any, name: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == name:
                return key
    return None


def value_node(node: Any, name: str) -> Any:
    """The value node of the key `name` in a mapping node; None if there is none."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == name:
                return value
    return None


def _item(node: Any, token: str) -> Any:
    if isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
        return node.value[int(token)]
    return None


def _start(node: yaml.Node) -> int:
    return node.start_mark.line + 1
