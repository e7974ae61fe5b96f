"""Surgical edits of YAML text: change scalars and drop mapping entries, touch nothing else.

Reading uses `yaml.load(text, Loader=yaml.CSafeLoader)` and never comes here; this module is
for writing an edit back, and only then composes the text (libyaml, with every node's marks).

    from cli.core.formats.vcr.yaml_text import Delete, Replace, YamlEditError, apply_edits

    new_text = apply_edits(text, [
        Replace(("interactions", 0, "response", "body", "string"), new_body),
        Replace(("interactions", 0, "response", "status", "code"), 404),
        Delete(("interactions", 0, "response", "headers", "Date")),
    ])

- `text` is the file's bytes decoded with `.decode("utf-8")`, not read in text mode, so
  that CRLF line breaks and a byte-order mark survive; encode the result the same way.
- A path is a tuple of mapping keys (str) and sequence indexes (int, from 0).
- `Replace(path, value)`: value is a str, int, float, bool, None or bytes (bytes go into a
  `!!binary` scalar as base64). The scalar keeps its style, indentation, tag and anchor,
  and only the changed part of its text is rewritten (`yaml_patch` says how, and what
  happens when the new value can't be written in the old style).
- `Delete(path)`: removes a mapping entry with its lines; a mapping left empty becomes
  `{}` (`yaml_delete`).
- Promises: no edits, or only edits that set a value to what it already is (same type),
  return `text` unchanged. Otherwise only the edited scalars' text and the deleted
  entries' lines change, and the result loads to the original value with exactly those
  changes, types included. Each call checks that by composing the result; when it doesn't
  hold, or a path leads nowhere, or the text isn't YAML, YamlEditError is raised (one
  line) and nothing is returned.
- An edit and its reverse give back the text byte for byte while the scalar keeps its
  style. Known limits: a value its style can't hold is rewritten whole in PyYAML's style
  (its reverse keeps that style); a changed stretch that spans a fold (a line break that
  stands for a space) joins those lines, and its reverse can't know where the fold was;
  an edit that removes a document's only non-ASCII characters leaves nothing to show
  whether its writer escapes them, and the reverse escapes them as PyYAML does by
  default.
- Cost: two composes (before and after) and work proportional to the edited scalars: a
  few milliseconds for a typical cassette.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cli.core import pointer as json_pointer
from cli.core.formats.vcr.yaml_delete import delete_entries
from cli.core.formats.vcr.yaml_emit import Place
from cli.core.formats.vcr.yaml_errors import YamlEditError
from cli.core.formats.vcr.yaml_patch import STR, Splice, replace_scalar

__all__ = ["Delete", "Replace", "YamlEditError", "apply_edits"]

Key = str | int
ScalarValue = str | int | float | bool | bytes | None
# A value is shared (and an edit through it would change two places) only if the text has
# an anchor `&name` and an alias `*name`, each after a blank, an indicator or a line start.
_ANCHOR = re.compile(r"(?:^|[ \t\[{,?:-])&[^ \t\r\n,\[\]{}]", re.MULTILINE)
_ALIAS = re.compile(r"(?:^|[ \t\[{,?:-])\*[^ \t\r\n,\[\]{}]", re.MULTILINE)
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Replace:
    """Set the scalar at `path` to `value`."""

    path: tuple[Key, ...]
    value: ScalarValue


@dataclass(frozen=True)
class Delete:
    """Remove the mapping entry at `path` (its last element is the key)."""

    path: tuple[Key, ...]


def pointer(path: Iterable[Key]) -> str:
    """A path as a JSON pointer, for messages: ("a", 0, "b/c") -> /a/0/b~1c."""
    return json_pointer.join(path) or "/"


@dataclass(frozen=True)
class _Located:
    node: Node
    chain: tuple[Node, ...]  # every node from the root to `node`, both included
    key: Node | None  # the key node whose value `node` is, if any
    place: Place


def _locate(root: Node, path: tuple[Key, ...], newline: str, unicode: bool) -> _Located:
    node, chain, key, parent_indent, flow = root, [root], None, -1, False
    for depth, step in enumerate(path):
        where = pointer(path[:depth])
        if isinstance(node, MappingNode):
            if not isinstance(step, str):
                raise YamlEditError(f"{where} is a mapping: {step!r} is not a key")
            if any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value):
                raise YamlEditError(f"{where} uses a YAML merge key (<<), which isn't supported")
            found = [(k, v) for k, v in node.value if k.tag == STR and k.value == step]
            if not found:
                raise YamlEditError(f"{where} has no key {step!r}")
            key, child = found[-1]  # with duplicate keys, the loader keeps the last
            if not node.flow_style:
                parent_indent = key.start_mark.column
        elif isinstance(node, SequenceNode):
            if isinstance(step, bool) or not isinstance(step, int):
                raise YamlEditError(f"{where} is a sequence: {step!r} is not an index")
            if not 0 <= step < len(node.value):
                raise YamlEditError(f"{where} has no item {step} (it has {len(node.value)})")
            key, child = None, node.value[step]
            if not node.flow_style:
                parent_indent = node.start_mark.column
        else:
            raise YamlEditError(f"{where} is a scalar: it has no {step!r}")
        flow = flow or bool(node.flow_style)
        node = child
        chain.append(node)
    place = Place(parent_indent, flow, node.start_mark.column, newline, unicode)
    return _Located(node, tuple(chain), key, place)


def _shared(root: Node) -> set[int]:
    """ids of the nodes reachable twice (through an anchor and its aliases)."""
    seen, shared, todo = set(), set(), [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            todo.extend(part for pair in node.value for part in pair)
        elif isinstance(node, SequenceNode):
            todo.extend(node.value)
    return shared


def _subtree(node: Node) -> list[Node]:
    nodes, todo = [], [node]
    while todo:
        node = todo.pop()
        nodes.append(node)
        if isinstance(node, MappingNode):
            todo.extend(part for pair in node.value for part in pair)
        elif isinstance(node, SequenceNode):
            todo.extend(node.value)
    return nodes


def _same(a: object, b: object) -> bool:
    """Deep equality that also compares types (1 != 1.0 != True) and mapping order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            _same(ka, kb) and _same(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b  # NaN
    return a == b


def _compose(body: str) -> tuple[yaml.CSafeLoader, Node]:
    loader = yaml.CSafeLoader(body)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = ", ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlEditError(f"not valid YAML{where}: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlEditError("not valid YAML: " + " ".join(str(exc).split())) from None
    if root is None:
        raise YamlEditError("the text holds no YAML document")
    return loader, root


def apply_edits(text: str, edits: Iterable[Replace | Delete]) -> str:
    """`text` with `edits` applied, see the module docstring."""
    edits = list(edits)
    if not edits:
        return text
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]  # libyaml's marks don't count a byte-order mark
    loader, root = _compose(body)
    try:
        return bom + _apply(body, loader, root, edits)
    finally:
        loader.dispose()


@dataclass(frozen=True)
class _Context:
    body: str
    loader: yaml.CSafeLoader
    root: Node
    newline: str  # the document's line break, for new lines
    unicode: bool  # does the document write non-ASCII characters as they are?
    shared: set[int]  # ids of nodes reachable through an alias


def _apply(body: str, loader: yaml.CSafeLoader, root: Node, edits: list) -> str:
    match = _NEWLINE.search(body)
    aliased = "&" in body and "*" in body and _ANCHOR.search(body) and _ALIAS.search(body)
    context = _Context(
        body,
        loader,
        root,
        newline=match.group() if match else "\n",
        unicode=not body.isascii(),
        shared=_shared(root) if aliased else set(),
    )
    splices, done, deletes, expected = [], set(), {}, _Expected({}, set())
    for edit in edits:
        if not isinstance(edit, Replace | Delete):
            raise YamlEditError(f"not an edit: {edit!r}")
        path = tuple(edit.path)
        if path in done:
            raise YamlEditError(f"{pointer(path)} is edited twice")
        done.add(path)
        if isinstance(edit, Delete):
            _plan_delete(context, path, deletes, expected)
        else:
            splices.extend(_replace(context, path, _normal(edit.value), expected))
    for parent, owner, indexes in deletes.values():
        splices.extend(delete_entries(body, parent, indexes, owner))
    if not splices:
        return body
    new_body = _join(body, splices)
    _check(root, new_body, expected)
    return new_body


def _replace(context: _Context, path: tuple, value: object, expected: _Expected) -> list:
    """The splice for one Replace (none if the value is already there)."""
    found = _locate(context.root, path, context.newline, context.unicode)
    if not isinstance(found.node, ScalarNode):
        kind = "mapping" if isinstance(found.node, MappingNode) else "sequence"
        raise YamlEditError(f"{pointer(path)} is a {kind}, not a scalar")
    if any(id(n) in context.shared for n in found.chain):
        raise YamlEditError(f"{pointer(path)} is shared through a YAML alias")
    try:
        old = context.loader.construct_object(found.node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:  # an unknown tag, `!!int x`, bad base64
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
        raise YamlEditError(f"{pointer(path)}: cannot read its value ({problem})") from None
    if _same(old, value):
        return []
    try:
        splice = replace_scalar(context.body, found.node, found.place, value)
    except YamlEditError as exc:
        raise YamlEditError(f"{pointer(path)}: {exc}") from None
    if splice is None:
        return []
    expected.values[id(found.node)] = value
    return [splice]


def _plan_delete(context: _Context, path: tuple, deletes: dict, expected: _Expected) -> None:
    """Note a Delete: deletes of one mapping are made together (all of them: `{}`)."""
    if not path:
        raise YamlEditError("cannot delete the document root")
    found = _locate(context.root, path, context.newline, context.unicode)
    parent = found.chain[-2]
    if not isinstance(parent, MappingNode):
        raise YamlEditError(f"{pointer(path)} is a sequence item, not a mapping entry")
    if any(id(n) in context.shared for n in found.chain[:-1] + tuple(_subtree(found.node))):
        raise YamlEditError(f"{pointer(path)} is shared through a YAML alias")
    index = next(i for i, (k, _) in enumerate(parent.value) if k is found.key)
    owner = _locate(context.root, path[:-1], context.newline, context.unicode).key
    deletes.setdefault(id(parent), (parent, owner, set()))[2].add(index)
    expected.deleted.add(id(found.key))


def _normal(value: object) -> object:
    return bytes(value) if isinstance(value, bytearray) else value


def _join(body: str, splices: list[Splice]) -> str:
    parts, position = [], 0
    for splice in sorted(splices, key=lambda s: (s.start, s.end)):
        if splice.start < position:
            raise YamlEditError("two edits overlap (a value inside a deleted entry?)")
        parts += [body[position : splice.start], splice.text]
        position = splice.end
    parts.append(body[position:])
    return "".join(parts)


@dataclass(frozen=True)
class _Expected:
    values: dict[int, object]  # id of an original scalar node -> the value it must now load as
    deleted: set[int]  # ids of the key nodes whose entries must be gone


def _check(root: Node, new_body: str, expected: _Expected) -> None:
    """The result must load to the original value with exactly the edits made. Comparing
    node trees (tag and text of every scalar) is stricter than comparing loaded values
    and cheaper: only the edited scalars are constructed."""
    try:
        new_root = yaml.compose(new_body, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        raise YamlEditError("the edited text would not load; nothing was changed") from None
    if not _same_tree(root, new_root, expected, SafeConstructor()):
        raise YamlEditError("the edit would change more than the edited values; nothing changed")


def _same_tree(old: Node, new: Node, expected: _Expected, constructor: SafeConstructor) -> bool:
    """Same structure, tags and scalar text, but for the edited scalars (which must construct
    to their new values) and the deleted entries (which must be gone)."""
    todo, seen = [(old, new)], set()
    while todo:
        a, b = todo.pop()
        if id(a) in expected.values:
            value = expected.values[id(a)]
            if not isinstance(b, ScalarNode):
                return False
            try:
                if not _same(constructor.construct_object(b), value):
                    return False
            except (yaml.YAMLError, ValueError):
                return False
            continue
        if a.__class__ is not b.__class__ or a.tag != b.tag:
            return False
        if a.__class__ is ScalarNode:
            if a.value != b.value:
                return False
            continue
        if (id(a), id(b)) in seen:  # a shared node, compared once
            continue
        seen.add((id(a), id(b)))
        if a.__class__ is SequenceNode:
            kept, now = a.value, b.value
        else:
            gone = expected.deleted
            kept = [part for pair in a.value if id(pair[0]) not in gone for part in pair]
            now = [part for pair in b.value for part in pair]
        if len(kept) != len(now):
            return False
        todo.extend(zip(kept, now, strict=True))
    return True
