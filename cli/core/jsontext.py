"""Reading JSON text fast without reading it wrong: orjson, except where orjson would turn a
number into another (integers beyond 64 bits become floats)."""

from __future__ import annotations

# orjson silently turns integers beyond 64 bits into floats, so a file with a run of 19+
# digits after a non-digit, non-dot byte takes the slow path. `bytes.translate` maps digits
# to "1", "." to itself and all else to "0": a C-speed scan, unlike a regex here.
_DIGIT_MAP = bytes(
    ord("1") if chr(byte).isdigit() and byte < 128 else byte if byte == ord(".") else ord("0")
    for byte in range(256)
)
_LONG_INTEGER = b"0" + b"1" * 19


_PLACES = 8  # places `has_long_integer` checks before it reads the whole file


def has_long_integer(data: bytes) -> bool:
    """Whether `data` may hold an integer orjson would read as a float (19+ digits).

    A look at every 6th byte first: a run of 19 digits covers three bytes 6 apart, so only
    around three such digits in a row can there be one; few places are checked (each a
    few bytes), or, past `_PLACES`, the whole file."""
    sampled = data[::6].translate(_DIGIT_MAP)
    position = sampled.find(b"111")
    for _ in range(_PLACES):
        if position == -1:
            return False
        at = position * 6  # a run holding at, at+6 and at+12 lies within [at-6, at+18]
        window = data[max(0, at - 7) : at + 19]
        if _LONG_INTEGER in (b" " + window).translate(_DIGIT_MAP):
            return True
        position = sampled.find(b"111", position + 1)
    return _LONG_INTEGER in (b" " + data).translate(_DIGIT_MAP)
