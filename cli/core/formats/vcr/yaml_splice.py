"""Where a change of a scalar's value lies in its text: the spans to rewrite, and no more.

`spans(pieces, count, old, new, style)` diffs the old and new value into hunks, maps each
hunk to the scalar's text through its pieces (`yaml_scalars`), and returns `Span`s:
old[a:b] became new[c:d], and text[ts:te] is what to rewrite.

Rules:
- The diff is greedy: agree as far as possible, then resynchronize on the nearest
  stretch of 3 characters that both values share within 512 characters. A renamed model
  in every `data:` line of a stream is one hunk per line, so the folds and lines between
  them are never rewritten. Without a stretch to resynchronize on, the rest (up to the
  common suffix) is one hunk.
- The diff finds the same hunks both ways (A->B and B->A), and a hunk's text is written
  the way the writer writes it, so an edit and its reverse give back the text.
- A span never cuts an escape or a line break: it widens to whole pieces. It never
  reaches the quotes or a block header. Between zero-width pieces (a `\\` continuation,
  a first line's indentation) it goes after them.
- Plain and single-quoted scalars drop blanks next to a line break, and a block scalar's
  new line break next to an old one makes an empty line: such a span takes in that line
  break too. So does a block line the edit leaves empty (its indentation goes with it).
- Spans that meet after widening are merged.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from cli.core.formats.vcr.yaml_scalars import BREAK, BREAK_CHARS, FIXED, LIT, Pieces

ANCHOR = 3  # characters that must agree to resynchronize after a change
REACH = 512  # how far past a change to look for them
_BLANKS = " \t" + BREAK_CHARS


@dataclass(frozen=True)
class Span:
    a: int  # old[a:b] ...
    b: int
    c: int  # ... became new[c:d]
    d: int
    ts: int  # text[ts:te] holds old[a:b]
    te: int
    left: int  # kind of the piece before ts (LIT if the span starts inside a run)
    right: int  # kind of the piece after te (LIT if the span ends inside a run)


def common_prefix(a: str, b: str, i: int = 0, j: int = 0, limit: int | None = None) -> int:
    """How many characters a[i:] and b[j:] share at their start. Galloping, then bisecting,
    over slices: compared in C, and in time proportional to the answer."""
    limit = min(len(a) - i, len(b) - j) if limit is None else limit
    low, step = 0, 16
    while True:
        high = min(limit, low + step)
        if a[i + low : i + high] != b[j + low : j + high]:
            break
        if high == limit:
            return limit
        low, step = high, step * 2
    while high - low > 1:  # a[i:i+low] agrees, the first difference is in [low, high)
        middle = (low + high) // 2
        if a[i + low : i + middle] == b[j + low : j + middle]:
            low = middle
        else:
            high = middle
    return low


def common_suffix(a: str, b: str, limit: int) -> int:
    low, step = 0, 16
    while True:
        high = min(limit, low + step)
        if a[len(a) - high : len(a) - low] != b[len(b) - high : len(b) - low]:
            break
        if high == limit:
            return limit
        low, step = high, step * 2
    while high - low > 1:
        middle = (low + high) // 2
        if a[len(a) - middle : len(a) - low] == b[len(b) - middle : len(b) - low]:
            low = middle
        else:
            high = middle
    return low


def hunks(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """(a, b, c, d) for each change, in order: old[a:b] became new[c:d]."""
    suffix = common_suffix(old, new, min(len(old), len(new)))
    end_old, end_new = len(old) - suffix, len(new) - suffix
    found, i, j = [], 0, 0
    while True:
        agree = common_prefix(old, new, i, j, min(end_old - i, end_new - j))
        i, j = i + agree, j + agree
        if i == end_old or j == end_new:
            if i < end_old or j < end_new:
                found.append((i, end_old, j, end_new))
            return found
        best = None
        for skip in range(min(REACH, end_old - i - ANCHOR) + 1):
            if best is not None and skip >= best[0] + best[1]:
                break  # no later anchor can make a smaller hunk
            anchor = old[i + skip : i + skip + ANCHOR]
            at = new.find(anchor, j, min(end_new, j + REACH + ANCHOR))
            if at >= 0 and (best is None or skip + at - j < best[0] + best[1]):
                best = (skip, at - j)
        if best is None:
            found.append((i, end_old, j, end_new))
            return found
        found.append((i, i + best[0], j, j + best[1]))
        i, j = i + best[0], j + best[1]


def spans(pieces: Pieces, count: int, old: str, new: str, style: str) -> list[Span]:
    """The text spans to rewrite, over the first `count` pieces (see the module rules)."""
    result: list[Span] = []
    for hunk in hunks(old, new):
        span = _widen(pieces, count, old, new, hunk, style)
        while result and span.ts <= result[-1].te:
            before = result.pop()
            span = _widen(pieces, count, old, new, (before.a, span.b, before.c, span.d), style)
        result.append(span)
    return result


def _widen(pieces: Pieces, count: int, old: str, new: str, hunk: tuple, style: str) -> Span:
    a, b, c, d = hunk
    tat, vat, kinds = pieces.text_at, pieces.value_at, pieces.kinds
    first = bisect_right(vat, a, 0, count + 1) - 1
    if first >= count:
        ts = tat[count]
    else:
        if vat[first] < a and kinds[first] != LIT:
            a, c = vat[first], c - (a - vat[first])
        ts = tat[first] + (a - vat[first])
    last = bisect_left(vat, b, 0, count + 1) - 1
    if last < 0:
        te = tat[0]
    else:
        if vat[last + 1] > b and kinds[last] != LIT:
            b, d = vat[last + 1], d + (vat[last + 1] - b)
        te = tat[last] + (b - vat[last]) if kinds[last] == LIT else tat[last + 1]
    opening = next((i for i in range(count) if kinds[i] != FIXED), count)
    closing = next((i for i in range(count, 0, -1) if kinds[i - 1] != FIXED), 0)
    ts, te = min(ts, tat[closing]), max(te, tat[opening])
    te = max(te, ts)
    if style != '"':  # double quotes escape blanks instead
        blanks = _BLANKS if style not in "|>" else BREAK_CHARS
        emptied = style in "|>" and c == d and new[d : d + 1] in ("", "\n")
        left = _piece_before(tat, count, ts)
        if (
            left is not None
            and kinds[left] == BREAK
            and (emptied or any(char in blanks for char in _ends(old, a, b, new, c, d, 0)))
        ):
            c, a, ts = c - (a - vat[left]), vat[left], tat[left]
        right = _piece_after(tat, count, te)
        if (
            right is not None
            and kinds[right] == BREAK
            and any(char in blanks for char in _ends(old, a, b, new, c, d, -1))
        ):
            d, b, te = d + (vat[right + 1] - b), vat[right + 1], tat[right + 1]
    left, right = _piece_before(tat, count, ts), _piece_after(tat, count, te)
    return Span(
        a, b, c, d, ts, te,
        kinds[left] if left is not None else LIT,
        kinds[right] if right is not None else LIT,
    )  # fmt: skip


def _piece_before(text_at: list[int], count: int, ts: int) -> int | None:
    """The piece that ends exactly at ts (None if ts cuts a piece or starts the text)."""
    index = bisect_left(text_at, ts, 0, count + 1) - 1
    return index if 0 <= index < count and text_at[index + 1] == ts else None


def _piece_after(text_at: list[int], count: int, te: int) -> int | None:
    """The piece that starts exactly at te (None if te cuts a piece or ends the text)."""
    index = bisect_right(text_at, te, 0, count + 1) - 1
    return index if 0 <= index < count and text_at[index] == te else None


def _ends(old: str, a: int, b: int, new: str, c: int, d: int, which: int) -> str:
    """The first (which=0) or last (which=-1) character of old[a:b] and of new[c:d]."""
    return (old[a:b][which] if b > a else "") + (new[c:d][which] if d > c else "")
