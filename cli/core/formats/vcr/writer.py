"""Write the edits made to a VCR cassette's interactions back into its YAML text, surgically.

Rules:
- Each interaction's edited value (the contract's request/response dicts) is compared
  with the value read from the file, and every difference becomes an edit of the YAML
  text (`yaml_text.apply_edits`), which rewrites only the changed scalars, each in its
  own style, and deletes only the deleted entries:
  - `method`, `url` (the `uri`), `status` and `status_message` (`status.code`,
    `status.message`);
  - headers: a changed value of a header's list, a header deleted; a `!!binary` value
    stays bytes;
  - bodies: re-encoded in the form they were recorded in (`bodies_out`), or, for
    pydantic-ai's `parsed_body`, edited as YAML, leaf by leaf.
- After a body changes, each `content-length` value of its side that agreed with the
  body before (`bodies_out.wire_length`; for `parsed_body` the length of
  `json.dumps(parsed_body)`) is set to the new length, in the text and in the
  interaction's value.
- What YAML can't take without a new node (a header or key added, a list grown, a
  scalar become a mapping) and a body that can't go back in its form are refused with
  a one-line `WriteError`: nothing is written.
- The result is checked by `format.dump`: the new text, read again, must give exactly the
  edited interactions (the derived `endpoint` and URL model included), or nothing is
  written.
- Only UTF-8 text is rewritten (every recorder writes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli.core.equality import same_value
from cli.core.formats.vcr import bodies_out
from cli.core.formats.vcr.cassette import header
from cli.core.formats.vcr.yaml_text import Delete, Replace, YamlEditError, apply_edits, pointer
from cli.core.model import Interaction
from cli.core.wire.body import Body
from cli.core.wire.json_text import JsonTextError
from cli.errors import WriteError

Key = str | int
Edit = Replace | Delete
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Read:
    """A cassette as read from its bytes, untouched by any edit."""

    value: dict[str, Any]  # the YAML value
    interactions: list[Interaction]
    bodies: list[tuple[Body, Body]]  # (request, response) of each interaction


class _Refused(Exception):
    """An edit the YAML can't take; the message says which, `where` where."""

    def __init__(self, message: str, where: tuple[Key, ...]) -> None:
        super().__init__(message)
        self.where = where


def write(raw: bytes, path: Path, read: Read, edited: list[dict[str, Any]]) -> bytes:
    """The file's bytes with `edited` (one value per interaction) written back."""
    edits: list[Edit] = []
    try:
        for index, (old, new) in enumerate(zip(read.interactions, edited, strict=True)):
            recorded = read.value["interactions"][index]
            edits += _interaction(index, recorded, old.data, new, read.bodies[index])
    except _Refused as exc:
        raise WriteError(f"{pointer(exc.where)}: {exc}; nothing was written", path) from None
    if not edits:
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WriteError("is not UTF-8 YAML, which can't be rewritten", path) from None
    try:
        new_raw = apply_edits(text, edits).encode("utf-8")
    except YamlEditError as exc:
        raise WriteError(f"can't be rewritten in its own style: {exc}", path) from None
    return new_raw


def _interaction(
    index: int,
    recorded: dict[str, Any],
    old: dict[str, Any],
    new: dict[str, Any],
    bodies: tuple[Body, Body],
) -> list[Edit]:
    base: tuple[Key, ...] = ("interactions", index)
    out: list[Edit] = []
    for side, body in zip(("request", "response"), bodies, strict=True):
        before, after, held = old[side], new.get(side), recorded[side]
        where = (*base, side)
        if not isinstance(after, dict):
            raise _Refused(f"the {side} is no longer a mapping", where)
        if side == "request":
            out += _scalar(where, held, "method", before.get("method"), after.get("method"))
            out += _scalar(where, held, "uri", before.get("url"), after.get("url"))
        else:
            out += _status(where, held, before, after)
        lengths = _body(where, held, body, before, after, out)
        out += _headers(where, held, before.get("headers"), after.get("headers"), lengths)
    return out


def _status(
    where: tuple[Key, ...], held: dict[str, Any], before: dict[str, Any], after: dict[str, Any]
) -> list[Edit]:
    """`status: {code, message}` as VCR.py writes it (a bare `status: 200` has no message)."""
    code = (before.get("status"), after.get("status"))
    message = (before.get("status_message"), after.get("status_message"))
    if isinstance(held.get("status"), dict):
        status = (*where, "status")
        return _scalar(status, held["status"], "code", *code) + _scalar(
            status, held["status"], "message", *message
        )
    return _scalar(where, held, "status", *code) + _scalar(where, held, "message", *message)


def _scalar(where: tuple[Key, ...], held: Any, key: str, old: Any, new: Any) -> list[Edit]:
    if same_value(old, new):
        return []
    if not isinstance(held, dict) or key not in held:
        raise _Refused(f"has no `{key}` to change", where)
    return [Replace((*where, key), new)]


def _body(
    where: tuple[Key, ...],
    held: dict[str, Any],
    body: Body,
    before: dict[str, Any],
    after: dict[str, Any],
    out: list[Edit],
) -> tuple[int, int] | None:
    """Add the edits of a changed body; (old length, new length) when it changed."""
    old, new = before.get("body"), after.get("body")
    if same_value(old, new):
        return None
    if "parsed_body" in held:
        path = (*where, "parsed_body")
        out += _leaves(path, held["parsed_body"], old, new)
        return bodies_out.wire_length(old, True), bodies_out.wire_length(new, True)  # type: ignore[return-value]
    recorded, path = held.get("body"), (*where, "body")
    if isinstance(recorded, dict) and "string" in recorded:
        recorded, path = recorded["string"], (*path, "string")
    if not isinstance(recorded, str | bytes):
        raise _Refused("this body was recorded in no form an edit can go back to", path)
    content_type = header(before.get("headers") or {}, "content-type")
    try:
        written = bodies_out.encode(body, recorded, new, content_type)
    except (bodies_out.BodyError, JsonTextError) as exc:
        raise _Refused(f"the edited body can't be written back: {exc}", path) from None
    out.append(Replace(path, written))
    return bodies_out.wire_length(recorded), bodies_out.wire_length(written)  # type: ignore[return-value]


def _leaves(path: tuple[Key, ...], held: Any, old: Any, new: Any) -> list[Edit]:
    """YAML edits that turn `parsed_body` from `old` into `new`, scalar by scalar."""
    if isinstance(old, dict) and isinstance(new, dict) and isinstance(held, dict):
        added = [key for key in new if key not in old]
        if added:
            raise _Refused(f"a key was added ({added[0]!r})", path)
        out: list[Edit] = [Delete((*path, key)) for key in old if key not in new]
        for key in new:
            out += _leaves((*path, key), held.get(key), old[key], new[key])
        return out
    if isinstance(old, list) and isinstance(new, list) and isinstance(held, list):
        if len(old) != len(new):
            raise _Refused("a list changed length", path)
        return [
            edit
            for index, (a, b) in enumerate(zip(old, new, strict=True))
            for edit in _leaves((*path, index), held[index], a, b)
        ]
    if same_value(old, new):
        return []
    if isinstance(old, dict | list) or isinstance(new, dict | list):
        raise _Refused("a value changed between scalar and container", path)
    return [Replace(path, new)]


def _headers(
    where: tuple[Key, ...],
    held: dict[str, Any],
    old: Any,
    new: Any,
    lengths: tuple[int, int] | None,
) -> list[Edit]:
    """Edits for changed and deleted header values, and the `content-length` that follows
    a changed body (set in `new` too)."""
    old, new = old or {}, new or {}
    path = (*where, "headers")
    if not isinstance(new, dict):
        raise _Refused("the headers are no longer a mapping", path)
    recorded = held.get("headers") if isinstance(held.get("headers"), dict) else {}
    if lengths is not None and lengths[0] is not None and lengths[0] != lengths[1]:
        _follow_length(new, str(lengths[0]), str(lengths[1]))
    out: list[Edit] = []
    for name, values in old.items():
        if name not in new:
            out.append(Delete((*path, name)))
            continue
        if same_value(values, new[name]):
            continue
        out += _header_values((*path, name), recorded.get(name), values, new[name])
    added = [name for name in new if name not in old]
    if added:
        raise _Refused(f"a header was added ({added[0]}), which isn't supported", path)
    return out


def _follow_length(headers: dict[str, Any], old: str, new: str) -> None:
    for name, values in headers.items():
        if name.lower() != "content-length":
            continue
        if isinstance(values, list):
            headers[name] = [new if value == old else value for value in values]
        elif values == old:
            headers[name] = new


def _header_values(path: tuple[Key, ...], held: Any, old: Any, new: Any) -> list[Edit]:
    if isinstance(old, list) and isinstance(new, list) and isinstance(held, list):
        if len(old) != len(new):
            raise _Refused("values were added to or removed from a header", path)
        return [
            Replace((*path, index), _like(held[index], value))
            for index, (was, value) in enumerate(zip(old, new, strict=True))
            if not same_value(was, value)
        ]
    if isinstance(old, list) or isinstance(new, list):
        raise _Refused("a header changed between one value and a list", path)
    return [Replace(path, _like(held, new))]


def _like(held: Any, value: Any) -> Any:
    """A header value as the YAML held it: text, or `!!binary` bytes."""
    if isinstance(held, bytes) and isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("latin-1")
    return value
