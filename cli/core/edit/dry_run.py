"""What `--dry-run` shows of an edit: a unified diff of the file's text, secrets masked.

Rules:
- A secret the edit removes is never printed: masked as it appears in the text (also
  JSON-escaped), and where a YAML double-quoted scalar folds it over several lines.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable


def unified_diff(
    name: str,
    lines: tuple[list[str], list[str]],
    secrets: list[str],
    masker: Callable[[str], str] | None,
) -> str:
    """A unified diff of the file's text before and after (for JSON: pretty, even for a
    one-line file), secrets masked."""
    old, new = lines
    text = "".join(difflib.unified_diff(old, new, f"a/{name}", f"b/{name}", n=2))
    for secret in sorted(set(secrets), key=len, reverse=True):
        shown = masker(secret) if masker else "***"
        escaped = json.dumps(secret)[1:-1]  # how the secret appears inside the JSON text
        text = text.replace(escaped, shown).replace(secret, shown)
        if "\\\n" in text:
            text = _mask_folded(text, secret, shown)
    return text


# A YAML double-quoted scalar folds a long line anywhere with a `\` at its end; the diff's
# next line then starts with its mark (`-`, `+`, ` `) and the scalar's indentation.
_FOLD = r"\\\n[-+ ][ \t]*"


def _mask_folded(text: str, secret: str, shown: str) -> str:
    """`text` with `secret` masked also where a fold splits it over two lines or more:
    the mask goes where it starts, its other pieces are cut, the folds stay."""
    if len(secret) < 8:
        return text
    pattern = re.compile(f"(?:{_FOLD})?".join(re.escape(char) for char in secret))
    return pattern.sub(lambda match: shown + "".join(re.findall(_FOLD, match.group())), text)
