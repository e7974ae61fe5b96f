"""Scrub secrets out of one cassette, as an edit of the edit pipeline.

Rules:
- Headers: every object held under a `headers` key at any depth (request, response,
  Gemini's `sdk_http_response.headers`) is judged by name, case-insensitively
  (`secrets.is_sensitive_header`, plus `headers`, minus `keep_headers`). A sensitive value
  becomes what `secrets.redact_header` gives (`<REDACTED:header>`; a SigV4 authorization
  keeps its structure; a placeholder such as `AUTHORIZATION-XXX` stays); with
  `remove_headers` the header is deleted instead. A list of values is judged value by
  value.
- URLs: in every URL inside any string, and in `request.url` (placeholders such as
  `__databricks__/...` have no scheme), userinfo and credential parameters are redacted
  (`secrets.redact_url`), and hosts matching a `hosts` glob are rewritten.
- Form-encoded bodies (a request or response body that is a whole `name=value&...`
  string): credential fields are redacted (`secrets.redact_form`).
- Text: every string of the document is scanned with the detector `validate` uses, plus
  `patterns` and `literals`; an SSE `data:` line's JSON by its decoded strings, each
  written back into the line at its own span (`sse_data.DataLine`). In XML text (an AWS
  STS answer) a marker is written `&lt;REDACTED:kind&gt;`, so the body still parses.
- Streams: a model writes a key token by token, so the text fields of a stream
  (`delta.content`, tool-call `arguments`, Ollama `response`, SSE events...) are scanned
  joined per choice: a key split over chunks gets its marker in the chunk where it starts,
  and its other pieces are cut out.
- Idempotent: markers never match, no new host matches an old one, and each string is
  scrubbed until nothing more changes, so scrubbing scrubbed output changes nothing.
- Fast where there is nothing to do, the common case: a quick look (a bare walk, then one
  scan of the file's distinct strings joined) decides whether the walk that tracks JSON
  pointers is needed at all; it may say yes in vain, never no in vain.
- A `Change` names the pointer, the kind and the masked value; the value itself goes only
  into `Change.secret`, which nothing prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import partial
from typing import Any

from cli.core import secrets
from cli.core.edit.pipeline import Change
from cli.core.edit.scrub_streams import found, scrub_joined
from cli.core.pointer import escape
from cli.core.pointer import join as pointer
from cli.core.secrets.streams import Slot, Tokens, numbers_only, stream_fields
from cli.core.wire.sse_data import DataLine, payload
from cli.core.wire.sse_data import strings as payload_strings

HEADER_KIND = secrets.HEADER_KIND
_BODIES = (("request", "body"), ("response", "body"))


@dataclass(frozen=True)
class ScrubOptions:
    """What to scrub besides the defaults. Plain tuples, so that it pickles."""

    headers: tuple[str, ...] = ()  # more sensitive header names or globs
    keep_headers: tuple[str, ...] = ()  # names or globs never touched
    remove_headers: bool = False  # delete sensitive headers instead of redacting them
    hosts: tuple[tuple[str, str], ...] = ()  # (host glob, replacement)
    patterns: tuple[secrets.ExtraPattern, ...] = ()  # regex, or (kind, regex)
    literals: tuple[str, ...] = ()  # exact values


def scrub(data: dict[str, Any], *, options: ScrubOptions = ScrubOptions()) -> list[Change]:
    """Redact every secret in one cassette's JSON value, in place."""
    changes: list[Change] = []
    joined = stream_fields(data)
    try:
        need = _needs_scrub(data, options)
    except RecursionError:  # absurdly deep nesting: take the long way, which doesn't recurse
        need = _Need(headers=True, strings=True)
    rescan = partial(_rescan, options=options, changes=changes)
    # Streams first: a key split so that its first chunk alone looks like a whole key is
    # cut whole here; the string pass would redact only that head, leaving its tail.
    for slots in joined:
        scrub_joined(slots, options.patterns, options.literals, changes, rescan)
    if need.headers:
        _scrub_headers(data, options, changes)
    if need.strings:
        for parent, key, path in _string_slots(data):
            _scrub_string(parent, key, path, options, changes)
        for slots in joined:  # a key that stands at a boundary once its neighbour is cut
            scrub_joined(slots, options.patterns, options.literals, changes, rescan)
    return changes


# The quick look costs a fraction of the walk that tracks pointers, itself cheaper than
# scanning each string alone.
_BASE64 = re.compile(r"(?:data:[\w/+.-]*;base64,)?[A-Za-z0-9+/\r\n]*={0,2}")
_LONG = 1024
_HEAD = 128  # in base64 a key could only start at the run's start (no boundary inside)


@dataclass
class _Need:
    """What the quick look says needs scrubbing: sensitive headers; strings (a URL, a form
    body, or text the detector may find something in). Never a false no."""

    headers: bool = False
    strings: bool = False


def _needs_scrub(data: dict[str, Any], options: ScrubOptions) -> _Need:
    """What scrubbing `data`, streams aside, may change (see `_Need`)."""
    need = _Need()
    request = data.get("request")
    url = request.get("url") if isinstance(request, dict) else None
    if isinstance(url, str) and _url_needs_scrub(url, options):
        need.strings = True
    for side, key in _BODIES:
        body = data.get(side, {}).get(key) if isinstance(data.get(side), dict) else None
        if isinstance(body, str) and secrets.form_secrets(body):
            need.strings = True
    texts: set[str] = set()  # a stream repeats its id and model in every chunk
    shortest = min((len(literal) for literal in options.literals), default=secrets.SHORTEST_MATCH)
    if options.patterns:
        shortest = 1  # a user's regex may match anything, base64 included
    _gather(data, options, texts, min(shortest, secrets.SHORTEST_MATCH), need)
    if need.strings:
        return need
    # A user's regex runs on each string alone: joined, `^` or `$` would mean something else.
    regexes = [re.compile(p[1] if isinstance(p, tuple) else p) for p in options.patterns]
    need.strings = secrets.may_hold_secrets("\n".join(texts), options.literals) or any(
        regex.search(text) for regex in regexes for text in texts
    )
    return need


def _gather(value: Any, options: ScrubOptions, texts: set[str], shortest: int, need: _Need) -> None:
    """Add the strings worth scanning to `texts`, and note in `need` a header or URL that
    needs scrubbing; stop once both are noted. (The hottest walk of `scrub --check`: the
    checks are inlined, and a list's keys are its indexes, never "headers".)"""
    if need.headers and need.strings:
        return
    for key, child in value.items() if type(value) is dict else enumerate(value):
        kind = type(child)
        if kind is str:
            if child.startswith("data:"):
                parsed = payload(child)
                if parsed is not None:  # an SSE line's JSON: its strings, decoded
                    _gather(parsed, options, texts, shortest, need)
                    continue
            if (
                not need.strings
                and "://" in child
                and (options.hosts or "@" in child or "?" in child or "#" in child)
                and any(_url_needs_scrub(child[s:e], options) for s, e in secrets.find_urls(child))
            ):
                need.strings = True
            if len(child) >= shortest:
                if (
                    len(child) > _LONG
                    and not (options.literals or options.patterns)
                    and _BASE64.fullmatch(child)
                ):
                    child = child[:_HEAD]
                texts.add(child)
        elif kind is dict:
            if (
                not need.headers
                and type(key) is str
                and key.lower() == "headers"
                and _headers_need_scrub(child, options)
            ):
                need.headers = True
            if child:
                _gather(child, options, texts, shortest, need)
        elif kind is list and child and not numbers_only(child):
            _gather(child, options, texts, shortest, need)


def _url_needs_scrub(url: str, options: ScrubOptions) -> bool:
    return bool(secrets.url_secrets(url)) or _host_change(url, options.hosts) is not None


def _headers_need_scrub(headers: dict[str, Any], options: ScrubOptions) -> bool:
    return any(
        value is not None
        and secrets.is_sensitive_header(str(name), options.headers, options.keep_headers)
        and (options.remove_headers or _redact_header_value(str(name), value) != value)
        for name, value in headers.items()
    )


# headers -------------------------------------------------------------------


def _scrub_headers(data: dict[str, Any], options: ScrubOptions, changes: list[Change]) -> None:
    for at, headers in list(secrets.iter_headers(data)):
        for name in list(headers):
            value = headers[name]
            if value is None or not secrets.is_sensitive_header(
                str(name), options.headers, options.keep_headers
            ):
                continue
            where = f"{at}/{escape(str(name))}"
            # a repeated header (Set-Cookie) is a list of values, each its own secret
            items = (
                [(f"{where}/{i}", item) for i, item in enumerate(value)]
                if isinstance(value, list)
                else [(where, value)]
            )
            if options.remove_headers:
                del headers[name]
                for item_pointer, item in items or [(where, "")]:
                    changes.append(found(item_pointer, "header removed:", str(item)))
                continue
            redacted = _redact_header_value(str(name), value)
            if redacted != value:
                headers[name] = redacted
                for item_pointer, item in items:
                    if _redact_header_value(str(name), item) != item:
                        changes.append(found(item_pointer, HEADER_KIND, str(item)))


def _redact_header_value(name: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_redact_header_value(name, item) for item in value]
    if isinstance(value, str):
        return secrets.redact_header(name, value)
    return secrets.marker(HEADER_KIND)


# strings -------------------------------------------------------------------


def _string_slots(data: Any) -> Iterator[Slot]:
    """(container, key, path) of every string, in document order; the strings of an SSE
    line's JSON through the line (`DataLine`)."""
    stack: list[tuple[Any, Any, Tokens]] = [(None, data, ())]
    while stack:
        parent, item, path = stack.pop()
        if isinstance(item, str):
            value = payload(item) if item.startswith("data:") and type(parent) is list else None
            if value is None:
                yield parent, path[-1], path
                continue
            line = DataLine(parent, path[-1])
            for inside, _ in list(payload_strings(value)):
                yield line, inside, (*path, *inside)
            continue
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        stack.extend(
            (item, child, (*path, key))
            for key, child in reversed(list(pairs))
            if isinstance(child, (str, dict, list))
        )


def _scrub_string(
    parent: Any, key: Any, path: Tokens, options: ScrubOptions, changes: list[Change]
) -> None:
    """URLs, then keys, again until nothing changes: a redacted key can uncover a URL (a
    webhook URL run into another one), and text is only ever replaced by markers, so this
    ends."""
    text = original = parent[key]
    if path in _BODIES:
        for part, value in secrets.form_secrets(text):
            changes.append(found(pointer(path), f"form field {part.split(':', 1)[1]}", value))
        text, _ = secrets.redact_form(text)
    for _ in range(8):
        before = text
        if "://" in text:
            pieces, position = [], 0
            for start, end in secrets.find_urls(text):
                pieces += [
                    text[position:start],
                    _scrub_url(text[start:end], path, options, changes),
                ]
                position = end
            text = "".join(pieces) + text[position:]
        elif path == ("request", "url"):  # a placeholder: `__databricks__/...?key=...`
            text = _scrub_url(text, path, options, changes)
        text, matches = secrets.redact_text(text, options.patterns, options.literals)
        changes.extend(found(pointer(path), match.kind, match.value) for match in matches)
        if text == before:
            break
    if text != original:
        parent[key] = _xml_safe(original, text) if _XML.match(original) else text


_XML = re.compile(r"\s*<(?:\?xml|[A-Za-z][\w:.-]*[\s>/])")


def _xml_safe(original: str, text: str) -> str:
    """Markers in XML text written as escaped text (`&lt;REDACTED:kind&gt;`), so that the
    document still parses; markers the original already held stay as they were."""
    old = set(secrets.MARKER_PATTERN.findall(original))
    return secrets.MARKER_PATTERN.sub(
        lambda m: m.group() if m.group() in old else f"&lt;{m.group()[1:-1]}&gt;", text
    )


def _rescan(slot: Slot, *, options: ScrubOptions, changes: list[Change]) -> None:
    _scrub_string(*slot, options, changes)


# URLs ----------------------------------------------------------------------


def _scrub_url(url: str, path: Tokens, options: ScrubOptions, changes: list[Change]) -> str:
    credentials = secrets.url_secrets(url)
    if credentials:
        url, _ = secrets.redact_url(url)
        for part, value in credentials:
            changes.append(found(pointer(path), f"url-{part}", value))
    host = _host_change(url, options.hosts)
    if host is not None:
        start, end, new = host
        where = pointer(path)
        changes.append(
            Change(where, f"{where}: host {secrets.mask(url[start:end])} -> {new}", url[start:end])
        )
        url = url[:start] + new + url[end:]
    return url


def _host_change(url: str, hosts: tuple[tuple[str, str], ...]) -> tuple[int, int, str] | None:
    """(start, end, new host) if the URL's host matches a rewrite; its port stays."""
    span = secrets.host_span(url) if hosts else None
    if span is None:
        return None
    host = url[span[0] : span[1]].lower()
    for old, new in hosts:
        if host != new.lower() and fnmatchcase(host, old.lower()):
            return span[0], span[1], new
    return None
