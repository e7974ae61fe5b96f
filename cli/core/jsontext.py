"""Reading JSON text fast without reading it wrong: orjson, except where orjson would turn a
number into another (integers beyond 64 bits become floats).

Rules:
- `has_long_integer` never says no in vain: a text it passes holds no integer orjson
  reads as a float. It may say yes in vain (digits inside a string), which only costs
  the standard library's slower parse.
- orjson reads every integer from -2**63 to 2**64 - 1 exactly, so only a run of digits
  above 2**64 - 1, or of 19 after a minus sign (or after anything but a separator), needs
  the slow path; a run after a `.` is a fraction, which orjson reads right.
"""

from __future__ import annotations

# `bytes.translate` maps digits to "1", "." to itself and all else to "0": a C-speed scan,
# unlike a regex here (about 20x slower on the corpus).
_DIGIT_MAP = bytes(
    ord("1") if chr(byte).isdigit() and byte < 128 else byte if byte == ord(".") else ord("0")
    for byte in range(256)
)
_RUN = b"1" * 19  # searched in the translated text: a run of one byte value is found fast
_DOT = ord(".")
_DIGITS = frozenset(b"0123456789")
# After these, 19 digits are a positive integer below 10**19 < 2**64 (or a float's
# integer part): orjson reads them right.
_PLAIN_BEFORE = frozenset(b" \t\r\n:,[")
_MAX_UNSIGNED = b"18446744073709551615"  # 2**64 - 1
_PLACES = 8  # places `has_long_integer` checks before it reads the whole file


def has_long_integer(data: bytes) -> bool:
    """Whether `data` may hold an integer orjson would read as a float (see the rules).

    A look at every 6th byte first: a run of 19 digits covers three bytes 6 apart, so only
    around three such digits in a row can there be one; few places are checked (each a
    few bytes), or, past `_PLACES`, the whole file."""
    sampled = data[::6].translate(_DIGIT_MAP)
    position = sampled.find(b"111")
    for _ in range(_PLACES):
        if position == -1:
            return False
        at = position * 6
        # the first such run of digits starts within [at-5, at]: the window holds the byte
        # before it and its first 21 digits
        begin = max(0, at - 6)
        if _long_run(data[begin : at + 21], whole=begin == 0):
            return True
        position = sampled.find(b"111", position + 1)
    return _long_run(data, whole=True)


def _long_run(text: bytes, *, whole: bool) -> bool:
    """Whether `text` holds a run of digits orjson may read wrong. `whole`: `text` starts
    where the data starts; else a run at its very start began before it (and was judged
    with its first byte, in an earlier window)."""
    digits = text.translate(_DIGIT_MAP)
    position = digits.find(_RUN)
    while position != -1:
        if _read_wrong(text, digits, position, whole):
            return True
        position = digits.find(_RUN, position + 19)
    return False


def _read_wrong(text: bytes, digits: bytes, position: int, whole: bool) -> bool:
    """Whether the run of 19 digits or more at `position` may be a number orjson reads
    wrong: not a fraction (after `.`), nor the inside of a run, nor a plain positive
    integer up to 2**64 - 1."""
    if position == 0:  # the text is a bare number, or a window starts inside a run
        return whole and _beyond(text, digits, 0)
    before = text[position - 1]
    if before == _DOT or before in _DIGITS:
        return False
    return before not in _PLAIN_BEFORE or _beyond(text, digits, position)


def _beyond(text: bytes, digits: bytes, start: int) -> bool:
    """Whether the run of 19 digits or more at `start` (a positive integer) may be
    beyond 2**64 - 1: 21 digits or more, or 20 above that number."""
    if digits[start + 19 : start + 20] != b"1":
        return False
    if digits[start + 20 : start + 21] == b"1":
        return True
    return text[start : start + 20] > _MAX_UNSIGNED
