"""JSON text for stdout, the one way every command writes it.

orjson writes it, except what orjson refuses: a lone surrogate in a damaged file's
strings (`"\ud800"`), or an integer wider than 64 bits. The standard library writes those,
escaped to ASCII, in the same layout: the output is always valid JSON, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson


def dumps(value: Any, *, indent: bool = False, default: Callable[[Any], Any] | None = None) -> str:
    """`value` as JSON: compact, or indented by two spaces."""
    try:
        return orjson.dumps(
            value, default=default, option=orjson.OPT_INDENT_2 if indent else 0
        ).decode()
    except TypeError:
        if indent:
            return json.dumps(value, indent=2, default=default)
        return json.dumps(value, separators=(",", ":"), default=default)
