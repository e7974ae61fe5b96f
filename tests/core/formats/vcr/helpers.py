"""Helpers for the YAML writer tests: scalars with their paths, nodes and spans, and a
comparison that minds types. Independent of the code under test."""

from __future__ import annotations

from collections.abc import Iterator

import yaml

Path = tuple[str | int, ...]


def load(text: str) -> object:
    return yaml.load(text, Loader=yaml.CSafeLoader)


def typed(value: object) -> str:
    """repr minds types (1, 1.0 and True differ), mapping order and bytes."""
    return repr(value)


def scalars(data: object, path: Path = ()) -> Iterator[tuple[Path, object]]:
    """(path, value) of every scalar under `data`, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from scalars(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from scalars(value, (*path, index))
    else:
        yield path, data


def set_path(data: object, path: Path, value: object) -> None:
    *parents, last = path
    for step in parents:
        data = data[step]
    data[last] = value


def nodes_at(text: str, paths: list[Path]) -> list[yaml.Node]:
    """The nodes at `paths`, from one compose of `text`."""
    root = yaml.compose(text.lstrip("\ufeff"), Loader=yaml.CSafeLoader)
    found = []
    for path in paths:
        node = root
        for step in path:
            if isinstance(node, yaml.MappingNode):
                node = [v for k, v in node.value if k.value == step][-1]
            else:
                node = node.value[step]
        found.append(node)
    return found


def node_at(text: str, path: Path) -> yaml.Node:
    return nodes_at(text, [path])[0]


def style(text: str, path: Path) -> tuple[str, str]:
    node = node_at(text, path)
    return node.style or "", node.tag


def outside(text: str, paths: list[Path]) -> list[str]:
    """The text between the scalars at `paths`: what an edit of them must leave alone."""
    bom = len(text) - len(text.lstrip("\ufeff"))
    spans = sorted(
        (node.start_mark.index + bom, node.end_mark.index + bom) for node in nodes_at(text, paths)
    )
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    return pieces


def around(text: str, path: Path) -> tuple[str, str]:
    """The text before the scalar at `path`, and from the token after it on: what stays when
    the scalar is rewritten whole in another style (a block scalar owns its final line
    break, a flow scalar doesn't)."""
    bom = len(text) - len(text.lstrip("\ufeff"))
    node = node_at(text, path)
    return text[: node.start_mark.index + bom], text[node.end_mark.index + bom :].lstrip(" \t\r\n")
