"""cli.core.wire.encoding: content-encodings undone and redone."""

from __future__ import annotations

import gzip
import io
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.wire import WireError, encoding


def _gzip(data: bytes, level: int = 9, mtime: int = 0, name: str = "") -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(
        filename=name, fileobj=out, mode="wb", compresslevel=level, mtime=mtime
    ) as g:
        g.write(data)
    return out.getvalue()


def test_codings_of_a_header() -> None:
    assert encoding.codings("gzip") == ["gzip"]
    assert encoding.codings("GZIP, br") == ["gzip", "br"]
    assert encoding.codings("identity") == []
    assert encoding.codings(None) == encoding.codings("") == []


def test_gzip_and_several_members() -> None:
    assert encoding.decode(_gzip(b"hello"), ["gzip"]) == b"hello"
    assert encoding.decode(_gzip(b"he") + _gzip(b"llo"), ["gzip"]) == b"hello"


@pytest.mark.parametrize("wbits", [15, -15])
def test_deflate_wrapped_or_raw(wbits: int) -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    data = compressor.compress(b"x" * 1000 + b"y") + compressor.flush()
    assert encoding.decode(data, ["deflate"]) == b"x" * 1000 + b"y"
    assert encoding.encode(b"x" * 1000 + b"y", ["deflate"], like=data) == data


def test_codings_are_undone_last_first() -> None:
    deflated = zlib.compress(b"inner")
    both = _gzip(deflated)  # deflate applied first, then gzip
    assert encoding.decode(both, ["deflate", "gzip"]) == b"inner"
    assert encoding.encode(b"inner", ["deflate", "gzip"], like=both) == both


@pytest.mark.parametrize("level", [1, 6, 9])
def test_gzip_comes_back_with_its_header_and_level(level: int) -> None:
    original = _gzip(b'{"a": 1}\n' * 50, level=level, mtime=1_700_000_000, name="body.json")
    assert encoding.encode(encoding.decode(original, ["gzip"]), ["gzip"], like=original) == original


@pytest.mark.parametrize(("level", "memory"), [(6, 9), (9, 9), (4, 8), (2, 9)])
@pytest.mark.parametrize("wrapped", [True, False], ids=["gzip", "deflate"])
def test_zlib_settings_that_reproduce_the_original_are_found(
    level: int, memory: int, wrapped: bool
) -> None:
    """Servers compress with memLevel 9, or a level the header doesn't name: an edit and
    its reverse still give back the original bytes."""
    data = b'{"model":"gpt-4o-mini","created":1700000000,"text":"%d"}\n' * 300

    def compress(payload: bytes) -> bytes:
        packer = zlib.compressobj(level, zlib.DEFLATED, -15 if wrapped else 15, memory)
        deflated = packer.compress(payload) + packer.flush()
        if not wrapped:
            return deflated
        header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"  # XFL 0: the level is unnamed
        size = (len(payload) & 0xFFFFFFFF).to_bytes(4, "little")
        return header + deflated + zlib.crc32(payload).to_bytes(4, "little") + size

    coding = ["gzip"] if wrapped else ["deflate"]
    original = compress(data)
    other = data.replace(b"gpt-4o-mini", b"zz-model")
    there = encoding.encode(other, coding, like=original)
    assert there == compress(other)
    assert encoding.encode(data, coding, like=there) == original


def test_an_edited_gzip_body_keeps_the_original_header() -> None:
    original = _gzip(b"old", mtime=1_700_000_000, name="x")
    edited = encoding.encode(b"new body", ["gzip"], like=original)
    assert edited[:10] == original[:10] and edited.startswith(original[:12])
    assert gzip.decompress(edited) == b"new body"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"plain text", "magic number"),
        (_gzip(b"hello world" * 20)[:-12], "ends before"),
        (_gzip(b"hello")[:10] + b"\xff" * 20, "gzip:"),
    ],
    ids=["not-gzip", "truncated", "damaged"],
)
def test_damaged_gzip_says_what_is_wrong(data: bytes, words: str) -> None:
    with pytest.raises(WireError) as caught:
        encoding.decode(data, ["gzip"])
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_a_gzip_bomb_is_stopped_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoding, "LIMIT", 1_000_000)
    bomb = _gzip(b"\0" * 5_000_000)
    assert len(bomb) < 10_000
    with pytest.raises(WireError, match="more than"):
        encoding.decode(bomb, ["gzip"])


def test_a_coding_without_a_decoder_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoding, "_module", lambda coding: None)
    for coding in ("br", "zstd", "compress"):
        assert not encoding.available(coding)
        with pytest.raises(encoding.Unsupported) as caught:
            encoding.decode(b"\x00\x01", [coding])
        assert caught.value.coding == coding and coding in str(caught.value)
    assert encoding.available("gzip") and encoding.available("deflate")


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=4000),
    codings=st.lists(st.sampled_from(["gzip", "deflate"]), max_size=3),
)
def test_encode_then_decode_is_identity(data: bytes, codings: list[str]) -> None:
    assert encoding.decode(encoding.encode(data, codings), codings) == data
