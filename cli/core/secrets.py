"""The one secret detector, shared by `validate` (report) and `scrub` (redact).

Rules:
- Bodies are scanned with a curated table of provider key formats (`KEY_FORMATS`), not an
  entropy heuristic: each format has a stable `kind`, used in redaction markers
  (`<REDACTED:openai-key>`), reports and tests. Prefixes, lengths and character sets are
  tight, and every key must start at a boundary, so that prose (`ask-questions`,
  `sk-learn`) and base64 data (`data:image/png;base64,...`) do not match. A base64 blob has
  no character before an inner run that could serve as a boundary, because the boundary
  excludes the whole base64 alphabet.
- `Bearer <token>` and `Basic <user:pass>` redact only the credential, keeping the scheme
  word. Where a token is itself a known key (`Bearer sk-...`), the specific kind wins.
- A redaction marker never matches anything: matches that overlap an existing marker are
  dropped. What `find_in_text` reports is exactly what `redact_text` replaces, and the
  redacted text is scanned again until nothing new turns up (a marker can turn its
  neighbour into a boundary), so `redact_text` is idempotent, even with user patterns.
- Headers are judged by name (`SENSITIVE_HEADERS`, `*-token`, `*-secret`, `*-api-key`),
  URLs by their userinfo and the credential parameters of their query and fragment;
  `redact_url` changes only those values and keeps every other byte of the URL.
- `mask` shows at most 8 characters of a secret, fewer for short ones; nothing else here
  ever puts a secret into a message.
- Pure functions: no printing, no I/O. Scanning is fast: one combined regex per string
  (every pattern starts with a literal, so long strings are skipped through quickly), plus
  the context patterns only where their keyword appears.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import unquote

MARKER_PREFIX = "<REDACTED:"
MARKER_PATTERN = re.compile(r"<REDACTED:[A-Za-z0-9_.-]*>")
_MARKER_ENCODED = re.compile(r"%3CREDACTED%3A[A-Za-z0-9_.-]*%3E", re.IGNORECASE)


def marker(kind: str) -> str:
    """The text that replaces a secret of `kind`."""
    return f"{MARKER_PREFIX}{kind}>"


@dataclass(frozen=True)
class Match:
    """One secret found in a string: `text[start:end] == value`."""

    kind: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class KeyFormat:
    """One row of the table: a kind, its regex, and an optional check on the match."""

    kind: str
    pattern: str
    description: str
    check: Callable[[str], bool] | None = None


# Boundaries. A key must not be preceded by a character that could continue a key or a
# base64 run (so an `AKIA...` inside image data is not a key), and must not run on. The
# check before the key is written after its literal prefix, as a lookbehind over the prefix
# (`_after(n)`), so that every pattern starts with a literal and the regex engine can skip
# quickly through long strings such as base64 images.
_E = r"(?![A-Za-z0-9_-])"


def _after(prefix_length: int) -> str:
    return rf"(?<![A-Za-z0-9+/_-].{{{prefix_length}}})"


def _random_run(min_length: int) -> Callable[[str], bool]:
    """A check that the key holds a run of `min_length`+ alphanumerics with both a digit and
    a letter: true of generated keys, false of hyphenated words (`sk-learn-...`)."""
    run = re.compile(rf"[A-Za-z0-9]{{{min_length},}}")

    def check(value: str) -> bool:
        return any(
            any(c.isdigit() for c in part) and any(c.isalpha() for c in part)
            for part in run.findall(value)
        )

    return check


def _mixed_case(value: str) -> bool:
    body = value.split("_", 1)[-1]
    return any(c.isupper() for c in body) and any(c.islower() for c in body)


def _has_digit_and_letter(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _basic_credentials(value: str) -> bool:
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded and all(32 <= byte < 127 for byte in decoded)


# The curated table. Order matters only where two formats match the same text at the same
# place (`sk-ant-` before `sk-`); the more specific format comes first.
KEY_FORMATS: tuple[KeyFormat, ...] = (
    KeyFormat(
        "anthropic-key",
        r"sk-ant-" + _after(7) + r"[a-z]{2,8}\d{2}-[A-Za-z0-9_-]{20,}" + _E,
        "Anthropic API/admin key (sk-ant-api03-, sk-ant-admin01-)",
    ),
    KeyFormat(
        "openrouter-key",
        r"sk-or-v1-" + _after(9) + r"[a-f0-9]{64}" + _E,
        "OpenRouter key (sk-or-v1- + 64 hex)",
    ),
    KeyFormat(
        "openai-key",
        r"sk-" + _after(3) + r"(?!ant-|or-v1-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}" + _E,
        "OpenAI key (sk-, sk-proj-, sk-svcacct-, sk-admin-) or an sk- compatible key",
        _random_run(16),
    ),
    KeyFormat(
        "google-api-key",
        r"AIza" + _after(4) + r"[0-9A-Za-z_-]{35}" + _E,
        "Google / Gemini API key (AIza, 39 characters)",
    ),
    KeyFormat(
        "aws-access-key-id",
        r"(?:AKIA|ASIA)" + _after(4) + r"[A-Z0-9]{16}" + _E,
        "AWS access key id (AKIA long-term, ASIA temporary)",
    ),
    KeyFormat(
        "github-pat",
        r"github_pat_" + _after(11) + r"[A-Za-z0-9_]{22,}" + _E,
        "GitHub fine-grained personal access token",
        _random_run(8),
    ),
    KeyFormat(
        "github-token",
        r"gh[pousr]_" + _after(4) + r"[A-Za-z0-9]{36,}" + _E,
        "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_)",
    ),
    KeyFormat(
        "slack-token",
        r"xox[abposr]-" + _after(5) + r"[0-9]+-[A-Za-z0-9-]{8,}" + _E,
        "Slack token (xoxb-, xoxp-, xoxa-, ...)",
    ),
    KeyFormat(
        "slack-webhook",
        r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}",
        "Slack incoming-webhook URL",
    ),
    KeyFormat(
        "huggingface-token",
        r"hf_" + _after(3) + r"[A-Za-z]{34,}" + _E,
        "Hugging Face token (hf_ + 34 letters)",
        _mixed_case,
    ),
    KeyFormat(
        "groq-key",
        r"gsk_" + _after(4) + r"[A-Za-z0-9]{52}" + _E,
        "Groq API key (gsk_ + 52)",
    ),
    KeyFormat(
        "databricks-token",
        r"dapi" + _after(4) + r"[a-f0-9]{32}(?:-[0-9]+)?" + _E,
        "Databricks personal access token (dapi + 32 hex)",
    ),
    KeyFormat(
        "tavily-key",
        r"tvly-" + _after(5) + r"(?:dev-|prod-)?[A-Za-z0-9]{20,}" + _E,
        "Tavily search API key",
        _random_run(16),
    ),
    KeyFormat(
        "nvidia-key",
        r"nvapi-" + _after(6) + r"[A-Za-z0-9_-]{40,}" + _E,
        "NVIDIA API key (nvapi-)",
        _random_run(12),
    ),
    KeyFormat(
        "xai-key",
        r"xai-" + _after(4) + r"[A-Za-z0-9]{60,}" + _E,
        "xAI API key (xai-)",
        _random_run(16),
    ),
    KeyFormat(
        "perplexity-key",
        r"pplx-" + _after(5) + r"[A-Za-z0-9]{40,}" + _E,
        "Perplexity API key (pplx-)",
        _random_run(16),
    ),
    KeyFormat(
        "replicate-token",
        r"r8_" + _after(3) + r"[A-Za-z0-9]{37}" + _E,
        "Replicate API token (r8_)",
        _random_run(16),
    ),
    KeyFormat(
        "jwt",
        r"eyJ" + _after(3) + r"[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}" + _E,
        "JSON Web Token (three base64url parts; header and claims are JSON objects: eyJ)",
    ),
    KeyFormat(
        "private-key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)",
        "PEM/PGP private key block (to its END line, or the end of the text)",
    ),
)

# Formats found by context, not prefix: only the credential (group 1) is a secret.
CONTEXT_FORMATS: tuple[KeyFormat, ...] = (
    KeyFormat(
        "bearer-token",
        r"(?:[Bb]earer|BEARER)(?<![A-Za-z0-9].{6})[ \t]+"
        r"([A-Za-z0-9._~+/-]{16,}=*)(?![A-Za-z0-9._~+/=-])",
        "Bearer <token> (token of 16+ token characters)",
        _has_digit_and_letter,
    ),
    KeyFormat(
        "basic-auth",
        r"(?:Basic|BASIC)(?<![A-Za-z0-9].{5})[ \t]+([A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])",
        "Basic <base64 user:password>",
        _basic_credentials,
    ),
)

# One alternation of the whole table, without named groups (they would keep the regex
# engine from skipping ahead on the patterns' first characters: 20x slower on an image).
# The format of a match is found afterwards by matching each format's own regex there.
_COMBINED = re.compile("|".join(f"(?:{key_format.pattern})" for key_format in KEY_FORMATS))
_EACH = tuple((key_format, re.compile(key_format.pattern)) for key_format in KEY_FORMATS)
# Context formats run only when their keyword is present.
_CONTEXT = tuple(
    (key_format, re.compile(key_format.pattern), keywords)
    for key_format, keywords in zip(
        CONTEXT_FORMATS, (("earer", "EARER"), ("Basic", "BASIC")), strict=True
    )
)
_SHORTEST_MATCH = 18  # "Basic " + 12: no shorter string can hold a match from the tables

LITERAL_KIND = "literal"
CUSTOM_KIND = "custom"

ExtraPattern = str | re.Pattern[str] | tuple[str, str | re.Pattern[str]]


# scanning ------------------------------------------------------------------


def _format_at(text: str, start: int, end: int) -> KeyFormat | None:
    for key_format, regex in _EACH:
        m = regex.match(text, start)
        if m is not None and m.end() == end:
            return key_format
    return None  # unreachable: the combined regex is the union of these


_KIND = re.compile(r"[A-Za-z0-9_.-]+")


def _compile_extra(patterns: Iterable[ExtraPattern]) -> list[tuple[str, re.Pattern[str]]]:
    compiled = []
    for item in patterns:
        kind, pattern = item if isinstance(item, tuple) else (CUSTOM_KIND, item)
        if not _KIND.fullmatch(kind):
            raise ValueError(f"secret kind {kind!r}: use letters, digits, '.', '_' and '-'")
        compiled.append((kind, re.compile(pattern) if isinstance(pattern, str) else pattern))
    return compiled


def _scan(
    text: str, extra: list[tuple[str, re.Pattern[str]]], literals: list[str]
) -> list[list[Any]]:
    """[start, end, kind] of every secret in `text`, overlaps merged, markers left out."""
    found: list[tuple[int, int, int, str]] = []  # (start, -length, priority, kind)
    if len(text) >= _SHORTEST_MATCH:
        for m in _COMBINED.finditer(text):
            key_format = _format_at(text, m.start(), m.end())
            if key_format and (key_format.check is None or key_format.check(m.group())):
                found.append((m.start(), m.start() - m.end(), 0, key_format.kind))
        for key_format, regex, keywords in _CONTEXT:
            if not any(keyword in text for keyword in keywords):
                continue
            for m in regex.finditer(text):
                if key_format.check is None or key_format.check(m.group(1)):
                    found.append((m.start(1), m.start(1) - m.end(1), 1, key_format.kind))
    for kind, regex in extra:
        group = 1 if regex.groups else 0
        for m in regex.finditer(text):
            if m.end(group) > m.start(group):
                found.append((m.start(group), m.start(group) - m.end(group), 2, kind))
    for literal in literals:
        start = text.find(literal)
        while start != -1:
            found.append((start, -len(literal), 3, LITERAL_KIND))
            start = text.find(literal, start + len(literal))
    if not found:
        return []
    markers = [m.span() for m in MARKER_PATTERN.finditer(text)] if MARKER_PREFIX in text else []
    spans: list[list[Any]] = []
    for start, negative_length, _, kind in sorted(found):
        end = start - negative_length
        if any(start < m_end and m_start < end for m_start, m_end in markers):
            continue
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)  # never leave the tail of a secret behind
            continue
        spans.append([start, end, kind])
    return spans


def _replace(text: str, spans: list[list[Any]]) -> tuple[str, list[tuple[int, int]]]:
    """`text` with each span replaced by its marker, and for each kept segment of `text`
    (start in the new text, start in `text`)."""
    pieces: list[str] = []
    segments: list[tuple[int, int]] = []
    position = length = 0
    for start, end, kind in spans:
        segments.append((length, position))
        pieces.append(text[position:start])
        length += start - position
        replacement = marker(kind)
        pieces.append(replacement)
        length += len(replacement)
        position = end
    segments.append((length, position))
    pieces.append(text[position:])
    return "".join(pieces), segments


def find_in_text(
    text: str,
    extra_patterns: Iterable[ExtraPattern] = (),
    literals: Iterable[str] = (),
) -> list[Match]:
    """Every secret in `text`, in order, without overlaps.

    `extra_patterns` are regexes (kind "custom") or `(kind, regex)` pairs; a regex with a
    group reports group 1, else the whole match. `literals` are exact strings to find
    (kind "literal"). Overlapping matches become one, whose kind is that of the earliest
    (then longest, then first in the order table, context, extra patterns, literals).
    Nothing that overlaps an existing `<REDACTED:...>` marker is ever reported.

    What is found is what `redact_text` replaces, and its result has nothing left to find:
    a key that only stands at a boundary once its neighbour is redacted (`...-----END ...
    KEY-----sk-...`) is found too, by scanning the redacted text again until nothing is new.
    """
    extra = _compile_extra(extra_patterns)
    wanted = [literal for literal in literals if literal]
    spans = _scan(text, extra, wanted)
    while spans:
        redacted, segments = _replace(text, spans)
        more = _scan(redacted, extra, wanted)
        if not more:
            break
        for start, end, kind in more:  # each lies inside one kept segment: map it back
            new_start, old_start = max(seg for seg in segments if seg[0] <= start)
            offset = old_start - new_start
            spans.append([start + offset, end + offset, kind])
        spans.sort()
    return [Match(kind, start, end, text[start:end]) for start, end, kind in spans]


def redact_text(
    text: str,
    extra_patterns: Iterable[ExtraPattern] = (),
    literals: Iterable[str] = (),
) -> tuple[str, list[Match]]:
    """`text` with every secret replaced by `<REDACTED:kind>`, and what was replaced.
    Redacting already-redacted text changes nothing."""
    matches = find_in_text(text, extra_patterns, literals)
    if not matches:
        return text, []
    redacted, _ = _replace(text, [[m.start, m.end, m.kind] for m in matches])
    return redacted, matches


def mask(secret: str) -> str:
    """A recognizable but useless form of a secret: `sk-p…XyZ9`. Never more than 8 of its
    characters, and never more than a third of a short one."""
    n = len(secret)
    if n >= 24:
        keep = 4
    elif n >= 12:
        keep = 2
    elif n >= 6:
        keep = 1
    else:
        return "…"
    return f"{secret[:keep]}…{secret[-keep:]}"


# JSON walking --------------------------------------------------------------


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1") if ("~" in token or "/" in token) else token


def iter_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(RFC 6901 JSON pointer, string) for every string value in `value`, in document order.
    Object keys are not yielded."""
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            stack.extend(
                (f"{where}/{_escape(str(key))}", child)
                for key, child in reversed(item.items())
                if isinstance(child, (str, dict, list))
            )
        elif isinstance(item, list):
            stack.extend(
                (f"{where}/{index}", item[index])
                for index in range(len(item) - 1, -1, -1)
                if isinstance(item[index], (str, dict, list))
            )


def iter_headers(value: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(JSON pointer, object) for every object held under a key named `headers` (any case)
    at any depth: `/request/headers`, Gemini's `.../sdk_http_response/headers`, ..."""
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            children = []
            for key, child in item.items():
                child_pointer = f"{where}/{_escape(str(key))}"
                if isinstance(child, dict) and str(key).lower() == "headers":
                    yield child_pointer, child
                if isinstance(child, (dict, list)):
                    children.append((child_pointer, child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(
                (f"{where}/{index}", item[index])
                for index in range(len(item) - 1, -1, -1)
                if isinstance(item[index], (dict, list))
            )


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


def is_sensitive_header(name: str, extra: Iterable[str] = (), keep: Iterable[str] = ()) -> bool:
    """Whether a header's value must be redacted. Case-insensitive; `extra` and `keep` take
    names or glob patterns (`x-*-auth`), and `keep` wins."""
    lowered = name.lower()
    if any(fnmatchcase(lowered, pattern.lower()) for pattern in keep):
        return False
    if lowered in SENSITIVE_HEADERS:
        return True
    patterns = (*SENSITIVE_HEADER_PATTERNS, *extra)
    return any(fnmatchcase(lowered, pattern.lower()) for pattern in patterns)


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
        "password",
        "sig",
        "signature",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "x-goog-signature",
        "x-goog-credential",
    }
)


@dataclass(frozen=True)
class _UrlSecret:
    part: str  # "password", "username", "query:<name as written>" or "fragment:<name>"
    start: int
    end: int


def _is_redacted(value: str) -> bool:
    return bool(MARKER_PATTERN.fullmatch(value) or _MARKER_ENCODED.fullmatch(value))


def _token_like(username: str) -> bool:
    """A username with no password is a secret only if it looks like one (`ghp_...@`),
    not `git@` or `user@`."""
    return bool(find_in_text(username)) or (len(username) >= 20 and _has_digit_and_letter(username))


def _credential_params(url: str, start: int, end: int, where: str) -> list[_UrlSecret]:
    spans = []
    position = start
    while position < end:
        amp = url.find("&", position, end)
        item_end = amp if amp != -1 else end
        equals = url.find("=", position, item_end)
        if equals != -1 and equals + 1 < item_end:
            name = url[position:equals]
            if unquote(name).lower() in CREDENTIAL_QUERY_PARAMS:
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
    return [
        span
        for span in spans
        if not _is_redacted(url[span.start : span.end])
        and not _is_redacted(unquote(url[span.start : span.end]))
    ]


def url_secrets(url: str) -> list[tuple[str, str]]:
    """(part, value) for each credential in a URL: the userinfo password (or a username
    with no password that looks like a token), and credential parameters in the query or
    the fragment (`key`, `api_key`, `token`, `sig`, `X-Amz-Signature`, ...; any case), values
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
