"""Rename a model everywhere a cassette names it, as one edit of the edit pipeline.

Rules:
- OLD matches a model name exactly (`match="exact"`) or as a case-sensitive shell glob
  (`match="glob"`); every match becomes NEW.
- Request side (`scope` request or all): `request.model`, `request.body.model` and the
  raw passthrough's `request.payload.model`. Changing these changes the request hash,
  so the pipeline renames a hash-named file and moves its `rec-<hash12>` ids.
- The URL's path, where a provider names the model there (`url_model`): Gemini and
  Vertex `/models/<m>:generateContent` (and every other `:method`), Bedrock
  `/model/<m>/converse`, `/converse-stream`, `/invoke`... VCR.py matches a request on
  its path, so the path must name the new model. A percent-encoded id
  (`anthropic.claude-3%3A0`) is written back percent-encoded the same way; `endpoint`
  follows `url`.
- Response side (`scope` response or all): the `model` (Gemini: `modelVersion`) of every
  response item (`fields`): each object and chunk, typed or raw, Ollama's included, the
  JSON of SSE `data:` lines (written back in the line's own style), event-stream
  payloads, Gemini's streamed arrays, and the object an event carries (Anthropic's
  `message`, the Responses API's `response`).
- Model lists are inventories of what a server offered, not what a test used: their
  entries (`id` of an OpenAI model object; `model` and `name` of Ollama's ListResponse
  and ProcessResponse `models[]`) change only with `include_model_lists`. The pipeline
  then moves a `models-<hash>-<digest8>.json` name to the new set of ids. A list that
  already offers NEW keeps one NEW entry: a renamed entry beside it is dropped.
- The test id (top-level `test_id`, or the raw passthrough's `request.test_id`) names the
  model as a pytest parameter (`[txt=ollama/llama3.2:3b-instruct-fp16]`), and the 2026
  hash covers it: with the request in scope, the model is renamed there too, but only as
  a whole parameter value (`rename_in_test_id`), so the file gets the name replay will
  compute. With `match="glob"`, the names this file's fields matched are renamed there.
- `count_users` tells, before anything is written, how many files use OLD and NEW: the
  command refuses to merge two models' files unless forced.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator, Set
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, unquote

from cli.core.edit.fields import ChangeLog, is_model_object
from cli.core.edit.pipeline import Change
from cli.core.model import unwrap
from cli.core.pointer import escape
from cli.errors import UsageError

if TYPE_CHECKING:
    from cli.core.edit.journal import Journal

Match = Literal["exact", "glob"]
Scope = Literal["request", "response", "all"]
MODEL_LIST_TYPES = frozenset({"ollama._types.ListResponse", "ollama._types.ProcessResponse"})


def check_names(old: str, new: str, match: Match = "exact") -> None:
    """Refuse renames that can't mean what the user wants."""
    if not old:
        raise UsageError("OLD is empty; model-list requests carry an empty model, name one")
    if not new:
        raise UsageError("NEW is empty; a request needs a model name")
    if match == "exact" and old == new:
        raise UsageError(f"OLD and NEW are both {old!r}; nothing to rename")


def rename_model(
    data: dict[str, Any],
    *,
    old: str,
    new: str,
    match: Match = "exact",
    scope: Scope = "all",
    include_model_lists: bool = False,
) -> list[Change]:
    """Rename model OLD to NEW in one cassette's JSON value, in place."""
    log = ChangeLog(data)

    def matches(value: Any) -> bool:
        if not isinstance(value, str) or not value or value == new:
            return False
        return fnmatch.fnmatchcase(value, old) if match == "glob" else value == old

    renamed: set[str] = set()  # the names this file used, which became NEW

    seen: set[str] = set()  # every model name met, for telling test id values apart

    def rename(container: dict[str, Any], key: str, pointer: str) -> bool:
        value = container.get(key)
        if isinstance(value, str):
            seen.add(value)
        if not matches(value):
            return False
        container[key] = new
        log.add(f"{pointer}/{escape(key)}", value, new)
        renamed.add(value)
        return True

    if scope in ("request", "all"):
        request = data.get("request")
        if isinstance(request, dict):
            rename(request, "model", "/request")
            for key in ("body", "payload"):
                if isinstance(request.get(key), dict):
                    rename(request[key], "model", f"/request/{key}")
            for key in ("url", "endpoint"):
                _rename_in_url(request, key, matches, new, log, seen, renamed)
    if scope in ("response", "all"):
        listed: list[Listed] = []
        response = data.get("response")
        body = response.get("body") if isinstance(response, dict) else None
        for item in log.items():
            if is_model_object(item):
                if include_model_lists and isinstance(body, list):
                    entry = next((e for e in body if unwrap(e)[1] is item.data), None)
                    renamed_here = rename(item.data, "id", item.pointer)
                    listed.append((body, entry, item.pointer, renamed_here))
                continue
            rename(item.data, "model", item.pointer)
            rename(item.data, "modelVersion", item.pointer)  # Gemini
            if include_model_lists and item.type_name in MODEL_LIST_TYPES:
                listed += _rename_entries(item.data, item.pointer, rename)
        _drop_duplicates(listed, new, log)
    if scope in ("request", "all"):
        names = {old} if match == "exact" else renamed
        for holder, pointer in ((data, ""), (data.get("request"), "/request")):
            if isinstance(holder, dict) and isinstance(holder.get("test_id"), str):
                value = holder["test_id"]
                changed = rename_in_test_id(value, names, new, others=seen - names)
                if changed != value:
                    holder["test_id"] = changed
                    log.add(f"{pointer}/test_id", value, changed)
    return log.changes()


Listed = tuple[list[Any], Any, str, bool]  # a model list, one entry, its pointer, renamed?


# the model in a URL's path ------------------------------------------------------------

# `/models/<m>` before `:method`, `/`, `?`, `#` or the end (Gemini, Vertex), `/model/<m>/`
# (Bedrock). Only in the path: a query may say `models/...` for another reason.
_MODEL_IN_PATH = re.compile(r"/models?/([^/:?#]+)(?=[:/?#]|$)")
_PATH_START = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?://[^/?#]*)?")
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")


def url_model(url: str) -> tuple[int, int, str] | None:
    """(start, end, decoded name) of the model a URL's path names, or None."""
    path_start = _PATH_START.match(url).end()  # type: ignore[union-attr]
    ends = [i for i in (url.find("?", path_start), url.find("#", path_start)) if i != -1]
    match = _MODEL_IN_PATH.search(url, path_start, min(ends, default=len(url)))
    if match is None:
        return None
    return match.start(1), match.end(1), unquote(match.group(1))


def _encoded_like(name: str, recorded: str) -> str:
    """`name` as a path segment, percent-encoded as `recorded` was: when it has escapes,
    every character but letters, digits and `-._~` (hex in the escapes' own case); else
    only what can't stand in one segment of a model's path (`/`, `:`, `?`, `#`...)."""
    escapes = _ENCODED.findall(recorded)
    if not escapes:
        return quote(name, safe="!$&'()*+,;=@")
    text = quote(name, safe="")
    if all(escape == escape.lower() for escape in escapes) and any(
        escape != escape.upper() for escape in escapes
    ):
        text = _ENCODED.sub(lambda found: found.group().lower(), text)
    return text


def _rename_in_url(
    request: dict[str, Any],
    key: str,
    matches: Any,
    new: str,
    log: ChangeLog,
    seen: set[str],
    renamed: set[str],
) -> None:
    url = request.get(key)
    if not isinstance(url, str):
        return
    found = url_model(url)
    if found is None:
        return
    start, end, name = found
    seen.add(name)
    if not matches(name):
        return
    changed = url[:start] + _encoded_like(new, url[start:end]) + url[end:]
    request[key] = changed
    log.add(f"/request/{key}", url, changed)
    renamed.add(name)


def _rename_entries(payload: dict[str, Any], pointer: str, rename: Any) -> list[Listed]:
    models = payload.get("models")
    if not isinstance(models, list):
        return []
    listed = []
    for index, entry in enumerate(models):
        if isinstance(entry, dict):
            at = f"{pointer}/models/{index}"
            renamed = [rename(entry, key, at) for key in ("model", "name")]
            listed.append((models, entry, at, any(renamed)))
    return listed


def _drop_duplicates(listed: list[Listed], new: str, log: ChangeLog) -> None:
    """A model list that already offered NEW keeps that entry; an entry renamed into NEW
    beside it is dropped, not doubled (one NEW entry per list, the first one renamed when
    none was there)."""
    kept: set[int] = set()  # id() of the lists that have their NEW entry
    for holder, entry, pointer, _ in sorted(listed, key=lambda item: item[3]):  # stable
        if entry is None or _entry_id(entry) != new:
            continue
        if id(holder) not in kept:
            kept.add(id(holder))
            continue
        holder[:] = [other for other in holder if other is not entry]
        log.add(pointer, new, "(dropped: the list already has it)")


def _entry_id(entry: Any) -> Any:
    fields = unwrap(entry)[1]
    if not isinstance(fields, dict):
        return None
    return fields.get("id", fields.get("model"))


# test ids ----------------------------------------------------------------------------

_PROVIDER = re.compile(r"[A-Za-z0-9_.-]+/")
_NEXT_PARAMETER = re.compile(r"[:;,][A-Za-z_][A-Za-z0-9_]*=")


def rename_in_test_id(
    test_id: str,
    names: set[str],
    new: str,
    others: Set[str] = frozenset(),
) -> str:
    """`test_id` with each of `names` renamed to `new` where it is a pytest parameter value:
    inside the final `[...]`, right after `key=` or `key=<provider>/`, and up to the end of
    that value (`]`, `-` before the next parameter, or `:key=`). llama-stack's ids read
    `...[txt=ollama/llama3.2:3b-instruct-fp16-False]`; its 2026 hash covers the test id.
    A `-` also joins words of a model name: where one of `others` (the file's other
    models: `...-instruct-fp16` beside `...-instruct`) stands there too, that is the value.
    """
    start = test_id.rfind("[")
    if start == -1 or not test_id.endswith("]") or not names:
        return test_id
    head, params = test_id[: start + 1], test_id[start + 1 : -1]
    out, position = [], 0
    for equals in [i for i, char in enumerate(params) if char == "="]:
        at = equals + 1
        if at < position:
            continue
        provider = _PROVIDER.match(params, at)
        for begin in (at, provider.end()) if provider else (at,):
            name = _longest_at(params, begin, names)
            if name is not None and _longest_at(params, begin, {*others, name}) != name:
                name = None  # a longer model name stands there: it is that one
            if name is not None:
                out += [params[position:begin], new]
                position = begin + len(name)
                break
    out.append(params[position:])
    return head + "".join(out) + "]"


def _longest_at(params: str, begin: int, names: set[str]) -> str | None:
    """The longest of `names` that stands at `begin` as a whole parameter value."""
    for name in sorted(names, key=len, reverse=True):
        if not params.startswith(name, begin):
            continue
        end = begin + len(name)
        rest = params[end:]
        if not rest or rest[0] == "-" or _NEXT_PARAMETER.match(params, end):
            return name
    return None


# who uses a name already ------------------------------------------------------------


def count_users(
    paths: Iterable[Path],
    glob: str,
    *,
    old: str,
    new: str,
    match: Match = "exact",
    scope: Scope = "all",
    include_model_lists: bool = False,
    journal: Journal | None = None,
    cache: bool = False,
) -> tuple[int, bool]:
    """(how many files already use NEW where this rename would write it, whether any file
    uses OLD), reading but writing nothing. Files the journal says this very command
    wrote (a stopped run's work) don't count: they use NEW because of it. With `cache`
    (and no journal), each file's answer comes from the result cache when it can."""
    options = {"scope": scope, "include_model_lists": include_model_lists, "journal": journal}

    def answers(role: str, name: str, how: Match) -> Iterator[bool]:
        from cli.core.cache import ResultCache
        from cli.core.library import iter_paths, map_cached

        worker = partial(_uses, name=name, match=how, **options)
        settings = [name, how, scope, include_model_lists]
        enabled = cache and journal is None
        with ResultCache(f"rename-model uses {role}", settings, enabled=enabled) as store:
            found = iter_paths(paths, glob)
            for _, uses in map_cached(
                worker, found, store, encode=_as_is, decode=_answer, given=paths
            ):
                yield uses

    count = sum(answers("new", new, "exact"))
    if not count:
        return 0, False
    return count, any(answers("old", old, match))


def _as_is(value: bool) -> bool:
    return value


def _answer(path: Path, record: bool) -> bool:
    return record


def _uses(
    path: Path,
    *,
    name: str,
    match: Match,
    scope: Scope,
    include_model_lists: bool,
    journal: Journal | None,
) -> bool:
    """Worker: whether the file names `name` where a rename would change it (in any of
    its interactions)."""
    from cli.core import formats
    from cli.core.formats.llamastack import codec
    from cli.errors import CassetteError

    try:
        raw = codec.read_bytes(path)
        if journal is not None and journal.done(path, raw):
            return False
        if match == "exact" and not _mentions(raw, name):
            return False  # most files: decided without parsing
        file = formats.load(raw, path)
    except CassetteError:
        return False  # the edit itself reports it (or passes it over)
    other = name + "\x00"  # any other name: only whether something changes matters
    options = {"scope": scope, "include_model_lists": include_model_lists}
    return any(
        rename_model(interaction.data, old=name, new=other, match=match, **options)
        for interaction in file.interactions
    )


def _mentions(raw: bytes, name: str) -> bool:
    """Whether the bytes may name `name`: as written, JSON-escaped or percent-encoded, or
    hidden in a YAML `!!binary` body (compressed: only reading it can tell)."""
    escaped = json.dumps(name)[1:-1].encode()  # as an ASCII-escaping writer wrote it
    return (
        escaped in raw
        or name.encode("utf-8", "surrogatepass") in raw
        or quote(name, safe="").encode() in raw
        or b"!!binary" in raw
        or not name.isascii()  # YAML may escape it (`\xe9`): read the file to know
    )
