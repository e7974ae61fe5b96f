"""Compare two values for `cassette diff`: text word by word, scalars, and JSON structures.

Rules:
- Text is compared by whitespace-separated words, like `git diff --word-diff`.
- "Changed" is `equality.same_value`, as in the edit pipeline and merge: types are exact,
  so 0 and 0.0 differ, and so do 1 and True (a request's hash tells them apart too).
- Scalars: None means absent.
- Structured values (parameters, tool schemas, tool arguments, raw fallbacks) go through
  deepdiff, imported on first use so that `import cli.app` stays light; a number whose
  type changed (1 -> 1.0) is a change there too.
- Noise keys (`NOISE_KEYS`, `*_duration`) are dropped only where `denoise` is asked to.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from cli.core import pointer
from cli.core.diff.model import (
    ADDED,
    CHANGED,
    MORE,
    NOISE_KEYS,
    REMOVED,
    STRUCTURED_LIMIT,
    Change,
)
from cli.core.equality import same_value

_TOKEN = re.compile(r"\s+|\S+")
_KINDS = {"added": ADDED, "removed": REMOVED}  # deepdiff report suffixes; others: changed
WORD_DIFF_LIMIT = 4_000_000  # tokens x tokens: about 0.3 s of matching at worst


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level edit script: ("=", same), ("-", removed), ("+", added), in reading order.

    Whitespace between two changed words joins them into one change, so that
    "a b" -> "x y" reads as one replacement rather than two with a space between.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    segments: list[list[str]] = []  # ["=", text] or ["~", old, new]
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            segments.append(["=", "".join(a[i1:i2])])
            continue
        segment = ["~", "".join(a[i1:i2]), "".join(b[j1:j2])]
        between = len(segments) >= 2 and segments[-1][0] == "=" and segments[-2][0] == "~"
        if between and not segments[-1][1].strip():
            space = segments.pop()[1]
            segments[-1][1] += space + segment[1]
            segments[-1][2] += space + segment[2]
            continue
        segments.append(segment)
    script: list[tuple[str, str]] = []
    for segment in segments:
        if segment[0] == "=":
            script.append(("=", segment[1]))
            continue
        if segment[1]:
            script.append(("-", segment[1]))
        if segment[2]:
            script.append(("+", segment[2]))
    return script


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes, with the common start and end taken off first: SequenceMatcher is
    quadratic, and a re-recorded answer mostly differs in a few places. A middle too big
    to match in good time is one replacement."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    if len(middle_a) * len(middle_b) > WORD_DIFF_LIMIT:
        middle = [("replace", 0, len(middle_a), 0, len(middle_b))]
    else:
        middle = difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=False).get_opcodes()
    opcodes = [("equal", 0, start, 0, start)] if start else []
    for tag, i1, i2, j1, j2 in middle:
        opcodes.append((tag, start + i1, start + i2, start + j1, start + j2))
    if end:
        opcodes.append(("equal", len(a) - end, len(a), len(b) - end, len(b)))
    return [op for op in opcodes if op[0] != "equal" or op[2] > op[1]]


def text_change(section: str, name: str, old: str, new: str) -> list[Change]:
    """One change for a text field: added, removed, or changed with its word diff."""
    if old == new:
        return []
    if not old:
        return [Change(section, name, ADDED, new=new)]
    if not new:
        return [Change(section, name, REMOVED, old=old)]
    return [Change(section, name, CHANGED, old, new, words=word_diff(old, new))]


def value_change(section: str, name: str, old: Any, new: Any) -> list[Change]:
    """One change for a scalar-ish field, where None means absent (types exact: 0 != 0.0)."""
    if same_value(old, new):
        return []
    if old is None:
        return [Change(section, name, ADDED, new=new)]
    if new is None:
        return [Change(section, name, REMOVED, old=old)]
    return [Change(section, name, CHANGED, old, new)]


# structured values -----------------------------------------------------------------


def structured_changes(
    section: str,
    name: str,
    old: Any,
    new: Any,
    *,
    strict: bool = False,
    limit: int | None = STRUCTURED_LIMIT,
) -> list[Change]:
    """deepdiff of two JSON values, one Change per differing leaf, sorted by path.

    Types are exact in both modes (1 -> 1.0 is a change). In strict mode each change's
    `field` is the JSON pointer `name` + path; otherwise `field` is `name` and `path` the
    dotted path.
    Beyond `limit`, the rest is counted in one last change of kind MORE.
    """
    if same_value(old, new):
        return []
    from deepdiff import DeepDiff

    tree = DeepDiff(
        old,
        new,
        view="tree",
        threshold_to_diff_deeper=0,
        ignore_private_variables=False,  # else `__data__` and `__type__` are skipped
    )
    found: list[tuple[list[Any], str, Any, Any]] = []
    for report, levels in tree.items():
        kind = _KINDS.get(report.rsplit("_", 1)[-1], CHANGED)  # dictionary_item_added -> added
        for level in levels:
            found.append(
                (
                    level.path(output_format="list"),
                    kind,
                    None if kind == ADDED else level.t1,
                    None if kind == REMOVED else level.t2,
                )
            )
    found.sort(
        key=lambda item: [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in item[0]]
    )
    changes = []
    for path, kind, before, after in found[:limit]:
        if strict:
            changes.append(Change(section, name + pointer.join(path), kind, before, after))
        else:
            changes.append(Change(section, name, kind, before, after, path=dotted(path) or None))
    if limit is not None and len(found) > limit:
        changes.append(Change(section, name, MORE, new=len(found) - limit))
    return changes


def dotted(path: list[Any]) -> str:
    """['properties', 'unit', 'enum', 1] -> 'properties.unit.enum[1]'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def denoise(body: Any) -> Any:
    """A response body without its per-recording noise (ids, times, fingerprints), at the
    levels where providers put it: the body, each item of a list, and each `__data__`."""
    if isinstance(body, list):
        return [denoise(item) for item in body]
    if not isinstance(body, dict):
        return body
    clean = {
        key: value
        for key, value in body.items()
        if key not in NOISE_KEYS and not key.endswith("_duration")
    }
    if isinstance(clean.get("__data__"), dict):
        clean["__data__"] = denoise(clean["__data__"])
    for key in ("data", "models"):  # embeddings and model lists hold objects in a list
        if isinstance(clean.get(key), list):
            clean[key] = denoise(clean[key])
    return clean
