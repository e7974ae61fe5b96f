"""Model-list recordings (/v1/models, /api/tags): their entries, and the union of several.

Rules:
- The entries are the response body list (OpenAI: model objects, keyed by `id`) or the
  `models` of Ollama's ListResponse (keyed by `model`); wrapped or raw, as recorded.
- The union is what llama-stack's replay serves when several lists share a request hash
  (`_combine_model_list_responses`): every entry by its id, a later list's entry winning,
  sorted by id, in the first list's recording (its request, wrapper and extra keys).
"""

from __future__ import annotations

import copy
from typing import Any

from cli.core.model import unwrap


def union_model_lists(values: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The union of model-list recordings (see the rules), or None if one isn't a list."""
    merged: dict[str, Any] = {}
    for value in values:
        found = entries(value)
        if found is None:
            return None
        merged.update(found[1])
    result = copy.deepcopy(values[0])
    holder = entries(result)[0]  # type: ignore[index]
    holder[:] = [merged[ident] for ident in sorted(merged)]
    return result


def entries(value: dict[str, Any]) -> tuple[list[Any], list[tuple[str, Any]]] | None:
    """(the list that holds the entries, [(id, entry)...]), or None for another shape."""
    request, response = value.get("request"), value.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        return None
    body = response.get("body")
    holder = body if isinstance(body, list) else unwrap(body)[1]
    if isinstance(holder, dict):
        holder = holder.get("models")
    if not isinstance(holder, list):
        return None
    id_key = "model" if request.get("endpoint") == "/api/tags" else "id"
    pairs = []
    for entry in holder:
        fields = unwrap(entry)[1]
        ident = fields.get(id_key) if isinstance(fields, dict) else None
        if not isinstance(ident, str):
            return None
        pairs.append((ident, entry))
    return holder, pairs
