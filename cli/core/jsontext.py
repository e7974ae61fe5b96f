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


def has_long_integer(data: bytes) -> bool:
    """Whether `data` may hold an integer orjson would read as a float (19+ digits)."""
    return _LONG_INTEGER in (b" " + data).translate(_DIGIT_MAP)
