"""llama-stack's response normalization, applied to recordings made before (or without) it.

The 2026 recorder rewrites what changes on every re-record, to keep git diffs small.
This edit does the same to an existing cassette, field for field (api_recorder's
`_normalize_response`):
- Only typed items (`{"__type__", "__data__"}`) are normalized, and only the top level of
  their `__data__`: raw passthrough bodies and nested objects (Cerebras `time_info`) are
  left as the recorder leaves them.
- `id` -> `rec-<hash12>` and `created` -> 0, except in model objects (`"object": "model"`),
  whose id is the model's name.
- `created_at` -> `1970-01-01T00:00:00.000000Z` whenever the key is present (even null),
  and Ollama's `total_duration`, `load_duration`, `prompt_eval_duration` and
  `eval_duration` -> 0 when not null.
- `<hash12>` is the request hash the file is replayed by. scheme "auto": the hash in the
  file's name when it is hash-named (even a name from older hash rules: that is the hash
  the recorder used), otherwise the hash under the layout's scheme (2026 when the
  cassette has a top-level `test_id`, else 2025). An explicit scheme always computes it.
  A request with no hash rule (file processors) keeps its ids.

A VCR cassette's responses carry HTTP headers, and some change on every recording
although no client reads them on replay: those in `NOISY_HEADERS` (names matched
case-insensitively, globs allowed) are deleted from every response, unless `keep`
names them (globs too). Request headers are never replayed and are left alone, as is
everything else about the response. (llama-stack keeps no response headers.)
"""

from __future__ import annotations

import fnmatch
from typing import Any, Literal

from cli.core.edit.fields import ChangeLog, is_model_object, response_items
from cli.core.edit.pipeline import Change
from cli.core.edit.retime import EPOCH_ISO
from cli.core.formats.llamastack import hashing
from cli.core.pointer import escape

SchemeChoice = Literal["auto", "2025", "2026"]
DURATIONS = ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")
# Response headers that differ on every recording and that no client needs on replay:
# dates and cookies, request and trace ids, server timings and rate-limit counters.
NOISY_HEADERS = (
    "date",
    "set-cookie",
    "cf-ray",
    "report-to",
    "nel",
    "server-timing",
    "x-request-id",
    "request-id",
    "req-id",
    "x-ms-client-request-id",
    "apim-request-id",
    "x-amzn-requestid",
    "x-amzn-trace-id",
    "x-cloud-trace-context",
    "mistral-correlation-id",
    "traceresponse",
    "openai-processing-ms",
    "x-envoy-upstream-service-time",
    "x-ratelimit-*",
    "anthropic-ratelimit-*",
)


def record_hash(data: dict[str, Any], name: str, scheme: SchemeChoice = "auto") -> str | None:
    """The hash whose first 12 digits make this cassette's `rec-` ids (see the rules)."""
    if scheme == "auto":
        carried = hashing.name_hash(name)
        if carried is not None:
            return carried
        scheme = hashing.SCHEME_2026 if "test_id" in data else hashing.SCHEME_2025
    return hashing.request_hash(data, scheme)


def normalize(
    data: dict[str, Any],
    name: str,
    *,
    scheme: SchemeChoice = "auto",
    keep: tuple[str, ...] = (),
) -> list[Change]:
    """Normalize one cassette's JSON value in place; `name` is its file name. `keep`:
    response headers (names or globs, any case) to keep although they are noisy."""
    dropped = drop_headers(data, keep)
    digest = record_hash(data, name, scheme)
    new_id = hashing.rec_id(digest) if digest else None
    log = ChangeLog(data)

    def put(container: dict[str, Any], key: str, value: Any, pointer: str) -> None:
        old = container[key]
        if old != value or type(old) is not type(value):
            container[key] = value
            log.add(f"{pointer}/{escape(key)}", old, value)

    for item in response_items(data):
        if item.type_name is None:
            continue
        fields, pointer = item.data, item.pointer
        if not is_model_object(item):
            if new_id is not None and "id" in fields:
                put(fields, "id", new_id, pointer)
            if "created" in fields:
                put(fields, "created", 0, pointer)
        if "created_at" in fields:
            put(fields, "created_at", EPOCH_ISO, pointer)
        for key in DURATIONS:
            if fields.get(key) is not None:
                put(fields, key, 0, pointer)
    return dropped + log.changes()


def drop_headers(data: dict[str, Any], keep: tuple[str, ...] = ()) -> list[Change]:
    """Delete the response's `NOISY_HEADERS` but those `keep` names; one Change listing
    them, or none."""
    response = data.get("response")
    headers = response.get("headers") if isinstance(response, dict) else None
    if not isinstance(headers, dict):
        return []
    gone = [
        name
        for name in headers
        if isinstance(name, str) and _matches(name, NOISY_HEADERS) and not _matches(name, keep)
    ]
    for name in gone:
        del headers[name]
    if not gone:
        return []
    return [Change("/response/headers", f"/response/headers: removed {', '.join(gone)}")]


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern.lower()) for pattern in patterns)
