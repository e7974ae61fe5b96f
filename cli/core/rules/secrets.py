"""Secret rules (K): credentials that must not be committed, found by the shared detector.

Rules:
- Detection is `cli.core.secrets`, the same code `scrub` redacts with, so whatever
  validate reports, scrub removes, and a scrubbed file validates clean (redaction
  markers never match).
- Headers: every object under a key named `headers`, at any depth and in any case
  (`/request/headers`, Gemini's `.../sdk_http_response/headers`), judged by header name;
  a value is a finding when scrub would change it (`secrets.redact_header`: not a
  placeholder such as `AUTHORIZATION-XXX`; in a SigV4 `Authorization`, the key id and
  signature). A list of values (a repeated header) is judged value by value. A header
  that only names the account or a CDN session (`secrets.identifies_only`) is K005,
  info: no credential, though scrub removes it too.
- Form-encoded bodies: a request or response body that is a whole `name=value&...`
  string, judged by its credential fields (K004).
- URLs: the request's `url` (even a placeholder such as `__databricks__/...`) and every
  other string that is a URL (image URLs, links in bodies), judged by its userinfo and
  its credential parameters.
- Bodies: every string of the file (an SSE `data:` line's JSON by its decoded strings),
  against the table of provider key formats; and the
  text a stream splits over its chunks, joined per field and choice
  (`secrets.split_secrets`, as `scrub` joins it): a key written token by token is
  reported at the chunk where it starts.
- One string is reported once: a header or URL finding is not repeated as a key format.
- A file read whole is first walked once without pointers (`secret_look`): headers, URLs,
  keys and split keys that walk rules out are not looked for again with pointers.
- A big file (read a part at a time) is walked without its body, then its body's items
  in batches, in one pass: each item with its own `/response/body/<i>` pointer.
- Messages show a secret only through `secrets.mask`.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from cli.core import secrets
from cli.core.pointer import escape
from cli.core.pointer import join as join_pointer
from cli.core.rules.base import ERROR, INFO, Context, Rule
from cli.core.rules.secret_look import Look, look_at, may_hold_key

T = TypeVar("T")

_LEAK = "anyone who can read the repository can use it"
RULES = (
    Rule(
        "K001",
        "credential-header",
        ERROR,
        "A request or response header that carries credentials (`Authorization`, "
        "`x-api-key`, `Cookie`, `*-token`...) has a value.",
        why=_LEAK,
    ),
    Rule(
        "K002",
        "credential-in-url",
        ERROR,
        "A URL carries credentials: a password in its userinfo, or a `key`/`token`-like "
        "query or fragment parameter.",
        why=_LEAK,
    ),
    Rule(
        "K003",
        "provider-key",
        ERROR,
        "A string holds a provider key or token (OpenAI, Anthropic, Google, AWS, GitHub, "
        "Hugging Face, JWT, private key...).",
        why=_LEAK,
    ),
    Rule(
        "K004",
        "credential-in-form",
        ERROR,
        "A form-encoded body carries a credential field (`client_secret`, `refresh_token`, "
        "`assertion`, `password`...).",
        why=_LEAK,
    ),
    Rule(
        "K005",
        "identifying-header",
        INFO,
        "A header that names the account that recorded (`openai-organization`, "
        "`openai-project`, `anthropic-organization-id`) or a CDN's session cookie "
        "(`__cf_bm`, `_cfuvid`, `AWSALB`) has a value: no credential, but scrub removes it.",
    ),
)

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+\Z")
_MAX_URL = 8192  # longer strings are data (a data: URL is not scheme://)

_BATCH = 1024  # a big file's items per detector scan


def check(ctx: Context) -> None:
    done: set[str] = set()
    whole = ctx.items_reader is None  # read whole: `data` holds the body
    # A file read whole is walked once without pointers first: what that walk rules out
    # is not looked for with pointers. A big file's head and tail are always looked at.
    look = look_at(ctx.data) if whole else None
    headers = ctx.wants("K001", "K005") and (look is None or look.headers)
    if headers:
        _headers(ctx, "", ctx.data, done)
    if ctx.wants("K002") and isinstance(ctx.interaction.request.get("url"), str):
        # The request's own URL may be a placeholder with no scheme: always judged.
        _url(ctx, "/request/url", ctx.interaction.request["url"], done)
    if ctx.wants("K004"):
        _forms(ctx, done)
    keys = ctx.wants("K003")
    urls = ctx.wants("K002") and (look is None or look.urls)
    if look is not None:
        # Keys split over chunks first: a chunk that holds only their head is not
        # reported again on its own.
        heads: set[tuple[str, int, int]] = set()
        if keys and look.split:  # a quick test on the stream's text fields (may_split)
            for slots in secrets.stream_fields(ctx.data):
                pieces = [(path, parent[key]) for parent, key, path in slots]
                heads |= _split_keys(ctx, pieces)
        _strings(ctx, [("", ctx.data)], urls, done, heads, look=look)
        return
    _strings(ctx, [("", ctx.data)], urls, done)
    # A big file: its stream's text is gathered as the batches go by, and judged for keys
    # at the end, split keys first, as a whole read judges it.
    texts = secrets.StreamTexts()
    for batch in _batches(enumerate(ctx.body)):
        located = [pointed for _, pointed in batch]
        if headers:
            for pointer, item in located:
                _headers(ctx, pointer, item, done)
        later: set[str] = set()
        if keys:
            for position, (_, item) in batch:
                later.update(_pointer(position, inside) for inside in texts.add(position, item))
        _strings(ctx, located, urls, done, later=later)
    if keys:
        heads: set[tuple[str, int, int]] = set()
        for pieces in texts.spread():
            located_pieces = [((*_BODY, at, *inside), text) for at, inside, text in pieces]
            heads |= _split_keys(ctx, located_pieces)
        for pieces in texts.groups.values():
            for at, inside, text in pieces:
                pointer = _pointer(at, inside)
                if pointer not in done and secrets.has_candidate(text):
                    _keys(ctx, pointer, text, heads)


_BODY = ("response", "body")


def _pointer(position: int, inside: tuple[Any, ...]) -> str:
    return join_pointer((*_BODY, position, *inside))


def _batches(located: Iterable[T]) -> Iterator[list[T]]:
    items = iter(located)
    while batch := list(islice(items, _BATCH)):
        yield batch


def _strings(
    ctx: Context,
    parts: list[tuple[str, Any]],
    urls: bool,
    done: set[str],
    heads: Container[tuple[str, int, int]] = (),
    later: Container[str] = (),
    look: Look | None = None,
) -> None:
    """K002 and K003 on every string of each (pointer, value) part; `heads` are spans
    (pointer, start, end) already reported as part of a key split over chunks; the
    strings at `later` pointers are judged for keys later (a big file's stream text)."""
    keys = ctx.wants("K003") and (
        look.keys if look else may_hold_key([value for _, value in parts])
    )
    if not (urls or keys):
        return
    for where, value in parts:
        for pointer, text in secrets.iter_strings(value, where):
            if pointer in done:
                continue
            if urls and len(text) < _MAX_URL and "://" in text and _URL.match(text):
                _url(ctx, pointer, text, done)
                if pointer in done:
                    continue
            if keys and pointer not in later:
                _keys(ctx, pointer, text, heads)


def _url(ctx: Context, pointer: str, url: str, done: set[str]) -> None:
    for part, value in secrets.url_secrets(url):
        done.add(pointer)
        ctx.report(
            "K002",
            pointer,
            f"the URL's {_describe(part)} holds a credential ({secrets.mask(value)})",
            fix="run cassette scrub",
        )


def _forms(ctx: Context, done: set[str]) -> None:
    """K004 on a form-encoded request or response body."""
    for side in ("request", "response"):
        body = ctx.data.get(side, {}).get("body") if isinstance(ctx.data.get(side), dict) else None
        if not isinstance(body, str):
            continue
        pointer = f"/{side}/body"
        for part, value in secrets.form_secrets(body):
            done.add(pointer)
            ctx.report(
                "K004",
                pointer,
                f"the form field {part.split(':', 1)[1]} holds a credential "
                f"({secrets.mask(value)})",
                fix="run cassette scrub",
            )


def _headers(ctx: Context, at: str, root: Any, done: set[str]) -> None:
    """K001 (or K005) on the headers objects in `root`, whose pointer is `at`."""
    for where, headers in secrets.iter_headers(root, at):
        for name, value in headers.items():
            if not secrets.is_sensitive_header(str(name)):
                continue
            leaked = _leaked(str(name), value)
            if not leaked:
                continue
            pointer = f"{where}/{escape(str(name))}"
            done.add(pointer)
            if isinstance(value, list):  # its values are reported here, not one by one
                done.update(f"{pointer}/{index}" for index in range(len(value)))
            shown = _mask_header(", ".join(leaked))
            if not secrets.identifies_only(str(name), leaked):
                found = ("K001", f"header {name} holds a credential ({shown})")
            elif "cookie" in str(name).lower():
                found = ("K005", f"header {name} holds only CDN session cookies ({shown})")
            else:
                found = ("K005", f"header {name} names the account that recorded ({shown})")
            ctx.report(found[0], pointer, found[1], fix="run cassette scrub")


def _leaked(name: str, value: Any) -> list[str]:
    """The values of a sensitive header that hold a secret; none when none does."""
    values = value if isinstance(value, list) else [value]  # repeated headers: a list
    return [v for v in values if isinstance(v, str) and secrets.redact_header(name, v) != v]


def _mask_header(text: str) -> str:
    """`Bearer sk-p…XyZ9`: the auth scheme word stays readable, the credential does not."""
    scheme, _, credential = text.strip().partition(" ")
    if credential and scheme.isalpha() and len(scheme) <= 10:
        return f"{scheme} {secrets.mask(credential.strip())}"
    return secrets.mask(text.strip())


def _keys(
    ctx: Context, pointer: str, text: str, heads: Container[tuple[str, int, int]] = ()
) -> None:
    kinds: set[str] = set()
    for match in secrets.find_in_text(text):
        if match.kind in kinds or (pointer, match.start, match.end) in heads:
            continue
        kinds.add(match.kind)
        ctx.report(
            "K003",
            pointer,
            f"{match.kind} {secrets.mask(match.value)} at character {match.start + 1}",
            fix="run cassette scrub",
        )


def _split_keys(
    ctx: Context, pieces: list[tuple[tuple[Any, ...], str]]
) -> set[tuple[str, int, int]]:
    """K003 on a key a stream splits over its chunks (`delta.content`...), reported at the
    chunk where it starts; what one chunk holds alone is reported with that chunk. Returns
    the spans (pointer, start, end) of chunks that held a part of such a key alone."""
    heads: set[tuple[str, int, int]] = set()
    for found in secrets.split_secrets([text for _, text in pieces]):
        split = f"split over {found.spread} chunks" if found.spread > 1 else "split"
        ctx.report(
            "K003",
            join_pointer(pieces[found.piece][0]),
            f"{found.kind} {secrets.mask(found.value)} {split}, from character "
            f"{found.offset + 1} of this chunk",
            fix="run cassette scrub",
        )
        for piece, start, end in found.parts:
            heads.add((join_pointer(pieces[piece][0]), start, end))
    return heads


def _describe(part: str) -> str:
    where, _, name = part.partition(":")
    if where == "query":
        return f"query parameter {name}"
    if where == "fragment":
        return f"fragment parameter {name}"
    return "userinfo " + where
