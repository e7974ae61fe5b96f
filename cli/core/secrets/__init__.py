"""The one secret detector, shared by `validate` (report) and `scrub` (redact).

This package's face: import from `cli.core.secrets`. The parts live beside it:
- `key_formats`: the curated table of provider key formats (`KEY_FORMATS`), tight
  enough that prose (`sk-learn`) and base64 image data do not match;
- `scan`: `find_in_text` / `redact_text` over one string (markers never match,
  redaction is idempotent, overlaps merge) and `mask`, the only form in which a secret
  may ever appear in a message;
- `http`: sensitive headers by name (and what a scrubbed value keeps: SigV4's structure,
  placeholders), credentials in URLs and in form-encoded bodies;
- `placeholders`: values already redacted (`AUTHORIZATION-XXX`, `REDACTED`, markers),
  which are never findings;
- `streams`: the text a stream splits over its chunks, grouped per field and
  choice, and the secrets only the joined text holds (`split_secrets`), so that a key a
  model wrote token by token is found by `validate` and `scrub` alike;
- `walk`: walkers that yield every string and every headers object of a cassette, with
  their JSON pointers.

Rules: pure functions, no printing, no I/O; redaction markers look like
`<REDACTED:openai-key>`.
"""

from __future__ import annotations

from cli.core.secrets.http import (
    CREDENTIAL_QUERY_PARAMS,
    CREDENTIAL_QUERY_PREFIXES,
    HEADER_KIND,
    SENSITIVE_HEADER_PATTERNS,
    SENSITIVE_HEADERS,
    find_urls,
    form_secrets,
    host_span,
    identifies_only,
    is_credential_param,
    is_sensitive_header,
    redact_form,
    redact_header,
    redact_url,
    url_secrets,
)
from cli.core.secrets.key_formats import (
    CONTEXT_FORMATS,
    KEY_FORMATS,
    MARKER_PATTERN,
    MARKER_PREFIX,
    KeyFormat,
    marker,
)
from cli.core.secrets.placeholders import is_placeholder, is_placeholder_cookie
from cli.core.secrets.scan import (
    CUSTOM_KIND,
    LITERAL_KIND,
    SHORTEST_MATCH,
    ExtraPattern,
    Match,
    find_in_text,
    has_candidate,
    mask,
    may_hold_secrets,
    redact_text,
)
from cli.core.secrets.streams import (
    STREAM_TEXT_FIELDS,
    SplitSecret,
    StreamTexts,
    may_split,
    split_secrets,
    stream_fields,
)
from cli.core.secrets.walk import iter_headers, iter_strings

__all__ = [
    "CONTEXT_FORMATS",
    "CREDENTIAL_QUERY_PARAMS",
    "CREDENTIAL_QUERY_PREFIXES",
    "CUSTOM_KIND",
    "HEADER_KIND",
    "KEY_FORMATS",
    "LITERAL_KIND",
    "MARKER_PATTERN",
    "MARKER_PREFIX",
    "SENSITIVE_HEADERS",
    "SENSITIVE_HEADER_PATTERNS",
    "SHORTEST_MATCH",
    "STREAM_TEXT_FIELDS",
    "ExtraPattern",
    "KeyFormat",
    "Match",
    "SplitSecret",
    "StreamTexts",
    "find_in_text",
    "find_urls",
    "form_secrets",
    "has_candidate",
    "host_span",
    "identifies_only",
    "is_credential_param",
    "is_placeholder",
    "is_placeholder_cookie",
    "is_sensitive_header",
    "iter_headers",
    "iter_strings",
    "marker",
    "mask",
    "may_hold_secrets",
    "may_split",
    "redact_form",
    "redact_header",
    "redact_text",
    "redact_url",
    "split_secrets",
    "stream_fields",
    "url_secrets",
]
