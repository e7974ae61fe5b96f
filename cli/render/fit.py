"""Fitting text into a width, for tables and titles: whatever is cut shows an ellipsis.

Rules:
- A path keeps its file name whole when it can, and loses the middle of its directories
  (`/work/shared…/recordings/28561c0848c5d46e….json`): the name is what tells files
  apart, and the start of a hash name most of all.
- Other text keeps its start.
- A width too small for anything but the ellipsis gives the ellipsis.
"""

from __future__ import annotations

ELLIPSIS = "…"
MIDDLE = 8  # the fewest characters of the folders worth keeping around an ellipsis


def fit_text(text: str, width: int) -> str:
    """`text`, or its start and an ellipsis, in at most `width` characters."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + ELLIPSIS


def fit_path(path: str, width: int) -> str:
    """`path` in at most `width` characters: the directories cut in their middle first;
    when even the name doesn't fit, the name's start (a hash name's prefix)."""
    if len(path) <= width:
        return path
    directory, slash, name = path.rpartition("/")
    if slash and len(name) + 2 <= width:
        room = width - len(name) - 2  # for "…/"
        if room < MIDDLE:  # a letter or two of the folders tells nothing
            return f"{ELLIPSIS}/{name}"
        start = directory[: (room + 1) // 2]
        end = directory[len(directory) - room // 2 :] if room // 2 else ""
        return f"{start}{ELLIPSIS}{end}/{name}"
    return fit_text(f"{ELLIPSIS}/{name}" if slash else path, width)
