"""llama-stack request hashes and the file names derived from them, for both layouts.

llama-stack replays a recording by hashing the live request and opening the file named
after that hash, so an edit that changes what is hashed must rename the file. This module
recomputes those hashes and names; it reads a cassette's JSON value and never changes it.

Rules (see recording-format.md, "How files are named"):
- Every hash is sha256 of `json.dumps(obj, sort_keys=True)` (default separators, ASCII
  escaping), where `obj` depends on the request shape and the scheme.
- Scheme "2025" (`<12 hex>.json`): inference requests only;
  `obj = {"method": METHOD, "endpoint": urlparse(url).path, "body": body}`. The endpoint is
  the raw path of `url` (often `/v1/v1/...`), not the `endpoint` field.
- Scheme "2026" (`<64 hex>.json`):
  inference: `{"method", "endpoint": urlparse(url).path, "body": normalized body, "test_id"}`,
  `test_id` left out for the model-list paths `/api/tags`, `/v1/models`, `/v1/openai/v1/models`;
  raw HTTP passthrough: `{"test_id", "url": full url, "method", "payload": normalized payload}`;
  tool invocation: `{"provider", "tool_name", "kwargs"}` (kwargs not normalized);
  file processors: no hash rule, so no expected name (None).
- Normalization (2026 only, `normalize_body`): floats rounded to 5 places; inside strings,
  file-search `score: N`, `, attributes: {...}`, `document_id: <uuid>` and `<|uuid|>` are
  replaced, then decimal literals with 4+ fraction digits are rewritten as `f"{x:.5f}"`; at
  the top level `extra_body.project_id` and `extra_query.project_id` are dropped; for hosts
  containing "bedrock" the top-level `stream_options` is dropped.
- Model lists (request `endpoint` is a model-list endpoint) are named
  `models-<hash>-<digest8>.json`; digest8 is the first 8 hex of sha256 (sha1 in early 2025
  recorders) of the sorted, `|`-joined model ids of the response. Replay finds them by
  `models-<hash>-*.json`, so only the hash part decides whether replay works: `expected_name`
  keeps a file's existing digest8 (and a legacy plain `<hash>.json` form) and computes a
  digest8 only for a name that has none. `model_digest_matches` checks the digest8 itself.
- `request_hash` returns the full 64-hex digest for both schemes; a 2025 name uses its
  first 12 digits. Response ids are normalized to `rec_id(hash)` by the 2026 recorder.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from cli.core.formats.llamastack import model_lists
from cli.core.model import INFERENCE, RAW_HTTP, TOOL, Interaction

SCHEME_2025 = "2025"
SCHEME_2026 = "2026"
SCHEMES = (SCHEME_2025, SCHEME_2026)

MODEL_LIST_ENDPOINTS: dict[str, frozenset[str]] = {
    SCHEME_2025: frozenset({"/api/tags", "/v1/models"}),
    SCHEME_2026: frozenset({"/api/tags", "/v1/models", "/v1/openai/v1/models"}),
}
_NO_TEST_ID_PATHS = frozenset({"/api/tags", "/v1/models", "/v1/openai/v1/models"})

_NO_PATH = Path("cassette.json")  # request_shape never looks at the path
_HASH_LENGTH = {SCHEME_2025: 12, SCHEME_2026: 64}
_NAME = re.compile(
    r"^(?:models-(?P<model>[0-9a-f]+)-(?P<digest>[0-9a-f]{8})|(?P<plain>[0-9a-f]+))\.json$"
)

# String normalization (2026), applied in this order.
_UUID = r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"
_SCORE = re.compile(r"score:\s*[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?")
_ATTRIBUTES = re.compile(r",?\s*attributes:\s*\{[^}]*\}")
_DOCUMENT_ID = re.compile(r"document_id:\s*" + _UUID)
_CITATION = re.compile(r"<\|" + _UUID + r"\|>")
_LONG_DECIMAL = re.compile(r"-?\d+\.\d{4,}")
_STRING_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # (pattern, replacement, cheap substring that must be present for the rule to apply)
    (_SCORE, "score: __NORMALIZED__", "score:"),
    (_ATTRIBUTES, "", "attributes:"),
    (_DOCUMENT_ID, "document_id: __NORMALIZED__", "document_id:"),
    (_CITATION, "<|__NORMALIZED__|>", "<|"),
)


# names ---------------------------------------------------------------------


def _basename(path_or_name: str) -> str:
    return path_or_name.replace("\\", "/").rsplit("/", 1)[-1]


def detect_scheme(path_or_name: str) -> str | None:
    """ "2025" for `<12 hex>.json`, "2026" for `<64 hex>.json` (either also as
    `models-<hash>-<8 hex>.json`); None for a name that carries no hash."""
    match = _NAME.match(_basename(path_or_name))
    if not match:
        return None
    digits = match.group("model") or match.group("plain")
    for scheme, length in _HASH_LENGTH.items():
        if len(digits) == length:
            return scheme
    return None


def is_hash_named(name: str) -> bool:
    """Whether a file name is one llama-stack's recorder would have written."""
    return detect_scheme(name) is not None


def name_hash(path_or_name: str) -> str | None:
    """The hash digits a hash-named file carries (12 or 64 hex), or None."""
    match = _NAME.match(_basename(path_or_name))
    if not match or detect_scheme(path_or_name) is None:
        return None
    return match.group("model") or match.group("plain")


def name_digest(path_or_name: str) -> str | None:
    """The digest8 of a `models-<hash>-<digest8>.json` name, or None."""
    match = _NAME.match(_basename(path_or_name))
    if not match or detect_scheme(path_or_name) is None:
        return None
    return match.group("digest")


def rec_id(request_hash: str) -> str:
    """The id the 2026 recorder gives every response object: `rec-` + 12 hex."""
    return "rec-" + request_hash[:12]


# normalization -------------------------------------------------------------


def _round_decimal(match: re.Match[str]) -> str:
    return f"{float(match.group(0)):.5f}"


def normalize_string(value: str) -> str:
    """The 2026 recorder's string rules: file-search fields, then long decimal literals."""
    for pattern, replacement, marker in _STRING_RULES:
        if marker in value:
            value = pattern.sub(replacement, value)
    if "." in value:
        value = _LONG_DECIMAL.sub(_round_decimal, value)
    return value


def _normalize(value: Any) -> Any:
    if isinstance(value, str):
        return normalize_string(value)
    if isinstance(value, dict):
        return {key: _normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalize(item) for item in value]
    if isinstance(value, float):
        return round(value, 5)
    return value


def normalize_body(value: Any, *, exclude_stream_options: bool = False) -> Any:
    """A normalized copy of a request body or payload (2026 rules); the input is untouched."""
    normalized = _normalize(value)
    if isinstance(normalized, dict):
        if exclude_stream_options:
            normalized.pop("stream_options", None)
        for key in ("extra_body", "extra_query"):
            extra = normalized.get(key)
            if isinstance(extra, dict):
                extra.pop("project_id", None)
    return normalized


# hashes --------------------------------------------------------------------


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


def _url_and_method(request: dict[str, Any]) -> tuple[str, str] | None:
    url, method = request.get("url"), request.get("method")
    if not isinstance(url, str) or not isinstance(method, str):
        return None
    return url, method.upper()


def _hash_2025(data: dict[str, Any], request: dict[str, Any], shape: str) -> str | None:
    if shape != INFERENCE:
        return None
    url_method = _url_and_method(request)
    if url_method is None:
        return None
    url, method = url_method
    return _digest({"method": method, "endpoint": urlparse(url).path, "body": request["body"]})


def _hash_2026(data: dict[str, Any], request: dict[str, Any], shape: str) -> str | None:
    if shape == INFERENCE:
        url_method = _url_and_method(request)
        if url_method is None:
            return None
        url, method = url_method
        parsed = urlparse(url)
        obj: dict[str, Any] = {
            "method": method,
            "endpoint": parsed.path,
            "body": normalize_body(
                request["body"], exclude_stream_options="bedrock" in parsed.netloc
            ),
        }
        if parsed.path not in _NO_TEST_ID_PATHS:
            obj["test_id"] = data.get("test_id")
        return _digest(obj)
    if shape == RAW_HTTP:
        url_method = _url_and_method(request)
        if url_method is None:
            return None
        url, method = url_method
        test_id = request["test_id"] if "test_id" in request else data.get("test_id")
        return _digest(
            {
                "test_id": test_id,
                "url": url,
                "method": method,
                "payload": normalize_body(request["payload"]),
            }
        )
    if shape == TOOL:
        return _digest(
            {
                "provider": request.get("provider"),
                "tool_name": request.get("tool_name"),
                "kwargs": request.get("kwargs"),
            }
        )
    return None  # file processors (and unknown shapes) have no hash rule


_HASHERS: dict[str, Callable[[dict[str, Any], dict[str, Any], str], str | None]] = {
    SCHEME_2025: _hash_2025,
    SCHEME_2026: _hash_2026,
}


def _check_scheme(scheme: str) -> None:
    if scheme not in _HASHERS:
        raise ValueError(f"unknown hash scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")


def request_hash(data: dict[str, Any], scheme: str) -> str | None:
    """The full 64-hex request hash of a cassette under `scheme`, or None when its request
    shape has no rule in that scheme (file processors, unknown shapes, malformed requests)."""
    _check_scheme(scheme)
    request = data.get("request")
    if not isinstance(request, dict):
        return None
    return _HASHERS[scheme](data, request, Interaction(_NO_PATH, data).request_shape)


# model lists ---------------------------------------------------------------


def is_model_list(data: dict[str, Any], scheme: str) -> bool:
    """Whether the recorder names this cassette `models-<hash>-<digest8>.json`."""
    _check_scheme(scheme)
    request = data.get("request")
    return isinstance(request, dict) and request.get("endpoint") in MODEL_LIST_ENDPOINTS[scheme]


def model_ids(data: dict[str, Any]) -> list[str] | None:
    """The sorted, unique model ids of a model-list response (`model` for Ollama's
    `/api/tags`, `id` otherwise), or None if the response is not a model list."""
    found = model_lists.entries(data)
    return None if found is None else sorted({ident for ident, _ in found[1]})


def model_list_digest(data: dict[str, Any], algorithm: str = "sha256") -> str | None:
    """digest8 of a model list: first 8 hex of `algorithm` over the `|`-joined sorted ids."""
    ids = model_ids(data)
    if ids is None:
        return None
    return hashlib.new(algorithm, "|".join(ids).encode("utf-8")).hexdigest()[:8]


def model_digest_matches(data: dict[str, Any], name: str) -> bool | None:
    """Whether a `models-*` name's digest8 matches its response (sha256, or the sha1 of early
    2025 recorders); None if the name has no digest8 or the response has no model ids."""
    digest = name_digest(name)
    if digest is None:
        return None
    computed = [model_list_digest(data, algorithm) for algorithm in ("sha256", "sha1")]
    if computed[0] is None:
        return None
    return digest in computed


# names from hashes ---------------------------------------------------------


def expected_name(data: dict[str, Any], scheme: str, current_name: str | None = None) -> str | None:
    """The file name under which llama-stack's replay finds this cassette, under `scheme`;
    None when the request has no hash rule.

    Model lists are `models-<hash>-<digest8>.json`. Replay globs `models-<hash>-*.json`, so
    the digest8 of `current_name` is kept; a fresh one (sha256) is computed only when the
    current name has none. A model list still named `<hash>.json` (the form recorders used
    before model lists got their own names; the 2025 corpus has one) keeps that form.
    """
    digest = request_hash(data, scheme)
    if digest is None:
        return None
    short = digest[: _HASH_LENGTH[scheme]]
    if not is_model_list(data, scheme):
        return f"{short}.json"
    current = _NAME.match(_basename(current_name)) if current_name else None
    if current and current.group("plain") and detect_scheme(current_name or "") == scheme:
        return f"{short}.json"
    suffix = current.group("digest") if current else None
    if suffix is None:
        suffix = model_list_digest(data)
    if suffix is None:
        return None
    return f"models-{short}-{suffix}.json"


def name_matches(data: dict[str, Any], path_or_name: str) -> bool | None:
    """Whether a hash-named file's name is the one its request hashes to under the scheme the
    name shows; None when the name carries no hash or the request has no rule."""
    name = _basename(path_or_name)
    scheme = detect_scheme(name)
    if scheme is None:
        return None
    expected = expected_name(data, scheme, name)
    if expected is None:
        return None
    return expected == name
