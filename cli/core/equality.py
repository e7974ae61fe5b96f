"""The one notion of "changed" for JSON values, shared by the edit pipeline, merge and diff.

Rules:
- Two values are the same when they would be written as the same JSON text (keys in any
  order): types are exact, so `0` and `0.0`, `1` and `True`, `-0.0` and `0.0`, `NaN` and
  `null` all differ, as they do in a file's bytes and in llama-stack's request hash.
  Python's `==` says `0 == 0.0 == False`; nothing that decides "changed" may use it.
- Fast where it can be: canonical orjson bytes compare at C speed. Their equality is
  trusted only where orjson can't blur two values (it writes NaN and infinities as
  `null`, and refuses integers beyond 64 bits); otherwise an exact walk decides.
- No imports from the rest of the core, so that every module can use it without cycles.
"""

from __future__ import annotations

import math
from typing import Any

import orjson


def same_value(old: Any, new: Any) -> bool:
    """Whether two JSON values are the same value, type for type (see the rules)."""
    try:
        old_text = orjson.dumps(old, option=orjson.OPT_SORT_KEYS)
        new_text = orjson.dumps(new, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):  # wide integers, deep nesting: walk it
        return _same_walk(old, new)
    if old_text != new_text:
        return False
    return b"null" not in old_text or _same_walk(old, new)  # NaN and inf dump as null


def _same_walk(old: Any, new: Any) -> bool:
    """The exact comparison, iterative (a value may nest deeper than the recursion limit)."""
    stack = [(old, new)]
    while stack:
        a, b = stack.pop()
        kind = type(a)
        if kind is not type(b):
            return False
        if kind is dict:
            if len(a) != len(b) or any(key not in b for key in a):
                return False
            stack.extend((value, b[key]) for key, value in a.items())
        elif kind is list:
            if len(a) != len(b):
                return False
            stack.extend(zip(a, b, strict=True))
        elif kind is float:
            if math.isnan(a) or math.isnan(b):
                if not (math.isnan(a) and math.isnan(b)):
                    return False
            elif a != b or math.copysign(1.0, a) != math.copysign(1.0, b):
                return False
        elif a != b:
            return False
    return True
