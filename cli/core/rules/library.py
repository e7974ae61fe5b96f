"""Library rules (L): does each file sit where replay looks for it, and only once?

Rules:
- Names: a file is judged only if its name is a llama-stack hash name (`<12 hex>.json`,
  `<64 hex>.json`, `models-<hash>-<8 hex>.json`). `--hash-scheme auto` judges it by the
  scheme its name shows, `2025`/`2026` by that scheme, `none` not at all. A request with
  no hash rule (file processors) is not judged.
- A mismatch is an error (L001) where it is proven: under a rule verified on every
  recording of its kind (2025: all; 2026: raw HTTP and tool invocations), or when a 2026
  file's normalized response ids (`rec-<12 hex>`, stamped with the hash the recorder
  named the file by) name the expected file: it was renamed after recording. Any other
  2026 inference mismatch is a warning (L002): about 15% of llama-stack's 2026 suite was
  recorded under older rules or in another test context that the file alone can't
  reproduce, and an error would blame the file for what the rule doesn't know. (A
  request edited since recording looks the same: `--fail-on warning` catches it too.)
- Duplicates are judged among the files of one directory (llama-stack's lookup unit; two
  libraries given together are not compared), whatever their names: L003 when two
  files record the same request (method, URL path, what was sent, and test id: what the
  hashes cover), L004 (info) when two requests are equal once noise is removed: null
  fields, empty lists and objects, a single text part instead of a string, floats
  beyond 5 places.
  Model lists are exempt: replay merges every `models-<hash>-*.json` on purpose.
- Workers return two 8-byte digests per file (a chance collision in a library of a
  million files: about 1 in 37 million); the parent keeps each digest with the
  name of the first file that had it (the directory is part of the digest, so it is the
  directory of the file it is compared with), nothing more: no list of the paths.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from cli.core.formats.llamastack import hashing
from cli.core.model import url_path
from cli.core.rules.base import (
    ERROR,
    INFO,
    WARNING,
    Context,
    Finding,
    LibraryKeys,
    Rule,
    Settings,
)

RULES = (
    Rule(
        "L001",
        "name-not-request-hash",
        ERROR,
        "A hash-named file's name is not the hash of its request: replay won't find it.",
        why="replay looks for the expected name and never finds this file",
    ),
    Rule(
        "L002",
        "name-not-reproducible",
        WARNING,
        "A 2026 inference file's name is not its hash under the current rules, and nothing "
        "in the file proves the name wrong (older rules, another test context, or an edit).",
        why="replay by the current rules looks for the expected name",
    ),
    Rule(
        "L003",
        "duplicate-request",
        WARNING,
        "Two files record the same request.",
        why="replay can only ever return one of them",
    ),
    Rule(
        "L004",
        "near-duplicate-request",
        INFO,
        "Two requests are equal once noise is removed (null fields, empty lists, a single "
        "text part instead of a string).",
        why="one test may send it two ways",
    ),
)
CROSS_FILE = ("L003", "L004")

_MODEL_LIST_ENDPOINTS = hashing.MODEL_LIST_ENDPOINTS[hashing.SCHEME_2026]
_NOT_IDENTITY = frozenset({"headers", "url", "provider_metadata"})
_NESTED = (dict, list, float)  # what `_denoise` may change; other values stay as they are


def check(ctx: Context) -> None:
    """L001/L002: the file's name against its request hash."""
    scheme = _scheme(ctx)
    if scheme is None or not ctx.wants("L001", "L002"):
        return
    name = ctx.interaction.path.name
    expected = hashing.expected_name(ctx.data, scheme, name)
    if expected is None or expected == name:
        return
    fix = f"expected {expected} under the {scheme} rules"
    named_2026 = hashing.detect_scheme(name) == hashing.SCHEME_2026
    if scheme == hashing.SCHEME_2026 and named_2026 and "body" in ctx.interaction.request:
        stamped = hashing.rec_id(hashing.name_hash(expected) or "")
        ids = _rec_ids(ctx)
        if ids != {stamped}:
            chose = hashing.rec_id(hashing.name_hash(name) or "")
            if ids == {chose}:
                why = f"its ids ({chose}) show the recorder chose this name"
            elif ids:
                why = f"its ids ({', '.join(sorted(ids)[:2])}) name neither file"
            else:
                why = "nothing in the file proves the name wrong"
            ctx.report(
                "L002",
                "",
                f"name is not the hash of the request ({fix}), but {why}: recorded under "
                "older rules or in another test context, or the request was edited since",
            )
            return
        fix += f"; its ids ({stamped}) were stamped for that name: renamed after recording"
    ctx.report("L001", "", f"name is not the hash of the request ({fix})")


def _scheme(ctx: Context) -> str | None:
    setting = ctx.settings.hash_scheme
    detected = hashing.detect_scheme(ctx.path)
    if setting == "none" or detected is None:
        return None
    return detected if setting == "auto" else setting


def _rec_ids(ctx: Context) -> set[str]:
    ids = set()
    for _, _, payload in ctx.items:
        ident = payload.get("id") if isinstance(payload, dict) else None
        if isinstance(ident, str) and ident.startswith("rec-"):
            ids.add(ident)
    return ids


# keys (in the worker) ----------------------------------------------------------


def keys(ctx: Context) -> LibraryKeys | None:
    """The file's request digest and its noise-free digest; None for model lists."""
    request = ctx.interaction.request
    if not request or request.get("endpoint") in _MODEL_LIST_ENDPOINTS:
        return None
    identity = _identity(ctx, request)
    directory = str(ctx.interaction.path.parent)
    exact = _digest([directory, identity])
    denoised = _denoise(identity)
    return exact, exact if denoised is identity else _digest([directory, denoised])


def _identity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    """What replay hashes, whatever the scheme: method, URL path, what was sent, test id.
    Not headers or metadata, and not the host (the hashes leave it out too)."""
    identity = {key: value for key, value in request.items() if key not in _NOT_IDENTITY}
    url = request.get("url")
    if isinstance(url, str):
        identity["url"] = url_path(url)
    identity["test_id"] = ctx.data.get("test_id", request.get("test_id"))
    return identity


def _denoise(value: Any) -> Any:
    """A copy without what doesn't change a request's meaning; floats rounded as in 2026.
    A value with no noise in it comes back itself (not a copy), so that its digest is
    taken once."""
    if isinstance(value, dict):
        kept: dict[str, Any] = {}
        changed = False
        for key, item in value.items():
            clean = _denoise(item) if isinstance(item, _NESTED) else item
            if clean in (None, [], {}):
                changed = True
                continue
            changed = changed or clean is not item
            kept[key] = clean
        return kept if changed else value
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], dict) and value[0].keys() == {"type", "text"}:
            part = value[0]
            if part["type"] == "text" and isinstance(part["text"], str):
                return part["text"]
        items = [_denoise(item) if isinstance(item, _NESTED) else item for item in value]
        return value if all(map(operator.is_, items, value)) else items  # no item changed
    if isinstance(value, float):
        rounded = round(value, 5)
        return value if rounded == value else rounded  # equal floats dump the same
    return value


def _digest(value: Any) -> bytes:
    try:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer wider than 64 bits
        text = json.dumps(value, sort_keys=True).encode("utf-8", "surrogatepass")
    return hashlib.sha256(text).digest()[:8]


# the library (in the parent) ---------------------------------------------------


class Library:
    """Cross-file state: the name of the first file seen with each digest."""

    def __init__(self, settings: Settings, rules: Mapping[str, Rule]) -> None:
        self.settings = settings
        self.rules = rules
        self.exact: dict[bytes, str] = {}
        self.noise: dict[bytes, str] = {}

    def add(self, path: Path, keys: LibraryKeys) -> list[Finding]:
        """L003/L004 for the file at `path`, against the files before it."""
        exact, noise = keys
        name = path.name
        ctx = Context(str(path), self.settings, self.rules)
        first = self.exact.setdefault(exact, name)
        if first is not name:  # another file's name: it had the digest first
            ctx.report(
                "L003",
                "/request",
                f"records the same request as {path.parent / first}",
            )
        first_noise = self.noise.setdefault(noise, name)
        if first_noise is not name and first is name:
            ctx.report(
                "L004",
                "/request",
                f"same request as {path.parent / first_noise} once noise is removed (null "
                "fields, empty lists, single text parts, float digits)",
            )
        return ctx.findings
