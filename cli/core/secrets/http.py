"""Secrets by position rather than by format: sensitive headers, URL credentials and the
credential fields of form-encoded bodies.

Rules:
- Headers are judged by name (`SENSITIVE_HEADERS`, `*-token`, `*-secret`, `*-api-key`),
  case-insensitively; callers add names or globs and keep others. `redact_header` is the
  one decision on a value: a placeholder (`AUTHORIZATION-XXX`, `REDACTED`, a cookie of
  placeholders, see `placeholders`) stays; an AWS SigV4 `Authorization` keeps its
  structure with the access key id and the signature redacted; any other value becomes
  a marker. A header holds a secret exactly when `redact_header` would change it.
  `identifies_only` tells the headers that name an account or a CDN session, rather
  than authenticate, from credentials: validate grades them apart; scrub removes both.
- URLs inside text are found from their `://` (`find_urls`), which is fast and finds the
  same URLs in a string as in the JSON text that holds it.
- URLs are judged by their userinfo and the credential parameters of their query and
  fragment (`CREDENTIAL_QUERY_PARAMS`, and every `X-Amz-*` parameter: a presigned URL is
  useless without its signature anyway). `redact_url` changes only those values and
  keeps every other byte of the URL. Already-redacted values are left alone.
- A form-encoded body (`grant_type=...&client_secret=...`, a whole string of
  `name=value` pairs) is judged by the same parameter names (`client_secret`,
  `refresh_token`, `assertion`...); `redact_form` changes only their values.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from urllib.parse import unquote

from cli.core.secrets.key_formats import MARKER_PATTERN, has_digit_and_letter, marker
from cli.core.secrets.placeholders import cookie_pairs, is_placeholder, is_placeholder_cookie
from cli.core.secrets.scan import find_in_text

_MARKER_ENCODED = re.compile(r"%3CREDACTED%3A[A-Za-z0-9_.-]*%3E", re.IGNORECASE)

# headers -------------------------------------------------------------------

SENSITIVE_HEADERS: frozenset[str] = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
        "cookie",
        "set-cookie",
        "openai-organization",
        "openai-project",
        "anthropic-organization-id",
        "x-amz-security-token",
    }
)
SENSITIVE_HEADER_PATTERNS: tuple[str, ...] = ("*-token", "*-secret", "*-api-key")
# Sensitive, but no credential: they name the account that recorded, or a CDN's or load
# balancer's session, and grant no access. Scrub removes them all the same.
IDENTIFYING_HEADERS: frozenset[str] = frozenset(
    {"openai-organization", "openai-project", "anthropic-organization-id"}
)
SESSION_COOKIES: frozenset[str] = frozenset(
    {"__cf_bm", "_cfuvid", "__cflb", "awsalb", "awsalbcors", "awsalbtg", "awsalbtgcors"}
)


def is_sensitive_header(name: str, extra: Iterable[str] = (), keep: Iterable[str] = ()) -> bool:
    """Whether a header's value must be redacted. Case-insensitive; `extra` and `keep` take
    names or glob patterns (`x-*-auth`), and `keep` wins."""
    return _sensitive(name, tuple(extra), tuple(keep))


@lru_cache(maxsize=4096)  # a library repeats a few dozen header names thousands of times
def _sensitive(name: str, extra: tuple[str, ...], keep: tuple[str, ...]) -> bool:
    lowered = name.lower()
    if any(fnmatchcase(lowered, pattern.lower()) for pattern in keep):
        return False
    if lowered in SENSITIVE_HEADERS:
        return True
    patterns = (*SENSITIVE_HEADER_PATTERNS, *extra)
    return any(fnmatchcase(lowered, pattern.lower()) for pattern in patterns)


HEADER_KIND = "header"
_COOKIES = frozenset({"cookie", "set-cookie"})
_SIGV4 = re.compile(r"\s*AWS4-[A-Z0-9-]+-SHA256\s")
_SIGV4_PARTS = re.compile(r"\b(Credential|Signature)=([^/,\s]+)")
_SIGV4_KINDS = {"Credential": "aws-access-key-id", "Signature": "aws-signature"}


def redact_header(name: str, value: str) -> str:
    """The value a sensitive header `name` keeps once scrubbed (see the rules); the same
    value when there is nothing to redact."""
    placeholder = is_placeholder_cookie if name.lower() in _COOKIES else is_placeholder
    if not value.strip() or placeholder(value):
        return value
    if _SIGV4.match(value):
        return _SIGV4_PARTS.sub(_sigv4_part, value)
    return marker(HEADER_KIND)


def identifies_only(name: str, values: Iterable[str]) -> bool:
    """Whether the leaked `values` of the sensitive header `name` only identify the
    account or a CDN session (IDENTIFYING_HEADERS, SESSION_COOKIES), granting no access."""
    lowered = name.lower()
    if lowered in IDENTIFYING_HEADERS:
        return True
    if lowered not in _COOKIES:
        return False
    names = [cookie.lower() for value in values for cookie, _ in cookie_pairs(value)]
    return bool(names) and all(cookie in SESSION_COOKIES for cookie in names)


def _sigv4_part(match: re.Match[str]) -> str:
    field, secret = match.groups()
    if is_placeholder(secret):
        return match.group()
    return f"{field}={marker(_SIGV4_KINDS[field])}"


# URLs ----------------------------------------------------------------------

CREDENTIAL_QUERY_PARAMS: frozenset[str] = frozenset(
    {
        "key",
        "api_key",
        "apikey",
        "api-key",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "auth_token",
        "client_secret",
        "client_assertion",
        "assertion",
        "subject_token",
        "password",
        "sig",
        "signature",
        "x-goog-signature",
        "x-goog-credential",
    }
)
# Every parameter of an AWS presigned URL (signature, credential scope, date, expiry...).
CREDENTIAL_QUERY_PREFIXES: tuple[str, ...] = ("x-amz-",)


def is_credential_param(name: str) -> bool:
    """Whether a query or fragment parameter (decoded name, any case) holds a credential."""
    lowered = name.lower()
    return lowered in CREDENTIAL_QUERY_PARAMS or lowered.startswith(CREDENTIAL_QUERY_PREFIXES)


@dataclass(frozen=True)
class _UrlSecret:
    part: str  # "password", "username", "query:<name as written>" or "fragment:<name>"
    start: int
    end: int


def _is_redacted(value: str) -> bool:
    """A marker (also percent-encoded) or a placeholder: not a secret."""
    if MARKER_PATTERN.fullmatch(value) or _MARKER_ENCODED.fullmatch(value):
        return True
    return is_placeholder(unquote(value))


def _token_like(username: str) -> bool:
    """A username with no password is a secret only if it looks like one (`ghp_...@`),
    not `git@` or `user@`."""
    return bool(find_in_text(username)) or (len(username) >= 20 and has_digit_and_letter(username))


def _credential_params(url: str, start: int, end: int, where: str) -> list[_UrlSecret]:
    spans = []
    position = start
    while position < end:
        amp = url.find("&", position, end)
        item_end = amp if amp != -1 else end
        equals = url.find("=", position, item_end)
        if equals != -1 and equals + 1 < item_end:
            name = url[position:equals]
            if is_credential_param(unquote(name)):
                spans.append(_UrlSecret(f"{where}:{name}", equals + 1, item_end))
        position = item_end + 1
    return spans


def _url_secret_spans(url: str) -> list[_UrlSecret]:
    spans: list[_UrlSecret] = []
    scheme_end = url.find("://")
    if scheme_end != -1 and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", url[:scheme_end]):
        authority_start = scheme_end + 3
        ends = [i for i in (url.find(c, authority_start) for c in "/?#") if i != -1]
        authority_end = min(ends) if ends else len(url)
        at = url.rfind("@", authority_start, authority_end)
        if at != -1:
            colon = url.find(":", authority_start, at)
            if colon != -1 and colon + 1 < at:
                spans.append(_UrlSecret("password", colon + 1, at))
            elif colon == -1 and _token_like(url[authority_start:at]):
                spans.append(_UrlSecret("username", authority_start, at))
    query_start = url.find("?")
    fragment_start = url.find("#")
    if query_start != -1 and fragment_start != -1 and fragment_start < query_start:
        query_start = -1  # a "?" inside the fragment is part of the fragment
    if query_start != -1:
        end = fragment_start if fragment_start != -1 else len(url)
        spans.extend(_credential_params(url, query_start + 1, end, "query"))
    if fragment_start != -1:  # OAuth implicit flow: #access_token=...
        spans.extend(_credential_params(url, fragment_start + 1, len(url), "fragment"))
    return [span for span in spans if not _is_redacted(url[span.start : span.end])]


def url_secrets(url: str) -> list[tuple[str, str]]:
    """(part, value) for each credential in a URL: the userinfo password (or a username
    with no password that looks like a token), and credential parameters in the query or
    the fragment (`key`, `api_key`, `token`, `sig`, every `X-Amz-*`, ...; any case), values
    as written (still percent-encoded).
    Already-redacted values are not reported."""
    return [(span.part, url[span.start : span.end]) for span in _url_secret_spans(url)]


def redact_url(url: str, kind_for: Callable[[str], str] | None = None) -> tuple[str, list[str]]:
    """`url` with each credential value replaced by a marker (`<REDACTED:url-password>`,
    `<REDACTED:url-query>`, `<REDACTED:url-fragment>`; `kind_for(part)` chooses another
    kind), every other byte kept.
    Returns the new URL and the parts that were redacted."""
    spans = _url_secret_spans(url)
    if not spans:
        return url, []
    pieces = []
    position = 0
    for span in spans:
        kind = kind_for(span.part) if kind_for else "url-" + span.part.split(":", 1)[0]
        pieces.append(url[position : span.start])
        pieces.append(marker(kind))
        position = span.end
    pieces.append(url[position:])
    return "".join(pieces), [span.part for span in spans]


# form-encoded bodies ----------------------------------------------------------

_FORM = re.compile(r"[\w.~%+*-]+=[^&\s]*(?:&[\w.~%+*-]+(?:=[^&\s]*)?)*&?")


def _form_spans(text: str) -> list[_UrlSecret]:
    if "=" not in text or len(text) > 1_000_000 or not _FORM.fullmatch(text):
        return []
    spans = _credential_params(text, 0, len(text), "form")
    return [span for span in spans if not _is_redacted(text[span.start : span.end])]


def form_secrets(text: str) -> list[tuple[str, str]]:
    """(part, value) for each credential field of a form-encoded body (`form:<name>`);
    nothing for text that isn't a whole form body."""
    return [(span.part, text[span.start : span.end]) for span in _form_spans(text)]


def redact_form(text: str) -> tuple[str, list[str]]:
    """A form-encoded body with each credential value replaced by `<REDACTED:form-param>`,
    every other byte kept; and the parts redacted."""
    spans = _form_spans(text)
    pieces, position = [], 0
    for span in spans:
        pieces += [text[position : span.start], marker("form-param")]
        position = span.end
    return "".join(pieces) + text[position:], [span.part for span in spans]


_SCHEME = frozenset(string.ascii_letters + string.digits + "+.-")
# After `://`, up to a character no URL holds; never the trailing punctuation of a sentence.
_URL_REST = re.compile(r"://[^\s\x00-\x1f\"'<>`\\]*[^\s\x00-\x1f\"'<>`\\.,;:!?)\]]")


def find_urls(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each `scheme://...` URL in `text`. Markers (`<...>`), quotes and
    spaces end a URL."""
    position = text.find("://")
    while position != -1:
        start = position
        while start and text[start - 1] in _SCHEME:
            start -= 1
        while start < position and text[start] not in string.ascii_letters:
            start += 1
        rest = _URL_REST.match(text, position)
        if start < position and rest is not None:
            yield start, rest.end()
            position = text.find("://", rest.end())
        else:
            position = text.find("://", position + 3)


def host_span(url: str) -> tuple[int, int] | None:
    """(start, end) of the host of `scheme://[userinfo@]host[:port]/...`, brackets of an
    IPv6 literal included; None without a scheme or a host."""
    scheme_end = url.find("://")
    if scheme_end == -1:
        return None
    start = scheme_end + 3
    ends = [i for i in (url.find(c, start) for c in "/?#") if i != -1]
    end = min(ends) if ends else len(url)
    start = url.rfind("@", start, end) + 1 or start
    if url.startswith("[", start):
        end = url.find("]", start, end) + 1 or end
    elif url.find(":", start, end) != -1:
        end = url.find(":", start, end)
    return (start, end) if end > start else None
