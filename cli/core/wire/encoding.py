"""Content-Encoding: undo the compressions a body arrived in, and redo them after an edit.

Rules:
- `codings(header)` reads a Content-Encoding header into the codings in the order they
  were applied (`"gzip, br"` -> `["gzip", "br"]`); `identity` is no coding at all.
- `decode` undoes them last-first. gzip (several members too) and deflate (zlib-wrapped,
  or raw as some servers send it) always work; br and zstd when a decoder imports
  (`brotli` or `brotlicffi`; `zstandard`, or Python 3.14's `compression.zstd`). A coding
  with no decoder raises `Unsupported`; damaged data raises `WireError` saying why.
- Output is capped at `LIMIT` bytes: a few kilobytes of hostile gzip must not become
  gigabytes in memory.
- `encode` applies the codings first-last. `like` (the original encoded bytes) gives
  gzip its header back verbatim (time, OS, flags, file name) and both gzip and deflate
  their wrapping and the zlib settings (level, memLevel) that compress the original
  data to exactly the original bytes, when some do: an edited body then comes back as
  the server would have sent it, and an edit and its reverse give back the same bytes.
  Bytes another deflate implementation wrote (no zlib setting reproduces them) are
  compressed at the level their header names.
"""

from __future__ import annotations

import zlib
from typing import Any

from cli.core.wire import WireError

LIMIT = 100 * 1024 * 1024  # decoded bytes; no real recorded body comes near it
GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1024 * 1024
_PIECE = 16 * 1024  # fed to a trial compression at a time


class Unsupported(WireError):
    """A coding that no importable library decodes (br, zstd) or that nobody knows."""

    def __init__(self, coding: str) -> None:
        super().__init__(f"no decoder for the {coding!r} content-encoding is installed")
        self.coding = coding


def codings(header: str | None) -> list[str]:
    """The codings of a Content-Encoding header, in the order they were applied."""
    if not header:
        return []
    names = (part.strip().lower() for part in header.split(","))
    return [name for name in names if name and name != "identity"]


def available(coding: str) -> bool:
    """Whether `coding` can be decoded here."""
    return coding in ("gzip", "x-gzip", "deflate") or _module(coding) is not None


def decode(data: bytes, applied: list[str]) -> bytes:
    """`data` with `applied` codings undone (the last applied is undone first)."""
    for coding in reversed(applied):
        data = _decode_one(data, coding)
    return data


def encode(data: bytes, applied: list[str], like: bytes | None = None) -> bytes:
    """`data` with `applied` codings redone, as `like` (the original encoded body) was."""
    layers = _layers(like, applied) if like is not None else [None] * len(applied)
    for coding, original in zip(applied, layers, strict=True):
        data = _encode_one(data, coding, original)
    return data


def _layers(like: bytes, applied: list[str]) -> list[bytes | None]:
    """The original bytes at each coding's level, outermost last."""
    layers: list[bytes | None] = [None] * len(applied)
    current: bytes | None = like
    for index in range(len(applied) - 1, -1, -1):
        layers[index] = current
        try:
            current = _decode_one(current, applied[index]) if current is not None else None
        except WireError:
            current = None
    return layers


# one coding ----------------------------------------------------------------------


def _decode_one(data: bytes, coding: str) -> bytes:
    if coding in ("gzip", "x-gzip"):
        if not data.startswith(GZIP_MAGIC):
            raise WireError("gzip: the body does not start with gzip's magic number")
        return _inflate(data, 31, "gzip")
    if coding == "deflate":
        wrapped = len(data) >= 2 and (data[0] & 0x0F) == 8 and int.from_bytes(data[:2]) % 31 == 0
        return _inflate(data, 15 if wrapped else -15, "deflate")
    module = _module(coding)
    if module is None:
        raise Unsupported(coding)
    try:
        out = module.decompress(data) if coding == "br" else _unzstd(module, data)
    except Exception as exc:  # each library has its own error class
        raise WireError(f"{coding}: {_reason(exc)}") from None
    if len(out) > LIMIT:
        raise WireError(f"{coding}: decodes to more than {LIMIT // 2**20} MiB; not read")
    return out


def _inflate(data: bytes, wbits: int, name: str) -> bytes:
    """zlib inflate of every member, capped at LIMIT; a damaged stream says why."""
    out: list[bytes] = []
    size = 0
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits)
        try:
            pending = rest
            while not inflater.eof:
                piece = inflater.decompress(pending, _CHUNK)
                size += len(piece)
                if size > LIMIT:
                    raise WireError(f"{name}: decodes to more than {LIMIT // 2**20} MiB; not read")
                out.append(piece)
                pending = inflater.unconsumed_tail
                if not piece and not pending:
                    break  # the input is used up and nothing more comes out
        except zlib.error as exc:
            raise WireError(f"{name}: {_reason(exc)}") from None
        if not inflater.eof:
            raise WireError(f"{name}: the compressed data ends before its end marker")
        rest = inflater.unused_data
        if name != "gzip" or not rest.startswith(GZIP_MAGIC):
            break  # deflate has one stream; gzip ignores trailing padding after members
    return b"".join(out)


def _unzstd(module: Any, data: bytes) -> bytes:
    decompressor = module.ZstdDecompressor()
    if hasattr(decompressor, "decompressobj"):  # the `zstandard` package
        return decompressor.decompressobj().decompress(data)
    return decompressor.decompress(data, max_length=LIMIT + 1)  # compression.zstd


def _encode_one(data: bytes, coding: str, original: bytes | None) -> bytes:
    if coding in ("gzip", "x-gzip"):
        header = _gzip_header(original) if original is not None else None
        level = _gzip_level(original) if original is not None else 9
        memory = 8
        if header is None:
            header = GZIP_MAGIC + b"\x08\x00\x00\x00\x00\x00" + bytes([2 if level == 9 else 0, 255])
        elif original is not None:
            level, memory = _settings(original[len(header) : -8], -15, level)
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15, memory)
        body = compressor.compress(data) + compressor.flush()
        trailer = zlib.crc32(data).to_bytes(4, "little") + (len(data) & 0xFFFFFFFF).to_bytes(
            4, "little"
        )
        return header + body + trailer
    if coding == "deflate":
        wrapped = original is None or (len(original) >= 2 and (original[0] & 0x0F) == 8)
        level = _zlib_level(original) if original is not None and wrapped else 6
        memory = 8
        if original is not None:
            level, memory = _settings(original, 15 if wrapped else -15, level)
        compressor = zlib.compressobj(level, zlib.DEFLATED, 15 if wrapped else -15, memory)
        return compressor.compress(data) + compressor.flush()
    module = _module(coding)
    if module is None:
        raise Unsupported(coding)
    if coding == "br":
        return module.compress(data)
    return module.ZstdCompressor().compress(data)


def _settings(compressed: bytes, wbits: int, guess: int) -> tuple[int, int]:
    """(level, memLevel) with which zlib compresses the data in `compressed` back into
    exactly those bytes; (`guess`, 8) when none does. Each try stops at its first byte
    that differs, so a miss costs little."""
    try:
        data = _inflate(compressed, wbits, "deflate")
    except WireError:
        return guess, 8
    levels = [guess, *(level for level in (6, 9, 1, 2, 3, 4, 5, 7, 8, 0) if level != guess)]
    for level in levels:
        for memory in (8, 9):
            if _reproduces(data, compressed, level, memory, wbits):
                return level, memory
    return guess, 8


def _reproduces(data: bytes, compressed: bytes, level: int, memory: int, wbits: int) -> bool:
    compressor = zlib.compressobj(level, zlib.DEFLATED, wbits, memory)
    done = 0
    for start in range(0, len(data), _PIECE):
        out = compressor.compress(data[start : start + _PIECE])
        if compressed[done : done + len(out)] != out:
            return False
        done += len(out)
    out = compressor.flush()
    return compressed[done:] == out


def _gzip_header(data: bytes) -> bytes | None:
    """The header of a gzip member exactly as written, or None when it isn't one."""
    if len(data) < 10 or not data.startswith(GZIP_MAGIC):
        return None
    flags, end = data[3], 10
    try:
        if flags & 4:  # FEXTRA
            end += 2 + int.from_bytes(data[end : end + 2], "little")
        if flags & 8:  # FNAME
            end = data.index(b"\0", end) + 1
        if flags & 16:  # FCOMMENT
            end = data.index(b"\0", end) + 1
        if flags & 2:  # FHCRC
            end += 2
    except ValueError:
        return None
    return data[:end] if end <= len(data) else None


def _gzip_level(data: bytes) -> int:
    """The level gzip's XFL byte records: 2 is the slowest (9), 4 the fastest (1)."""
    extra = data[8] if len(data) > 8 else 0
    return {2: 9, 4: 1}.get(extra, 6)


def _zlib_level(data: bytes) -> int:
    """The level a zlib header's FLEVEL bits record (0: fastest ... 3: slowest)."""
    return (1, 5, 6, 9)[(data[1] >> 6) & 3] if len(data) > 1 else 6


def _module(coding: str) -> Any:
    """The library that does `coding`, or None when none imports."""
    candidates = {
        "br": ("brotli", "brotlicffi"),
        "zstd": ("zstandard", "compression.zstd"),
    }.get(coding, ())
    for name in candidates:
        try:
            return __import__(name, fromlist=["_"])
        except ImportError:
            continue
    return None


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[0].lower() + text[1:] if text else text
