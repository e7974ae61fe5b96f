"""Rename a model everywhere a cassette names it, as one edit of the edit pipeline.

Rules:
- OLD matches a model name exactly (`match="exact"`) or as a case-sensitive shell glob
  (`match="glob"`); every match becomes NEW.
- Request side (`scope` request or all): `request.model`, `request.body.model` and the
  raw passthrough's `request.payload.model`. Changing these changes the request hash,
  so the pipeline renames a hash-named file and moves its `rec-<hash12>` ids.
- Response side (`scope` response or all): the top-level `model` of every response
  object and chunk, typed or raw, Ollama's included. Text lines of raw SSE streams are
  not rewritten (their JSON is embedded in strings, in the provider's own spelling).
- Model lists are inventories of what a server offered, not what a test used: their
  entries (`id` of an OpenAI model object; `model` and `name` of Ollama's ListResponse
  and ProcessResponse `models[]`) change only with `include_model_lists`. The pipeline
  then moves a `models-<hash>-<digest8>.json` name to the new set of ids.
"""

from __future__ import annotations

import fnmatch
from typing import Any, Literal

from cli.core.edit.fields import ChangeLog, is_model_object, response_items
from cli.core.edit.pipeline import Change
from cli.core.pointer import escape
from cli.errors import UsageError

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

    def rename(container: dict[str, Any], key: str, pointer: str) -> None:
        value = container.get(key)
        if matches(value):
            container[key] = new
            log.add(f"{pointer}/{escape(key)}", value, new)

    if scope in ("request", "all"):
        request = data.get("request")
        if isinstance(request, dict):
            rename(request, "model", "/request")
            for key in ("body", "payload"):
                if isinstance(request.get(key), dict):
                    rename(request[key], "model", f"/request/{key}")
    if scope in ("response", "all"):
        for item in response_items(data):
            if is_model_object(item):
                if include_model_lists:
                    rename(item.data, "id", item.pointer)
                continue
            rename(item.data, "model", item.pointer)
            if include_model_lists and item.type_name in MODEL_LIST_TYPES:
                _rename_entries(item.data, item.pointer, rename)
    return log.changes()


def _rename_entries(payload: dict[str, Any], pointer: str, rename: Any) -> None:
    models = payload.get("models")
    if not isinstance(models, list):
        return
    for index, entry in enumerate(models):
        if isinstance(entry, dict):
            for key in ("model", "name"):
                rename(entry, key, f"{pointer}/models/{index}")
