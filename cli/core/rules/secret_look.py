"""What the secret rules' walks with pointers may find in a value, said by one walk
without pointers (K rules, `rules.secrets`).

Rules:
- Every answer is a superset test: it may say yes for nothing, never no where the walks
  with pointers would find something. So it only ever saves work, never hides a finding.
- One walk of the value's distinct strings serves every test: keys (the detector over
  them joined by NUL, a boundary for every key format), URLs with userinfo, a query or a
  fragment, headers objects that name a sensitive header, and the strings under a stream
  text field's name, for keys a stream may split over its chunks (`secrets.may_split`).
- A list of numbers (an embedding) holds no string and is not walked; an SSE `data:`
  line's JSON is walked by its decoded strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cli.core import secrets
from cli.core.secrets.streams import numbers_only
from cli.core.wire.sse_data import payload
from cli.core.wire.sse_data import strings as payload_strings

_URL_TEXT = re.compile(r"://\S*?[@?#]")

# Base64 runs (embeddings, image data) are most of a cassette's text. The detector's
# boundary excludes the whole base64 alphabet (`secrets.key_formats`), so inside a run only its
# first character can start a key: the test keeps a run's head and drops the rest.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{1024,}={0,2}")
_RUN_HEAD = 512


@dataclass(frozen=True)
class Look:
    """What one walk of a value without pointers says may be there (never a false no)."""

    keys: bool  # the detector finds something in its distinct strings
    urls: bool  # a string holds a URL with userinfo, a query or a fragment
    headers: bool  # a `headers` object names a sensitive header
    split: bool  # a stream's text fields may hold a key split over chunks


def look_at(value: Any) -> Look:
    """One walk of the file's distinct strings (joined by NUL: a boundary for every key
    format, so a key in one string is a key in the joined text, and repeated strings, a
    chunk's `__type__`, model and id, are scanned once), its headers objects' names, its
    URLs, and the strings under a stream text field's name (whole: the pieces a stream
    may split a key over). An SSE line's JSON is walked by its decoded strings."""
    found: set[str] = set()
    texts: set[str] = set()
    add, add_text, fields = found.add, texts.add, secrets.STREAM_TEXT_FIELDS
    dicts: list[dict[Any, Any]] = [value] if type(value) is dict else []
    lists: list[list[Any]] = [value] if type(value) is list else []
    lines: list[str] = []  # SSE data lines, read after the walk
    headers = False
    while dicts or lists:  # the hottest loops of validate: plain, with names bound locally
        while dicts:
            for key, child in dicts.pop().items():
                kind = type(child)
                if kind is str:
                    if child.startswith("data:"):
                        lines.append(child)
                    else:
                        add(child)
                        if key in fields:
                            add_text(child)
                elif kind is dict:
                    if not headers and type(key) is str and key.lower() == "headers":
                        headers = any(secrets.is_sensitive_header(str(name)) for name in child)
                    dicts.append(child)
                elif kind is list and not numbers_only(child):  # an embedding: no string
                    lists.append(child)
        while lists:
            for child in lists.pop():
                kind = type(child)
                if kind is str:
                    if child.startswith("data:"):
                        lines.append(child)
                    else:
                        add(child)
                elif kind is dict:
                    dicts.append(child)
                elif kind is list and not numbers_only(child):
                    lists.append(child)
    for line in lines:
        data = payload(line)
        if data is None:
            add(line)
            continue
        for inside, text in payload_strings(data):  # an SSE line's JSON: its strings, decoded
            add(text)
            if inside and inside[-1] in fields:
                add_text(text)
    longest, cut = 2 * _RUN_HEAD, False  # cut: a string's tail is left out of `found`
    for text in [text for text in found if len(text) > longest]:
        head = _head(text)
        if len(head) < len(text):
            found.discard(text)
            found.add(head)
            cut = True
    joined = "\x00".join(found)
    candidate = secrets.has_candidate(joined)  # the texts are among `found`, whole if not cut
    return Look(
        keys=candidate and bool(secrets.find_in_text(joined)),
        urls=_URL_TEXT.search(joined) is not None,
        headers=headers,
        split=bool(texts) and secrets.may_split(texts, checked=not (candidate or cut)),
    )


def may_hold_key(value: Any) -> bool:
    """Whether the detector finds anything in the distinct strings of `value`."""
    return look_at(value).keys


def _head(text: str) -> str:
    """A long string with its trailing base64 run cut to the run's head: a data: URL's
    payload, or an embedding sent as base64."""
    comma = text.find(",", 0, 256) + 1 if text.startswith("data:") else 0
    run = _BASE64_RUN.match(text, comma)
    if run is None or run.end() != len(text):
        return text
    return text[: comma + _RUN_HEAD]
